"""The admin API under /_emulator/: health, reset, faults, call counts, settings (page size,
quotas), clock, bulk seeding.

It has NO authentication on purpose (tests and demos drive it freely): the server binds to
127.0.0.1 by default and must never be exposed beyond the local machine.
"""

import json
from datetime import date
from decimal import Decimal

from facturation_pro_emulator import records
from facturation_pro_emulator.protocol import ApiError


def _bad(message: str) -> ApiError:
    return ApiError(400, {"base": [message]})


def _json(raw: bytes) -> dict:
    if not raw.strip():
        return {}
    try:
        payload = json.loads(raw, parse_float=Decimal)
    except ValueError as error:
        raise _bad(f"invalid JSON: {error}") from None
    if not isinstance(payload, dict):
        raise _bad("a JSON object is expected")
    return payload


def handle(app, method: str, path: str, query: dict, raw: bytes) -> tuple[int, dict]:
    route = path[len("/_emulator/"):].strip("/")
    body = _json(raw) if method in ("POST", "PUT", "PATCH") else {}
    if route == "health" and method == "GET":
        return 200, {"status": "ok", "now": app.clock.stamp()}
    if route == "reset" and method == "POST":
        app.reset()
        return 200, {"reset": True}
    if route == "faults":
        if method == "POST":
            try:
                return 201, {"fault": vars(app.faults.add(body))}
            except (ValueError, TypeError) as error:
                raise _bad(str(error)) from None
        if method == "DELETE":
            app.faults.clear()
        if method in ("GET", "DELETE"):
            return 200, {"faults": app.faults.listing()}
    if route == "calls":
        if method == "DELETE":
            app.calls.clear()
        if method in ("GET", "DELETE"):
            return 200, app.calls.snapshot()
    if route == "config":
        if method == "POST":
            _configure(app, body)
        if method in ("GET", "POST"):
            return 200, {"per_page": app.config.per_page, "rate_limits": app.limits.settings()}
    if route == "clock" and method == "GET":
        return 200, {"now": app.clock.stamp()}
    if route == "clock/advance" and method == "POST":
        seconds = body.get("seconds")
        if not isinstance(seconds, int | Decimal) or seconds < 0:
            raise _bad("seconds: a number, not negative (the clock only moves forward)")
        app.clock.advance(float(seconds))
        return 200, {"now": app.clock.stamp()}
    if route == "seed/invoices" and method == "POST":
        return 201, _seed_invoices(app, body)
    raise ApiError(404, {"base": [f"unknown admin route {method} /_emulator/{route}"]})


def _configure(app, body: dict) -> None:
    """``per_page``; ``rate_limits: {per_window, window_seconds, per_day}``; until reset."""
    try:
        if "per_page" in body:
            per_page = int(body["per_page"])
            if not 1 <= per_page <= 1000:
                raise ValueError("per_page is between 1 and 1000")
            app.config.per_page = per_page
        if "rate_limits" in body:
            limits = {**app.limits.settings(), **body["rate_limits"]}
            app.limits.configure(int(limits["per_window"]), int(limits["window_seconds"]),
                                 int(limits["per_day"]))
    except (TypeError, ValueError, KeyError) as error:
        raise _bad(str(error)) from None


def _seed_invoices(app, body: dict) -> dict:
    """Bulk-create finalised invoices of one line for a customer (benchmarks, long lists):
    ``{firm_id, customer_id, count, unit_price?, vat?, title?, invoiced_on?, draft?}``."""
    store = app.store
    firm = app.world.firms.get(body.get("firm_id"))
    count = body.get("count", 1)
    if firm is None or not isinstance(count, int) or not 1 <= count <= 100_000:
        raise _bad("firm_id must be a firm of the world and count between 1 and 100000")
    customer = store.get("customers", body.get("customer_id") or 0, firm["id"])
    if customer is None:
        raise _bad("customer_id must be a customer of that firm")
    invoiced_on = body.get("invoiced_on") or app.clock.today().isoformat()
    try:
        date.fromisoformat(invoiced_on)
    except (TypeError, ValueError):
        raise _bad("invoiced_on: YYYY-MM-DD") from None
    ids = []
    stamp = app.clock.stamp()
    with store.transaction():
        for index in range(count):
            item = {"id": store.next_id("items"), "position": 1,
                    "title": body.get("title") or f"Prestation n°{index + 1}",
                    "quantity": "1", "unit_price": str(body.get("unit_price", "100")),
                    "vat": str(body.get("vat", "0.200")), "measure": None, "style": None,
                    "optional": False, "product_id": None, "nature": None}
            invoice = records.new_invoice(
                store, firm, customer, {"invoiced_on": invoiced_on,
                                        "title": body.get("title") or "Facture de test"},
                [item], stamp, app.clock.today(), draft=bool(body.get("draft")))
            store.save("invoices", invoice)
            ids.append(invoice["id"])
    return {"created": count, "first_id": ids[0], "last_id": ids[-1]}

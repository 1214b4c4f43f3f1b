"""The admin API under /_emulator/: health, faults, call counts, reset, clock, forced statuses,
bulk seeding and inspection.

It has NO authentication on purpose (tests and demos drive it freely): the server binds to
127.0.0.1 by default and must never be exposed beyond the local machine.
"""

import json
import re
from decimal import Decimal

from chorus_emulator import invoices, presenters, works_admin
from chorus_emulator.clock import iso_ms, parse_moment
from chorus_emulator.protocol import ApiError
from chorus_emulator.rules import KNOWN_STATUSES


def _json(raw: bytes) -> dict:
    if not raw.strip():
        return {}
    try:
        payload = json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise ApiError(400, {"error": f"invalid JSON: {error}"}) from error
    if not isinstance(payload, dict):
        raise ApiError(400, {"error": "a JSON object is expected"})
    return payload


def _bad(message: str) -> ApiError:
    return ApiError(400, {"error": message})


def handle(app, method: str, path: str, query: dict, raw: bytes) -> tuple[int, dict]:
    route = path[len("/_emulator/"):].strip("/")
    body = _json(raw) if method in ("POST", "PUT") else {}
    if route == "health" and method == "GET":
        return 200, {"status": "ok", "clock": app.clock.mode, "now": iso_ms(app.clock.now())}
    if route == "faults":
        if method == "POST":
            try:
                fault = app.faults.add(body)
            except (ValueError, TypeError) as error:
                raise _bad(str(error)) from error
            return 201, {"fault": vars(fault)}
        if method == "DELETE":
            app.faults.clear()
            return 200, {"faults": []}
        if method == "GET":
            return 200, {"faults": app.faults.listing()}
    if route == "calls":
        if method == "GET":
            return 200, app.calls.snapshot()
        if method == "DELETE":
            app.calls.clear()
            return 200, app.calls.snapshot()
    if route == "reset" and method == "POST":
        app.reset()
        return 200, {"reset": True}
    if route == "clock" and method == "GET":
        return 200, {"mode": app.clock.mode, "now": iso_ms(app.clock.now()),
                     "stepSeconds": app.clock.step_seconds}
    if route == "clock/advance" and method == "POST":
        try:
            seconds = float(body.get("seconds", app.clock.step_seconds))
        except (TypeError, ValueError) as error:
            raise _bad("seconds must be a number") from error
        if seconds < 0:
            raise _bad("the clock only moves forward")
        return 200, {"now": iso_ms(app.advance(seconds))}
    if route == "clock/set" and method == "POST":
        return 200, {"now": iso_ms(app.set_clock(_moment(body.get("now"))))}
    if route == "config" and method == "POST":
        return 200, _configure(app, body)
    if route == "seed/invoices" and method == "POST":
        return 201, _seed_invoices(app, body)
    if route == "seed/works" and method == "POST":
        return 201, works_admin.seed(app, body)
    if route == "invoices" and method == "GET":
        return 200, _inspect(app, query)
    match = re.fullmatch(r"invoices/(\d+)/status", route)
    if match and method == "POST":
        return 200, _force_status(app, int(match.group(1)), body)
    raise ApiError(404, {"error": f"unknown admin route {method} /_emulator/{route}"})


def _moment(value) -> float:
    if not isinstance(value, str) or not value.strip():
        raise _bad("now must be a date-time, e.g. 2026-03-02T10:15:00+01:00")
    try:
        return parse_moment(value)
    except ValueError as error:
        raise _bad(f"now is not a date-time: {error}") from error


def _configure(app, body: dict) -> dict:
    if "tokenTtl" in body:
        app.config.token_ttl = int(body["tokenTtl"])
    if "maxDownloadBytes" in body:
        app.config.max_download_bytes = int(body["maxDownloadBytes"])
    if "stepSeconds" in body:
        app.clock.step_seconds = float(body["stepSeconds"])
    if "bareSingleLists" in body:
        app.config.bare_single_lists = bool(body["bareSingleLists"])
    if "commitmentExistence404" in body:
        app.config.commitment_existence_404 = bool(body["commitmentExistence404"])
    if "unsubscribedApis" in body:
        app.config.unsubscribed_apis = tuple(str(name) for name in body["unsubscribedApis"] or ())
    if "latencyMs" in body:
        app.config.latency_ms = max(0, int(body["latencyMs"]))
    if "structuresApiOff" in body:
        app.config.structures_api_off = bool(body["structuresApiOff"])
    return {"tokenTtl": app.config.token_ttl, "maxDownloadBytes": app.config.max_download_bytes,
            "stepSeconds": app.clock.step_seconds,
            "bareSingleLists": app.config.bare_single_lists,
            "commitmentExistence404": app.config.commitment_existence_404,
            "unsubscribedApis": list(app.config.unsubscribed_apis),
            "latencyMs": app.config.latency_ms,
            "structuresApiOff": app.config.structures_api_off}


def _force_status(app, invoice_id: int, body: dict) -> dict:
    status = body.get("status")
    if status not in KNOWN_STATUSES:
        raise _bad(f"unknown status {status!r}")
    with app.store.transaction():
        invoice = app.store.invoice(invoice_id)
        if invoice is None:
            raise ApiError(404, {"error": f"no invoice {invoice_id}"})
        updates = {}
        if status == "A_VALIDER_2" and not invoice["validator2_id"]:
            second = invoices.second_validator(
                app.world, app.world.structures[invoice["recipient_id"]],
                app.world.structures.get(invoice["validator_id"]))
            if second is None:
                raise _bad("A_VALIDER_2 needs an invoice with a validator, sent to a recipient "
                           "that names a second-level validator (valideurSecondNiveau)")
            updates["validator2_id"] = second["idStructureCPP"]
        invoices.set_status(app.store, app.clock, invoice, status, comment=body.get("motif"),
                            login="emulator-admin", **updates)
        invoice = app.store.invoice(invoice_id)
    return {"invoice": _inspect_one(app, invoice)}


def _inspect_one(app, invoice) -> dict:
    return {"identifiantFactureCPP": invoice["id"], "idFacture": invoice["id"],
            **presenters.invoice_fields(app.world, invoice),
            "visibleToRecipient": bool(invoice["visible_to_recipient"]),
            "visibleToValidator": bool(invoice["visible_to_validator"]),
            "visibleToSecondValidator": bool(invoice["visible_to_validator2"]),
            "history": presenters.history(app.store, invoice)["historiquesDesStatuts"][
                "histoStatut"]}


def _inspect(app, query: dict) -> dict:
    if "numeroFacture" in query:
        rows = app.store.invoices_by_number(query["numeroFacture"][0])
    elif "id" in query:
        row = app.store.invoice(int(query["id"][0]))
        rows = [row] if row else []
    else:
        with app.store.lock:
            rows = app.store.conn.execute(
                "SELECT * FROM invoices ORDER BY id DESC LIMIT 100").fetchall()
    return {"invoices": [_inspect_one(app, row) for row in rows]}


def _seed_invoices(app, body: dict) -> dict:
    """Bulk-create invoices in one transaction (benchmarks): no routing rules, no steps."""
    world = app.world
    supplier = world.structures_by_siret.get(str(body.get("supplierSiret", "")))
    recipient = world.structures_by_siret.get(str(body.get("recipientSiret", "")))
    if supplier is None or recipient is None:
        raise _bad("supplierSiret and recipientSiret must be SIRETs of the world")
    count = int(body.get("count", 1))
    status = body.get("status", "MISE_A_DISPOSITION")
    if status not in KNOWN_STATUSES or not 1 <= count <= 200_000:
        raise _bad("status must be a known status and count between 1 and 200000")
    amount = Decimal(str(body.get("montantTtc", "120.00")))
    ht = (amount / Decimal("1.2")).quantize(Decimal("0.01"))
    prefix = body.get("numeroPrefix") or body.get("prefix") or "BENCH"
    service = next((s for s in recipient.get("services", [])
                    if s.get("estActif") and s["codeService"] != "FACTURES_PUBLIQUES"), None)
    visible = int(status not in ("DEPOSEE", "EN_COURS_ACHEMINEMENT"))
    now = app.clock.now()
    with app.store.transaction() as conn:
        ids = app.store.next_ids("invoice", count)
        history_ids = app.store.next_ids("history", count)
        conn.executemany(
            "INSERT INTO invoices (id, numero, supplier_id, recipient_id, service_id, cadre, "
            "type_facture, mode_depot, status, status_at, deposited_at, date_facture, "
            "montant_ht, montant_tva, montant_ttc, montant_a_payer, visible_to_recipient, "
            "creator) VALUES (?, ?, ?, ?, ?, 'A1_FACTURE_FOURNISSEUR', 'FACTURE', 'SAISIE_API', "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, 'emulator-admin')",
            [(invoice_id, f"{prefix}-{invoice_id}", supplier["idStructureCPP"],
              recipient["idStructureCPP"], service["idService"] if service else None, status,
              now, now, iso_ms(now)[:10], str(ht), str(amount - ht), str(amount), str(amount),
              visible) for invoice_id in ids])
        conn.executemany(
            "INSERT INTO history (id, invoice_id, kind, code, at, login) "
            "VALUES (?, ?, 'statut', ?, ?, 'emulator-admin')",
            [(hid, iid, status, now) for hid, iid in zip(history_ids, ids, strict=True)])
    return {"created": count, "firstId": ids[0], "lastId": ids[-1]}

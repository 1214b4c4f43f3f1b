"""The demo world: accounts (API identifier and key), their firms, and each firm's customers,
invoices and settlements, loaded from a JSON fixture (format in ``README.md``).

Accounts and firms are read-only while the emulator runs and live in memory; customers, invoices
and settlements are seeded into the store, through the same code as the API's own writes, so
the totals of a seeded invoice are computed exactly as those of an invoice created by a client.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from facturation_pro_emulator import amounts, records
from facturation_pro_emulator.clock import PARIS, stamp
from facturation_pro_emulator.protocol import Fields

DEFAULT_FIXTURE = Path(__file__).parent / "fixtures" / "world.json"


@dataclass
class World:
    document: dict
    accounts: dict[str, dict] = field(default_factory=dict)  # api_id -> account
    firms: dict[int, dict] = field(default_factory=dict)

    def account_firm(self, account: dict, firm_id: int) -> dict | None:
        """The firm when the account holds it; another account's firm does not exist for it."""
        return self.firms.get(firm_id) if firm_id in account["firm_ids"] else None


def load_fixture(path: str | Path | None = None) -> dict:
    with open(path or DEFAULT_FIXTURE, encoding="utf-8") as handle:
        return json.load(handle, parse_float=Decimal)


def build_world(document: dict) -> World:
    world = World(document=document)
    for firm in document["firms"]:
        world.firms[firm["id"]] = {key: value for key, value in firm.items()
                                   if key not in ("customers", "invoices")}
    for account in document["accounts"]:
        unknown = set(account["firm_ids"]) - set(world.firms)
        if unknown:
            raise ValueError(f"account {account['api_id']} holds unknown firms {unknown}")
        world.accounts[account["api_id"]] = account
    return world


def _stamp(day: str, minutes: int) -> str:
    moment = datetime.combine(date.fromisoformat(day), time(9, 30), tzinfo=PARIS)
    return stamp(moment + timedelta(minutes=minutes))


def seed(store, document: dict, today: date) -> None:
    """Write every firm's customers, invoices and settlements (inside a transaction)."""
    for firm_data in document["firms"]:
        firm = {k: v for k, v in firm_data.items() if k not in ("customers", "invoices")}
        customers = {}
        for entry in firm_data.get("customers", []):
            values = {k: str(v) if isinstance(v, Decimal) else v for k, v in entry.items()}
            created = _stamp(values.pop("created_on", "2026-01-05"), len(customers))
            customer = records.new_customer(store, firm["id"], values, created,
                                            record_id=values.pop("id", None))
            store.save("customers", customer)
            customers[customer["id"]] = customer
        for minutes, entry in enumerate(firm_data.get("invoices", [])):
            _seed_invoice(store, firm, customers[entry["customer_id"]], entry, today, minutes)
        for table in ("customers", "invoices"):
            top = max((r["id"] for r in store.all(table, firm["id"])), default=0)
            store.bump(table, top)


def _seed_invoice(store, firm: dict, customer: dict, entry: dict, today: date,
                  minutes: int) -> dict:
    entry = json.loads(json.dumps(entry, default=str))  # Decimals as strings, a private copy
    errors = Fields({})
    items = records.read_items(store, entry.pop("items"), errors)
    paid, partial = entry.pop("paid", None), entry.pop("settlements", [])
    values = records.read(Fields(entry), records.INVOICE_SPECS)
    if errors.errors or items is None:
        raise ValueError(f"fixture invoice {entry.get('id')}: {errors.errors}")
    created = _stamp(values.get("invoiced_on") or today.isoformat(), minutes)
    invoice = records.new_invoice(store, firm, customer, values, items, created, today,
                                  draft=bool(entry.get("draft")), record_id=entry.get("id"))
    store.save("invoices", invoice)
    total = amounts.totals(invoice)[2]
    for part in [*partial, *([{**paid, "total": str(total - sum(
            Decimal(p["total"]) for p in partial))}] if paid else [])]:
        settlement = {"id": store.next_id("settlements"), "firm_id": firm["id"],
                      "invoice_id": invoice["id"], "total": str(part["total"]),
                      "payment_mode": part["payment_mode"], "paid_on": part["paid_on"],
                      "payment_ref": part.get("payment_ref")}
        store.save("settlements", settlement)
        invoice["updated_at"] = _stamp(part["paid_on"], 300 + minutes)
    if paid:
        invoice.update(paid_on=paid["paid_on"], payment_mode=paid["payment_mode"])
    return store.save("invoices", invoice)

"""Building and changing records from API fields, shared by the endpoints and the fixture loader:
writable fields with their types and lengths (the doc's "Liste des champs"), lines, numbering."""

from datetime import date

from facturation_pro_emulator import amounts
from facturation_pro_emulator.protocol import NOT_IN_LIST, Fields

TEXT = 65535
# payment_mode (facture): the doc's "Valeurs spécifiques".
PAYMENT_MODES = frozenset({0, 1, 2, 3, 4, 5, 6, 8, 9, 30, 31, 32, 50, 51, 90, 99, 999})
LINE_STYLES = frozenset({"comment", "title", "subtotal", "new_page"})

CUSTOMER_SPECS = {
    "company_name": ("text", 255), "civility": ("text", 255), "first_name": ("text", 255),
    "last_name": ("text", 255), "short_name": ("text", 255), "street": ("text", 255),
    "city": ("text", 255), "zip_code": ("text", 20), "country": ("text", 2),
    "phone": ("text", 255), "fax": ("text", 255), "email": ("text", TEXT),
    "mobile": ("text", 255), "website": ("text", 255), "notes": ("text", TEXT),
    "vat_number": ("text", 30), "siret": ("text", 100), "category_id": ("integer",),
    "account_code": ("text", 11), "accounting_entry": ("text", 8), "api_id": ("integer",),
    "api_custom": ("text", 255), "individual": ("boolean",), "reference": ("text", 255),
    "penalty": ("amount",), "discount": ("amount",), "pay_before": ("text", 255),
    "validity": ("integer",), "currency": ("text", 3), "language": ("text", 255),
    "default_vat": ("amount",), "vat_country": ("text", 3), "vat_exemption": ("text", 255),
    "invoice_email": ("text", TEXT), **{f"field{n}": ("text", 255) for n in range(1, 6)},
}
INVOICE_SPECS = {
    "customer_id": ("integer",), "title": ("text", 255), "language": ("text", 2),
    "category_id": ("integer",), "followup_id": ("integer",), "invoiced_on": ("day",),
    "term_on": ("day",), "currency": ("text", 3), "rebate_percentage": ("amount",),
    "vat_exemption": ("text", 255), "vat_country": ("text", 2), "tax_title": ("text", 255),
    "tax_percent": ("amount",), "penalty": ("amount",), "pay_before": ("text", 16),
    "discount": ("amount",), "precompte": ("boolean",), "activity_title": ("text", 255),
    "service_personne": ("boolean",), "accounting_entry": ("text", 8),
    "information": ("text", TEXT), "internal_note": ("text", TEXT),
    "purchase_number": ("text", 100), "user_id": ("integer",), "api_id": ("integer",),
    "api_custom": ("text", 255), "delivery_on": ("day",), "external_ref": ("text", 255),
    "payment_mode": ("integer",), "paid_on": ("day",), "payment_ref": ("text", 255),
}
# "une fois la facture finalisée, tout ce qui influe sur le montant de la facturation ne peut
# plus être modifié" [U: which fields exactly; the date too, since numbers follow dates].
LOCKED_WHEN_FINAL = ("customer_id", "currency", "rebate_percentage", "vat_exemption",
                     "vat_country", "tax_title", "tax_percent", "precompte", "service_personne",
                     "invoiced_on", "items")
FINAL_LOCK = "ne peut plus être modifié(e) sur une facture finalisée"


def read(fields: Fields, specs: dict) -> dict:
    """The given fields of ``specs``, typed; errors collect in ``fields``."""
    values = {}
    for name, spec in specs.items():
        if not fields.given(name):
            continue
        kind = spec[0]
        if kind == "text":
            values[name] = fields.text(name, limit=spec[1])
        else:
            values[name] = getattr(fields, kind)(name)
        if kind == "amount" and values[name] is not None:
            values[name] = str(values[name])
    if values.get("payment_mode") is not None and values["payment_mode"] not in PAYMENT_MODES:
        fields.add("payment_mode", NOT_IN_LIST)
    return values


def same(name: str, given, stored) -> bool:
    """Whether a value sent back for a field equals the stored one ("0.0" is "0", null is
    false): a client that sends a whole invoice back unchanged must not be refused."""
    kind = INVOICE_SPECS.get(name, ("items",))[0]
    if kind == "items":
        return False
    if kind == "boolean":
        return bool(given) == bool(stored)
    if kind == "amount":
        return amounts.decimal(given or 0) == amounts.decimal(stored or 0)
    return given == stored


def account_code(name: str) -> str:
    letters = "".join(ch for ch in name.upper() if ch.isalnum())
    return ("411" + letters)[:11]


def new_customer(store, firm_id: int, values: dict, stamp: str, record_id: int | None = None):
    """A customer from its fields; "si vous n'avez pas indiqué de nom d'entreprise, celui ci
    est automatiquement dérivé du prénom et du nom du client" (professionals only)."""
    record = {name: None for name in CUSTOMER_SPECS} | values
    person = " ".join(p for p in (record.get("first_name"), record.get("last_name")) if p)
    record["individual"] = bool(record.get("individual"))
    if not record.get("company_name") and not record["individual"]:
        record["company_name"] = person or None
    name = record.get("company_name") or person
    record["short_name"] = record.get("short_name") or name
    record["account_code"] = record.get("account_code") or account_code(name or "")
    record["currency"] = record.get("currency") or "EUR"
    record.update(id=record_id or store.next_id("customers"), firm_id=firm_id,
                  archived=bool(values.get("archived")), created_at=stamp, updated_at=stamp,
                  last_invoiced_on=None, last_paid_on=None)
    return record


def read_items(store, raw, errors: Fields) -> list[dict] | None:
    """The ``items`` array of an invoice; at least one line (doc: "Une facture doit au moins
    contenir une ligne de facturation"). Line totals are computed, never read."""
    if not isinstance(raw, list) or not raw:
        errors.add("items", "doit contenir au moins une ligne de facturation")
        return None
    items = []
    for position, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            errors.add("items", "chaque ligne doit être un objet")
            continue
        line = Fields(entry, prefix="items.")
        style = line.text("style", limit=20) or None
        if style is not None and style not in LINE_STYLES:
            line.add("style", NOT_IN_LIST)
        vat = line.amount("vat")
        if vat is not None and not 0 <= vat <= 1:
            line.add("vat", "doit être une fraction entre 0 et 1 (0.200 pour 20 %)")
        quantity = line.amount("quantity")
        unit_price = line.amount("unit_price", required=style is None)
        items.append({
            "id": store.next_id("items"), "position": line.integer("position") or position,
            "title": line.text("title", limit=TEXT), "measure": line.text("measure", limit=32),
            "quantity": str(quantity if quantity is not None else 1),
            "unit_price": str(unit_price if unit_price is not None else 0),
            "vat": str(vat if vat is not None else "0.200"), "style": style,
            "optional": bool(line.boolean("optional")),
            "product_id": line.integer("product_id"), "nature": line.integer("nature"),
        })
        for name, messages in line.errors.items():
            errors.errors.setdefault(name, []).extend(messages)
    return items


def finalise(store, firm: dict, invoice: dict, today: date) -> None:
    """Number a draft as the firm's next invoice (YYYYMM-N, as the doc's ``201307-4``)."""
    invoiced_on = date.fromisoformat(invoice.get("invoiced_on") or today.isoformat())
    number = store.next_id(f"invoice_number:{firm['id']}", firm.get("first_invoice_number", 1) - 1)
    reference = f"{invoiced_on:%Y%m}-{number}"
    invoice.update(draft=False, number=number, invoice_ref=reference,
                   full_invoice_ref=f"{firm.get('invoice_prefix', '')}{reference}",
                   invoiced_on=invoiced_on.isoformat())
    if not invoice.get("term_on"):
        delivery = invoice.get("delivery_on")
        due = amounts.term_on(invoice.get("pay_before"), invoiced_on,
                              date.fromisoformat(delivery) if delivery else None)
        invoice["term_on"] = due.isoformat() if due else None


def new_invoice(store, firm: dict, customer: dict, values: dict, items: list[dict], stamp: str,
                today: date, *, draft: bool, record_id: int | None = None) -> dict:
    record = {name: None for name in INVOICE_SPECS} | values
    record.update(
        id=record_id or store.next_id("invoices"), firm_id=firm["id"], items=items,
        draft=True, number=None, invoice_ref=None, full_invoice_ref=None, refund_id=None,
        quote_id=None, overdue_at=None, created_at=stamp, updated_at=stamp,
        customer_id=customer["id"], currency=values.get("currency") or customer.get("currency")
        or "EUR", language=values.get("language") or "fr",
        pay_before=values.get("pay_before") or customer.get("pay_before"),
        invoiced_on=values.get("invoiced_on") or today.isoformat(),
        payment_mode=values.get("payment_mode") or 0, rebate_percentage=values.get(
            "rebate_percentage") or "0", penalty=values.get("penalty") or "0",
        service_personne=bool(values.get("service_personne")))
    if not draft:
        finalise(store, firm, record, today)
    return record

"""Records as the API writes them: every field of the doc's "Liste des champs", snake_case, amounts
as strings, and the same keys on a list and on a detail (lines, files and settlements apart)."""

from decimal import Decimal

from facturation_pro_emulator import amounts

CUSTOMER_FIELDS = (
    "account_code", "accounting_entry", "api_custom", "api_id", "category_id", "city",
    "civility", "company_name", "country", "currency", "default_vat", "discount", "email", "fax",
    "field1", "field2", "field3", "field4", "field5", "first_name", "id", "individual",
    "invoice_email", "language", "last_invoiced_on", "last_name", "last_paid_on", "mobile",
    "notes", "pay_before", "penalty", "phone", "reference", "short_name", "siret", "street",
    "validity", "vat_country", "vat_exemption", "vat_number", "website", "zip_code",
    "created_at", "updated_at")
DECIMAL_FIELDS = ("default_vat", "discount", "penalty", "rebate_percentage", "tax_percent")

INVOICE_FIELDS = (
    "accounting_entry", "activity_title", "api_custom", "api_id", "category_id", "currency",
    "customer_id", "delivery_on", "discount", "external_ref", "followup_id", "id",
    "information", "internal_note", "invoice_ref", "full_invoice_ref", "invoiced_on",
    "language", "overdue_at", "paid_on", "pay_before", "payment_mode", "payment_ref", "penalty",
    "precompte", "purchase_number", "quote_id", "rebate_percentage", "refund_id",
    "service_personne", "tax_percent", "tax_title", "term_on", "title", "user_id",
    "vat_country", "vat_exemption", "created_at", "updated_at")


def customer_name(customer: dict | None) -> str | None:
    if customer is None:
        return None
    person = " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p)
    return customer.get("company_name") or person or None


def customer_json(customer: dict) -> dict:
    payload = {key: customer.get(key) for key in CUSTOMER_FIELDS}
    payload["individual"] = bool(customer.get("individual"))
    for key in DECIMAL_FIELDS:
        if key in payload:
            payload[key] = amounts.ruby(payload[key])
    payload["soft_deleted"] = False
    payload["hard_delete_on"] = None
    return payload


def item_json(item: dict) -> dict:
    return {
        "id": item["id"], "position": item.get("position"), "title": item.get("title"),
        "quantity": amounts.ruby(item["quantity"]), "measure": item.get("measure"),
        "unit_price": amounts.ruby(item["unit_price"]), "vat": amounts.rate(item["vat"]),
        "total": amounts.ruby(amounts.line_total(item)), "product_id": item.get("product_id"),
        "optional": bool(item.get("optional")), "style": item.get("style"),
        "nature": item.get("nature"), "sap_nature": None,
    }


def settlement_json(settlement: dict) -> dict:
    return {"id": settlement["id"], "invoice_id": settlement["invoice_id"],
            "total": amounts.ruby(settlement["total"]),
            "payment_mode": settlement["payment_mode"], "paid_on": settlement["paid_on"],
            "payment_ref": settlement.get("payment_ref")}


def asset_json(asset: dict, base_url: str, *, with_title: bool = False) -> dict:
    owner = f"{asset['owner']}_id"
    payload = {"id": asset["id"], owner: asset["owner_id"],
               "document_name": asset["document_name"],
               "document_size": asset["document_size"],
               "download_url": f"{base_url}/firms/{asset['firm_id']}/assets/{asset['id']}"
                               "/download"}
    if asset["owner"] == "invoice":
        payload["visible"] = bool(asset.get("visible"))
    if with_title:
        payload["title"] = asset.get("title")
    return payload


def invoice_json(invoice: dict, *, customer: dict | None, settlements: list[dict],
                 details: bool, with_settlements: bool, files: list[dict] | None = None,
                 base_url: str = "") -> dict:
    """``details``: add ``items`` and ``files``; ``with_settlements``: add ``settlements``."""
    payload = {key: invoice.get(key) for key in INVOICE_FIELDS}
    for key in DECIMAL_FIELDS:
        if key in payload:
            payload[key] = amounts.ruby(payload[key])
    total, _, with_vat = amounts.totals(invoice)
    due = amounts.balance(invoice, settlements)
    name = customer_name(customer)
    payload.update({
        "customer_identity": name, "customer_name": name, "draft": bool(invoice.get("draft")),
        "external": False, "total": amounts.ruby(total),
        "total_with_vat": amounts.ruby(with_vat), "balance": amounts.ruby(due),
        "paid_in_main_currency": amounts.ruby(with_vat) if invoice.get("paid_on") else None,
        "estimated_total_in_main_currency": amounts.ruby(with_vat), "exchange_rate": None,
        "estimated_rate": False, "public_download_url": None, "pay_url": None,
        "recurring_invoice_id": None, "soft_deleted": False, "hard_delete_on": None,
    })
    if details:
        payload["items"] = [item_json(item) for item in
                            sorted(invoice["items"], key=lambda i: (i.get("position") or 0))]
        payload["files"] = [asset_json(asset, base_url) for asset in files or []]
    if with_settlements:
        payload["settlements"] = [settlement_json(s) for s in settlements]
    return payload


def settled_total(settlements: list[dict]) -> Decimal:
    return sum((Decimal(s["total"]) for s in settlements), amounts.ZERO)

"""``/account.json`` and ``/firms/FIRM_ID/customers...``."""

from facturation_pro_emulator import presenters, records
from facturation_pro_emulator.protocol import (
    Fields,
    Request,
    Response,
    contains,
    descending,
    not_found,
    ordered,
    paged,
    route,
)

ORDERS = {"last_invoice": "last_invoiced_on", "last_paid": "last_paid_on",
          "created": "created_at", "updated": "updated_at"}


@route("GET", "/account.json")
def account(request: Request) -> Response:
    holder = request.account
    firms = [request.app.world.firms[firm_id] for firm_id in holder["firm_ids"]]
    return Response(body={"id": holder["id"], "email": holder.get("email"),
                          "firms": [{"id": firm["id"], "name": firm["name"]} for firm in firms]})


def with_activity(request: Request, customers: list[dict]) -> list[dict]:
    """Fill the read-only "Dernière facture le" / "Dernier règlement le" from the invoices."""
    last_invoiced: dict[int, str] = {}
    last_paid: dict[int, str] = {}
    for invoice in request.store.all("invoices", request.firm_id):
        if invoice.get("draft"):
            continue
        owner = invoice["customer_id"]
        last_invoiced[owner] = max(last_invoiced.get(owner, ""), invoice["invoiced_on"])
        if invoice.get("paid_on"):
            last_paid[owner] = max(last_paid.get(owner, ""), invoice["paid_on"])
    for customer in customers:
        customer["last_invoiced_on"] = last_invoiced.get(customer["id"])
        customer["last_paid_on"] = last_paid.get(customer["id"])
    return customers


def find_customer(request: Request, customer_id: int) -> dict:
    customer = request.store.get("customers", customer_id, request.firm_id)
    if customer is None:
        raise not_found()
    return customer


def _matches(customer: dict, query: dict) -> bool:
    mode = query.get("mode")
    archived = bool(customer.get("archived"))
    if mode == "archived":
        if not archived:
            return False
    elif mode != "all" and archived:
        return False
    if mode == "company" and customer.get("individual"):
        return False
    if mode == "individual" and not customer.get("individual"):
        return False
    if "api_id" in query and str(customer.get("api_id")) != query["api_id"]:
        return False
    if "category_id" in query and (customer.get("category_id") or 0) != number(query,
                                                                              "category_id"):
        return False
    return all(contains(customer.get(field), query.get(param)) for param, field in (
        ("api_custom", "api_custom"), ("company", "company_name"), ("last_name", "last_name"),
        ("email", "email"), ("account_code", "account_code"),
        ("accounting_entry", "accounting_entry")))


def number(query: dict, name: str) -> int:
    """An integer filter; [U] one that is not a number matches nothing."""
    text = query.get(name, "")
    return int(text) if text.isdigit() else -1


@route("GET", "/firms/FIRM_ID/customers.json")
def customer_list(request: Request) -> Response:
    """Active customers by short name, 50 a page; filters and sorts of the doc."""
    query = request.query
    customers = [c for c in request.store.all("customers", request.firm_id)
                 if _matches(c, query)]
    customers = with_activity(request, customers)
    field = ORDERS.get(query.get("order", ""))
    if field is None:
        customers = ordered(customers, lambda c: (c.get("short_name") or "").casefold(),
                            descending=descending(query, "asc"))
    else:
        customers = ordered(customers, lambda c: c.get(field), descending=descending(query, "asc"))
    return paged(request, customers, presenters.customer_json)


@route("GET", "/firms/FIRM_ID/customers/ID.json")
def customer_show(request: Request) -> Response:
    customer = with_activity(request, [find_customer(request, request.ids[1])])[0]
    return Response(body=presenters.customer_json(customer))


@route("POST", "/firms/FIRM_ID/customers.json")
def customer_create(request: Request) -> Response:
    fields = Fields(request.body or {})
    values = records.read(fields, records.CUSTOMER_SPECS)
    if not any(values.get(name) for name in ("company_name", "first_name", "last_name")):
        fields.add("company_name", "doit être rempli(e)")
    fields.check()
    customer = records.new_customer(request.store, request.firm_id, values,
                                    request.clock.stamp())
    request.store.save("customers", customer)
    location = f"/firms/{request.firm_id}/customers/{customer['id']}.json"
    return Response(201, presenters.customer_json(customer), headers={"Location": location})


@route("PATCH", "/firms/FIRM_ID/customers/ID.json")
def customer_update(request: Request) -> Response:
    customer = find_customer(request, request.ids[1])
    fields = Fields(request.body or {})
    values = records.read(fields, records.CUSTOMER_SPECS)
    fields.check()
    customer.update(values, updated_at=request.clock.stamp())
    request.store.save("customers", customer)
    return Response()


def _archive(request: Request, archived: bool) -> Response:
    customer = find_customer(request, request.ids[1])
    customer.update(archived=archived, updated_at=request.clock.stamp())
    request.store.save("customers", customer)
    return Response()


@route("POST", "/firms/FIRM_ID/customers/ID/archive.json")
def customer_archive(request: Request) -> Response:
    return _archive(request, True)


@route("POST", "/firms/FIRM_ID/customers/ID/unarchive.json")
def customer_unarchive(request: Request) -> Response:
    return _archive(request, False)


@route("GET", "/firms/FIRM_ID/customers/ID/invoices.json")
def customer_invoices(request: Request) -> Response:
    """"La réponse est donc une redirection vers la requête à exécuter sur la liste"."""
    customer = find_customer(request, request.ids[1])
    location = f"/firms/{request.firm_id}/invoices.json?customer_id={customer['id']}"
    return Response(302, headers={"Location": location}, reason="Found")

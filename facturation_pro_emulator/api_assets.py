"""Files: ``upload.json`` on invoices and customers, ``/firms/FIRM_ID/assets...`` lists, delete and
download."""

import mimetypes
from email.parser import BytesParser
from email.policy import HTTP

from facturation_pro_emulator import presenters
from facturation_pro_emulator.api_customers import find_customer, number
from facturation_pro_emulator.api_invoices import find_invoice
from facturation_pro_emulator.protocol import (
    BLANK,
    Request,
    Response,
    descending,
    fold,
    invalid,
    not_found,
    ordered,
    paged,
    route,
)

# [U] the doc gives no size limit for attachments; 10 MB, like most invoicing tools.
MAX_FILE_BYTES = 10 * 1024 * 1024
ORDERS = {"title": lambda a: fold(a["document_name"]), "size": lambda a: a["document_size"],
          "updated": lambda a: a["created_at"], "created": lambda a: a["created_at"]}


def multipart_file(request: Request, field: str) -> tuple[str | None, bytes] | None:
    """(file name, content) of one multipart/form-data field, or None when absent."""
    if not request.content_type.lower().startswith("multipart/form-data"):
        return None
    head = f"Content-Type: {request.content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.raw)
    if not message.is_multipart():
        return None
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == field:
            return part.get_filename(), part.get_payload(decode=True) or b""
    return None


def _upload(request: Request, owner: str, owner_id: int, title: str) -> Response:
    """"Le fichier doit être transmis sous forme de formulaire multipart [...] à l'aide de la
    variable upload_file"; ``filename`` (query) renames it, ``visible=1`` shows it."""
    upload = multipart_file(request, "upload_file")
    if upload is None:
        raise invalid({"upload_file": [BLANK]})
    original, content = upload
    name = request.query.get("filename") or original or "fichier"
    if len(content) > MAX_FILE_BYTES:
        raise invalid({"upload_file": ["est trop volumineux (10 Mo maximum)"]})
    if len(name) > 255 or "/" in name:
        raise invalid({"filename": ["n'est pas valide"]})
    asset = {"id": request.store.next_id("assets"), "firm_id": request.firm_id, "owner": owner,
             "owner_id": owner_id, "document_name": name, "document_size": len(content),
             "visible": request.query.get("visible") == "1", "title": title,
             "created_at": request.clock.stamp()}
    request.store.save_asset(asset, content)
    return Response(201, presenters.asset_json(asset, request.base_url),
                    headers={"Location": f"/firms/{request.firm_id}/assets/{asset['id']}.json"})


@route("POST", "/firms/FIRM_ID/invoices/ID/upload.json")
def invoice_upload(request: Request) -> Response:
    invoice = find_invoice(request, request.ids[1])
    title = f"Facture n°{invoice.get('full_invoice_ref') or invoice['id']}"
    return _upload(request, "invoice", invoice["id"], title)


@route("POST", "/firms/FIRM_ID/customers/ID/upload.json")
def customer_upload(request: Request) -> Response:
    customer = find_customer(request, request.ids[1])
    return _upload(request, "customer", customer["id"],
                   presenters.customer_name(customer) or str(customer["id"]))


def _list(request: Request, owner: str) -> Response:
    """Newest first by default; ``order`` title/size/updated/created, ``sort`` asc/desc."""
    key = f"{owner}_id"
    assets = [a for a in request.store.all("assets", request.firm_id) if a["owner"] == owner
              and (key not in request.query or a["owner_id"] == number(request.query, key))]
    assets = ordered(assets, ORDERS.get(request.query.get("order", ""), ORDERS["created"]),
                     descending=descending(request.query, "desc"))
    return paged(request, assets,
                 lambda a: presenters.asset_json(a, request.base_url, with_title=True))


@route("GET", "/firms/FIRM_ID/assets/invoices.json")
def invoice_assets(request: Request) -> Response:
    return _list(request, "invoice")


@route("GET", "/firms/FIRM_ID/assets/customers.json")
def customer_assets(request: Request) -> Response:
    return _list(request, "customer")


def _asset(request: Request) -> dict:
    asset = request.store.get("assets", request.ids[1], request.firm_id)
    if asset is None:
        raise not_found()
    return asset


@route("DELETE", "/firms/FIRM_ID/assets/ID.json")
def asset_delete(request: Request) -> Response:
    request.store.delete("assets", _asset(request)["id"])
    return Response()


@route("GET", "/firms/FIRM_ID/assets/ID/download")
def asset_download(request: Request) -> Response:
    """The ``download_url`` of a file (authenticated like the rest of the API)."""
    asset = _asset(request)
    kind = mimetypes.guess_type(asset["document_name"])[0] or "application/octet-stream"
    return Response(content=request.store.asset_content(asset["id"]), content_type=kind,
                    headers={"Content-Disposition":
                             f'attachment; filename="{asset["document_name"]}"'})

"""An invoice's documents (its PDF, its Factur-X) and supporting documents (attachments,
checked against Chorus Pro's rules by invoices/attachments.py, as in the editor)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from api.endpoint import api_endpoint
from api.http import ApiError, error, form_fields_without_nul, json_response
from api.representations import attachment_json
from api.views.invoices import READ, WRITE, supplier_draft, visible_invoice
from invoices.attachments import AttachmentRejected, attachment_add, attachment_remove
from invoices.documents.downloads import invoice_pdf_fetch
from invoices.models import Attachment, InvoiceDownload
from portal.file_responses import stored_file_response
from portal.spaces import SpaceKind

RETRY_SECONDS = "5"


def _file(request, file, *, filename: str, content_type: str):
    response = stored_file_response(request, file, filename=filename, content_type=content_type)
    if response.status_code == 404:
        raise Http404
    return response


def _main_document(invoice) -> Attachment | None:
    return invoice.attachments.filter(kind=Attachment.Kind.MAIN).first()


def _built(invoice, *, facturx: bool) -> HttpResponse:
    """The document made from the invoice's data, as the pre-flight check makes it."""
    if facturx:
        from invoices.documents.facturx import facturx_build

        content = facturx_build(invoice, check=False).pdf
    else:
        from invoices.documents.pdf import invoice_pdf_render

        content = invoice_pdf_render(invoice)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{invoice.number or f'draft-{invoice.pk}'}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@api_endpoint(methods={"GET": READ})
def invoice_pdf(request, invoice_id: int):
    """The invoice's PDF: the document sent to Chorus Pro (Factur-X, so a PDF too); a draft's
    as it would be sent; a received invoice's fetched from Chorus Pro by a worker (202 with
    Retry-After until it is there)."""
    invoice = visible_invoice(request, invoice_id)
    main = _main_document(invoice)
    if main is not None and main.content_type == "application/pdf":
        return _file(request, main.file, filename=main.name, content_type="application/pdf")
    if request.space.kind == SpaceKind.SUPPLIER:
        if invoice.supplier_id != request.space.structure.pk or invoice.chorus_invoice_id:
            raise Http404
        return _built(invoice, facturx=False)
    if not invoice.chorus_invoice_id:
        raise Http404
    fetch = invoice_pdf_fetch(
        user=request.api_key.created_by, structure=request.space.structure, invoice=invoice
    )
    if fetch.status == InvoiceDownload.Status.READY and fetch.parts:
        part = fetch.parts[0]
        return _file(request, part["file"], filename=part["name"], content_type="application/pdf")
    if fetch.status == InvoiceDownload.Status.FAILED:
        fetch = invoice_pdf_fetch(
            user=request.api_key.created_by,
            structure=request.space.structure,
            invoice=invoice,
            again=True,
        )
    return json_response(
        {"status": "fetching", "detail": "Chorus Pro's copy is being fetched; ask again."},
        202,
        {"Retry-After": RETRY_SECONDS},
    )


@api_endpoint(methods={"GET": READ})
def invoice_facturx(request, invoice_id: int):
    """The supplier's Factur-X: the one sent, or a draft's as it would be sent."""
    invoice = visible_invoice(request, invoice_id)
    if request.space.kind != SpaceKind.SUPPLIER:
        raise Http404
    main = _main_document(invoice)
    if main is not None:
        return _file(request, main.file, filename=main.name, content_type=main.content_type)
    if invoice.chorus_invoice_id:
        raise Http404
    return _built(invoice, facturx=True)


@api_endpoint(methods={"GET": READ, "POST": WRITE})
def attachment_collection(request, invoice_id: int):
    if request.method == "GET":
        invoice = visible_invoice(request, invoice_id)
        return json_response([attachment_json(a) for a in invoice.attachments.order_by("pk")])
    invoice = supplier_draft(request, invoice_id)
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise error(415, 'Upload the file as multipart/form-data, in the field "file".')
    form_fields_without_nul(request)
    files = request.FILES.getlist("file")
    unknown = sorted((set(request.FILES) | set(request.POST)) - {"file", "name"})
    if unknown:
        raise ApiError(422, {name: ["Unknown field."] for name in unknown})
    if len(files) != 1:
        raise error(422, "Send exactly one file per request.", "file")
    name = request.POST.get("name") or None
    try:
        attachment = attachment_add(invoice=invoice, uploaded_file=files[0], name=name)
    except AttachmentRejected as rejected:
        raise ApiError(422, {"file": [str(m) for m in rejected.messages]}) from None
    location = f"{request.path.rstrip('/')}/{attachment.pk}"
    return json_response(attachment_json(attachment), 201, {"Location": location})


@api_endpoint(methods={"GET": READ, "DELETE": WRITE})
def attachment_item(request, invoice_id: int, attachment_id: int):
    if request.method == "GET":
        invoice = visible_invoice(request, invoice_id)
        attachment = get_object_or_404(invoice.attachments, pk=attachment_id)
        return json_response(attachment_json(attachment))
    invoice = supplier_draft(request, invoice_id)
    attachment = get_object_or_404(
        invoice.attachments.filter(kind=Attachment.Kind.SUPPORTING), pk=attachment_id
    )
    try:
        attachment_remove(attachment=attachment)
    except AttachmentRejected as rejected:
        raise ApiError(409, {"base": [str(m) for m in rejected.messages]}) from None
    return json_response({"id": attachment_id, "deleted": True})


@api_endpoint(methods={"GET": READ})
def attachment_content(request, invoice_id: int, attachment_id: int):
    invoice = visible_invoice(request, invoice_id)
    attachment = get_object_or_404(invoice.attachments, pk=attachment_id)
    return _file(
        request, attachment.file, filename=attachment.name, content_type=attachment.content_type
    )

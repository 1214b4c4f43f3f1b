"""/api/v1/: every address of the integrator API (docs/api.md; OpenAPI at openapi.json)."""

from django.urls import path, re_path, register_converter

from api.views import answers, documents, flows, invoices, meta, oauth, received, recipients


class IdConverter:
    """A database id: 1 to 18 digits, so no id overflows a 64-bit column (SQLite raises then)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "api"
urlpatterns = [
    path("openapi.json", meta.openapi_json, name="openapi"),
    path("oauth/token", oauth.token, name="oauth_token"),
    path("me", meta.me, name="me"),
    path("invoices", invoices.invoice_collection, name="invoices"),
    path("invoices/<id:invoice_id>", invoices.invoice_item, name="invoice"),
    path(
        "invoices/<id:invoice_id>/preflight",
        invoices.invoice_preflight_view,
        name="invoice_preflight",
    ),
    path("invoices/<id:invoice_id>/send", invoices.invoice_send, name="invoice_send"),
    path("invoices/<id:invoice_id>/reopen", invoices.invoice_reopen_view, name="invoice_reopen"),
    path("invoices/<id:invoice_id>/history", invoices.invoice_history, name="invoice_history"),
    path("invoices/<id:invoice_id>/documents/pdf", documents.invoice_pdf, name="invoice_pdf"),
    path(
        "invoices/<id:invoice_id>/documents/facturx",
        documents.invoice_facturx,
        name="invoice_facturx",
    ),
    path(
        "invoices/<id:invoice_id>/attachments",
        documents.attachment_collection,
        name="attachments",
    ),
    path(
        "invoices/<id:invoice_id>/attachments/<id:attachment_id>",
        documents.attachment_item,
        name="attachment",
    ),
    path(
        "invoices/<id:invoice_id>/attachments/<id:attachment_id>/content",
        documents.attachment_content,
        name="attachment_content",
    ),
    path("invoices/<id:invoice_id>/answers", answers.answer_options, name="answers"),
    path("invoices/<id:invoice_id>/complete", answers.complete, name="invoice_complete"),
    path(
        "invoices/<id:invoice_id>/acknowledge-rejection",
        answers.acknowledge_rejection,
        name="invoice_acknowledge_rejection",
    ),
    path("invoices/<id:invoice_id>/validator", answers.validator_correct, name="validator"),
    path("invoices/<id:invoice_id>/correction", answers.correction, name="invoice_correction"),
    path("invoices/<id:invoice_id>/credit-note", answers.credit_note, name="credit_note"),
    path("received-invoices", received.received_collection, name="received_invoices"),
    path("received-invoices/<id:invoice_id>", received.received_item, name="received_invoice"),
    path(
        "received-invoices/<id:invoice_id>/decisions",
        received.decision_collection,
        name="decisions",
    ),
    path("recipients/<str:siret>", recipients.recipient_by_siret, name="recipient"),
    path("flows", flows.flow_collection, name="flows"),
    path("flows/<id:flow_id>", flows.flow_item, name="flow"),
    path("flows/<id:flow_id>/file", flows.flow_file, name="flow_file"),
    re_path(r"^(?P<rest>.*)$", meta.not_found),
]

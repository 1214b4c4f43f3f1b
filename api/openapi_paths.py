"""The OpenAPI 3 paths of the API: each address, its operations, parameters and answers."""

from django.conf import settings

from api.forms import ORDERS, PERIOD_TYPES
from invoices.models import ChorusStatus, Invoice

V1 = "/api/v1"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str = "OK", headers: dict | None = None) -> dict:
    answer = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        answer["headers"] = headers
    return answer


ERROR = _json(_ref("Errors"), "Error")
PDF = {
    "description": "The PDF",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}
ANY_FILE = {
    "description": "The file",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
PAGINATION_HEADER = {
    "X-Pagination": {
        "description": "JSON: current_page, total_pages, per_page, total_entries "
        "(also page, pages, total)",
        "schema": {"type": "string"},
    }
}
LOCATION = {"Location": {"schema": {"type": "string"}}}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}}}
# Answers every operation may give, besides its own.
COMMON = {
    "400": ERROR,
    "401": ERROR,
    "403": ERROR,
    "404": ERROR,
    "405": ERROR,
    "413": ERROR,
    "415": ERROR,
    "422": ERROR,
    "429": {**ERROR, "headers": RETRY_AFTER},
    "500": ERROR,
}


def _id(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 999999999999999999},
    }


def _query(name: str, schema: dict, description: str = "") -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": 999999999}, "From 1."),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PER_PAGE},
        "50 by default.",
    ),
]
LIST_FILTERS = [
    _query("status", {"type": "string", "enum": Invoice.Status.values}, "The portal's status."),
    _query("chorus_status", {"type": "string", "enum": ChorusStatus.values}),
    _query("number", {"type": "string", "maxLength": 20}, "Part of the invoice number."),
    _query("recipient_siret", {"type": "string", "maxLength": 14}),
    _query("supplier_siret", {"type": "string", "maxLength": 32}),
    _query(
        "period_start",
        {"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$"},
        "YYYY-MM or YYYY-MM-DD.",
    ),
    _query(
        "period_end",
        {"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$"},
        "YYYY-MM or YYYY-MM-DD.",
    ),
    _query(
        "period_type",
        {"type": "string", "enum": list(PERIOD_TYPES)},
        "billed (default): the invoice date.",
    ),
    _query("order", {"type": "string", "enum": list(ORDERS)}, "created by default."),
    _query("sort", {"type": "string", "enum": ["asc", "desc"]}, "desc by default."),
    _query("with_details", {"type": "string", "enum": ["0", "1"]}, "1: lines and attachments."),
    *PAGING,
]


def _op(summary: str, responses: dict, *, scope: str, **extra) -> dict:
    return {
        "summary": summary,
        "description": f"Scope: {scope}.",
        "responses": {**COMMON, **responses},
        **extra,
    }


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _multipart(properties: dict, required: list[str]) -> dict:
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": properties, "required": required}
            }
        },
    }


INVOICE_ID = [_id("invoice_id")]
PATHS = {
    "/invoices": {
        "get": _op(
            "List invoices",
            {"200": _json({"type": "array", "items": _ref("Invoice")}, headers=PAGINATION_HEADER)},
            scope="read",
            parameters=LIST_FILTERS,
        ),
        "post": _op(
            "Create a draft with its lines",
            {"201": _json(_ref("Invoice"), "Created", LOCATION)},
            scope="write",
            requestBody=_body(_ref("InvoiceInput")),
        ),
    },
    "/invoices/{invoice_id}": {
        "parameters": INVOICE_ID,
        "get": _op("Read an invoice", {"200": _json(_ref("Invoice"))}, scope="read"),
        "patch": _op(
            "Change a draft (lines given replace all lines)",
            {"200": _json(_ref("Invoice")), "409": ERROR},
            scope="write",
            requestBody=_body(_ref("InvoiceInput")),
        ),
        "delete": _op(
            "Cancel (delete) a draft", {"200": _json(_ref("Deleted")), "409": ERROR}, scope="write"
        ),
    },
    "/invoices/{invoice_id}/preflight": {
        "parameters": INVOICE_ID,
        "get": _op(
            "Run the pre-flight check",
            {"200": _json(_ref("Preflight")), "409": ERROR},
            scope="read",
        ),
    },
    "/invoices/{invoice_id}/send": {
        "parameters": INVOICE_ID,
        "post": _op(
            "Queue the invoice for sending to Chorus Pro",
            {"202": _json(_ref("Invoice"), "Queued", LOCATION), "409": ERROR},
            scope="send",
        ),
    },
    "/invoices/{invoice_id}/reopen": {
        "parameters": INVOICE_ID,
        "post": _op(
            "Back to draft after Chorus Pro refused the submission",
            {"200": _json(_ref("Invoice"))},
            scope="write",
        ),
    },
    "/invoices/{invoice_id}/history": {
        "parameters": INVOICE_ID,
        "get": _op(
            "Status history, newest first",
            {"200": _json({"type": "array", "items": _ref("StatusEvent")})},
            scope="read",
        ),
    },
    "/invoices/{invoice_id}/documents/pdf": {
        "parameters": INVOICE_ID,
        "get": _op(
            "The invoice's PDF",
            {"200": PDF, "202": _json(_ref("Pending"), "Being fetched", RETRY_AFTER)},
            scope="read",
        ),
    },
    "/invoices/{invoice_id}/documents/facturx": {
        "parameters": INVOICE_ID,
        "get": _op(
            "The supplier's Factur-X (PDF/A-3 with its CII XML)", {"200": PDF}, scope="read"
        ),
    },
    "/invoices/{invoice_id}/attachments": {
        "parameters": INVOICE_ID,
        "get": _op(
            "Attachments of an invoice",
            {"200": _json({"type": "array", "items": _ref("Attachment")})},
            scope="read",
        ),
        "post": _op(
            "Add a supporting document to a draft (Chorus Pro's file rules)",
            {"201": _json(_ref("Attachment"), "Created", LOCATION), "409": ERROR},
            scope="write",
            requestBody=_multipart(
                {"file": {"type": "string", "format": "binary"}, "name": {"type": "string"}},
                ["file"],
            ),
        ),
    },
    "/invoices/{invoice_id}/attachments/{attachment_id}": {
        "parameters": [*INVOICE_ID, _id("attachment_id")],
        "get": _op("One attachment", {"200": _json(_ref("Attachment"))}, scope="read"),
        "delete": _op(
            "Remove a supporting document of a draft",
            {"200": _json(_ref("Deleted")), "409": ERROR},
            scope="write",
        ),
    },
    "/invoices/{invoice_id}/attachments/{attachment_id}/content": {
        "parameters": [*INVOICE_ID, _id("attachment_id")],
        "get": _op("The attachment's file", {"200": ANY_FILE}, scope="read"),
    },
    "/invoices/{invoice_id}/answers": {
        "parameters": INVOICE_ID,
        "get": _op(
            "What the supplier may do about a sent invoice now",
            {"200": _json(_ref("AnswerOptions"))},
            scope="read",
        ),
    },
    "/invoices/{invoice_id}/complete": {
        "parameters": INVOICE_ID,
        "post": _op(
            "Complete a suspended invoice (comment, supporting documents)",
            {"202": _json(_ref("Decision"), "Queued"), "409": ERROR},
            scope="send",
            requestBody=_multipart(
                {
                    "comment": {"type": "string"},
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                },
                [],
            ),
        ),
    },
    "/invoices/{invoice_id}/acknowledge-rejection": {
        "parameters": INVOICE_ID,
        "post": _op(
            "Acknowledge a rejection",
            {"202": _json(_ref("Decision"), "Queued"), "409": ERROR},
            scope="send",
            requestBody=_body(
                {
                    "type": "object",
                    "properties": {"comment": {"type": "string"}},
                    "additionalProperties": False,
                }
            ),
        ),
    },
    "/invoices/{invoice_id}/validator": {
        "parameters": INVOICE_ID,
        "post": _op(
            "Name the right validator after a wrong-validator refusal",
            {"202": _json(_ref("Decision"), "Queued"), "409": ERROR},
            scope="send",
            requestBody=_body(
                {
                    "type": "object",
                    "properties": {"validator_siret": {"type": "string"}},
                    "required": ["validator_siret"],
                    "additionalProperties": False,
                }
            ),
        ),
    },
    "/invoices/{invoice_id}/correction": {
        "parameters": INVOICE_ID,
        "post": _op(
            "Draft the invoice correcting a rejected or refused one",
            {"201": _json(_ref("Invoice"), "Created", LOCATION)},
            scope="write (send to acknowledge too)",
            requestBody={
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"acknowledge": {"type": "boolean"}},
                            "additionalProperties": False,
                        }
                    }
                },
            },
        ),
    },
    "/invoices/{invoice_id}/credit-note": {
        "parameters": INVOICE_ID,
        "post": _op(
            "Draft a credit note of a sent invoice",
            {"201": _json(_ref("Invoice"), "Created", LOCATION)},
            scope="write",
        ),
    },
    "/received-invoices": {
        "get": _op(
            "Invoices received (recipient) or to validate (validator)",
            {"200": _json({"type": "array", "items": _ref("Invoice")}, headers=PAGINATION_HEADER)},
            scope="read",
            parameters=LIST_FILTERS,
        ),
    },
    "/received-invoices/{invoice_id}": {
        "parameters": INVOICE_ID,
        "get": _op(
            "A received invoice with the decisions open now",
            {"200": _json(_ref("Invoice"))},
            scope="read",
        ),
    },
    "/received-invoices/{invoice_id}/decisions": {
        "parameters": INVOICE_ID,
        "get": _op(
            "Decisions taken on the invoice",
            {"200": _json({"type": "array", "items": _ref("Decision")})},
            scope="read",
        ),
        "post": _op(
            "Queue a decision for Chorus Pro",
            {"202": _json(_ref("Decision"), "Queued"), "409": ERROR},
            scope="send",
            requestBody=_body(
                {"oneOf": [_ref("RecipientDecisionInput"), _ref("ValidatorDecisionInput")]}
            ),
        ),
    },
    "/recipients/{siret}": {
        "parameters": [
            {
                "name": "siret",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "pattern": r"^\d{14}$"},
            }
        ],
        "get": _op(
            "A public entity by SIRET: routing rules and services",
            {
                "200": _json(_ref("Recipient")),
                "202": _json(_ref("Pending"), "Being looked up", RETRY_AFTER),
                "409": ERROR,
                "503": ERROR,
            },
            scope="read",
        ),
    },
    "/flows": {
        "get": _op(
            "Deposited flows",
            {"200": _json({"type": "array", "items": _ref("Flow")}, headers=PAGINATION_HEADER)},
            scope="read",
            parameters=PAGING,
        ),
        "post": _op(
            "Deposit invoice files (Factur-X, UBL, CII)",
            {"201": _json({"type": "object"}, "Created", LOCATION)},
            scope="send",
            requestBody=_multipart(
                {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                ["files"],
            ),
        ),
    },
    "/flows/{flow_id}": {
        "parameters": [_id("flow_id")],
        "get": _op(
            "A flow with Chorus Pro's report of each file",
            {"200": _json(_ref("Flow"))},
            scope="read",
        ),
    },
    "/flows/{flow_id}/file": {
        "parameters": [_id("flow_id")],
        "get": _op("The file deposited", {"200": ANY_FILE}, scope="read"),
    },
    "/oauth/token": {
        "post": {
            "summary": "OAuth2 client credentials: an access token for an hour",
            "description": "client_id: the key's prefix; client_secret: the key (form fields, "
            "or HTTP Basic). No bearer needed.",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "grant_type": {"type": "string", "enum": ["client_credentials"]},
                                "client_id": {"type": "string"},
                                "client_secret": {"type": "string"},
                            },
                            "required": ["grant_type"],
                        }
                    }
                },
            },
            "responses": {
                "200": _json(_ref("AccessToken")),
                "400": _json(_ref("OAuthError"), "Error"),
                "401": _json(_ref("OAuthError"), "Error"),
                "405": ERROR,
            },
        }
    },
    "/me": {
        "get": _op(
            "The key in use: its structure, scope and limits",
            {"200": _json(_ref("Key"))},
            scope="read",
        ),
    },
}

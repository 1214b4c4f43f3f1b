"""The OpenAPI 3 schemas of the API's objects (api/representations.py makes them)."""

from invoices.models import ChorusStatus, Invoice

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
DATE = {"type": ["string", "null"], "format": "date"}
DATETIME = {"type": ["string", "null"], "format": "date-time"}
MONEY = {"type": "string", "pattern": r"^-?\d+\.\d+$", "example": "120.00"}
DECIMAL_IN = {
    "oneOf": [{"type": "string", "pattern": r"^-?\d{1,18}(\.\d{1,8})?$"}, {"type": "number"}],
    "description": 'A decimal: a string such as "12.50" keeps every digit.',
}
STRUCTURE_REF = {
    "type": ["object", "null"],
    "properties": {"siret": STRING, "name": STRING},
}


def _obj(properties: dict, required: list[str] | None = None, **extra) -> dict:
    schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = required
    return schema


ERRORS = _obj(
    {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": STRING},
            "description": 'Messages by field name; "base" for the request as a whole.',
        },
        "error_id": {"type": "string", "description": "With a 500 only: quote it to support."},
    },
    ["errors"],
)
LINE_IN = _obj(
    {
        "description": {"type": "string", "maxLength": 300},
        "quantity": DECIMAL_IN,
        "unit": {"type": "string", "maxLength": 20, "default": "C62"},
        "unit_price": DECIMAL_IN,
        "discount": DECIMAL_IN,
        "vat_rate": {**DECIMAL_IN, "description": "Percent; null for an exempt line."},
    },
    additionalProperties=False,
)
INVOICE_IN = _obj(
    {
        "kind": {"type": "string", "enum": Invoice.Kind.values},
        "number": {"type": "string", "maxLength": 20},
        "original_number": {"type": "string", "maxLength": 20},
        "recipient_siret": {"type": "string", "maxLength": 17},
        "service_code": {"type": "string", "maxLength": 100},
        "issue_date": {"type": ["string", "null"], "format": "date"},
        "due_date": {"type": ["string", "null"], "format": "date"},
        "billing_framework": {"type": "string", "enum": Invoice.BillingFramework.values},
        "validator_siret": {"type": "string", "maxLength": 17},
        "payment_mode": {"type": "string", "enum": ["", *Invoice.PaymentMode.values]},
        "bank_account_chorus_id": {"type": ["integer", "null"]},
        "vat_regime": {"type": "string", "enum": Invoice.VatRegime.values},
        "vat_exemption_reason": {"type": "string", "maxLength": 100},
        "commitment_number": {"type": "string", "maxLength": 50},
        "market_number": {"type": "string", "maxLength": 50},
        "comment": {"type": "string", "maxLength": 1000},
        "lines": {"type": "array", "items": LINE_IN, "maxItems": 500},
    },
    additionalProperties=False,
)
LINE = _obj(
    {
        "position": {"type": "integer"},
        "description": STRING,
        "quantity": STRING,
        "unit": STRING,
        "unit_price": STRING,
        "discount": STRING,
        "vat_rate": NULLABLE_STRING,
        "total_excl_tax": MONEY,
    }
)
ATTACHMENT = _obj(
    {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["main", "supporting"]},
        "name": STRING,
        "size": {"type": "integer"},
        "content_type": STRING,
        "sha256": STRING,
        "sent_to_chorus": {"type": "boolean"},
        "uploaded_at": DATETIME,
        "url": STRING,
    }
)
INVOICE = _obj(
    {
        "id": {"type": "integer"},
        "url": STRING,
        "kind": {"type": "string", "enum": Invoice.Kind.values},
        "number": STRING,
        "status": {"type": "string", "enum": Invoice.Status.values},
        "chorus_status": {"type": "string", "enum": ["", *ChorusStatus.values]},
        "chorus_invoice_id": {"type": ["integer", "null"]},
        "supplier": STRUCTURE_REF,
        "recipient": STRUCTURE_REF,
        "service_code": STRING,
        "validator": STRUCTURE_REF,
        "issue_date": DATE,
        "due_date": DATE,
        "billing_framework": STRING,
        "currency": STRING,
        "payment_mode": STRING,
        "vat_regime": STRING,
        "vat_exemption_reason": STRING,
        "commitment_number": STRING,
        "market_number": STRING,
        "original_number": STRING,
        "comment": STRING,
        "total_excl_tax": MONEY,
        "total_vat": MONEY,
        "total_incl_tax": MONEY,
        "amount_due": MONEY,
        "payment_due_by": DATE,
        "submission_error": STRING,
        "created_at": DATETIME,
        "updated_at": DATETIME,
        "lines": {"type": "array", "items": LINE, "description": "Details only."},
        "vat_lines": {"type": "array", "items": {"type": "object"}, "description": "Details only."},
        "attachments": {"type": "array", "items": ATTACHMENT, "description": "Details only."},
        "decision_options": {"type": "object", "description": "Received invoices only."},
    },
    ["id", "url", "status", "number"],
)
CHECK = _obj(
    {
        "code": STRING,
        "ok": {"type": "boolean"},
        "label": STRING,
        "fix": STRING,
        "warning": STRING,
    }
)
PREFLIGHT = _obj({"ready": {"type": "boolean"}, "checks": {"type": "array", "items": CHECK}})
EVENT = _obj(
    {
        "status": STRING,
        "occurred_at": DATETIME,
        "source": STRING,
        "who": STRING,
        "comment": STRING,
    }
)
ACTION = _obj(
    {
        "id": {"type": "integer"},
        "kind": STRING,
        "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
        "target_status": STRING,
        "motive": STRING,
        "error": STRING,
        "created_at": DATETIME,
        "finished_at": DATETIME,
    }
)
RECIPIENT_DECISION_IN = _obj(
    {
        "target_status": {"type": "string", "enum": [str(s) for s in ChorusStatus.values]},
        "motive": {"type": "string", "maxLength": 255},
        "mandate_number": {"type": "string", "maxLength": 50},
        "confirmed": {"type": "boolean", "description": "Required true to reject."},
    },
    ["target_status"],
    additionalProperties=False,
)
VALIDATOR_DECISION_IN = _obj(
    {
        "decision": {"type": "string", "enum": ["validate", "refuse"]},
        "refusal_reason": STRING,
        "comment": {"type": "string", "maxLength": 255},
    },
    ["decision"],
    additionalProperties=False,
)
SERVICE = _obj(
    {
        "code": STRING,
        "label": STRING,
        "commitment_required": {"type": "boolean"},
        "available": {"type": "boolean"},
        "reason": STRING,
    }
)
RECIPIENT = _obj(
    {
        "siret": STRING,
        "name": STRING,
        "is_public": {"type": "boolean"},
        "is_active": {"type": "boolean"},
        "rules_known": {"type": "boolean"},
        "service_code_required": {"type": "boolean"},
        "commitment_required": {"type": "boolean"},
        "service_or_commitment_required": {"type": "boolean"},
        "last_synced_at": DATETIME,
        "services": {"type": "array", "items": SERVICE},
    }
)
FLOW = _obj(
    {
        "id": {"type": "integer"},
        "url": STRING,
        "name": STRING,
        "syntax": STRING,
        "size": {"type": "integer"},
        "status": STRING,
        "chorus_flow_number": STRING,
        "chorus_state": STRING,
        "error": STRING,
        "file_names": {"type": "array"},
        "created_at": DATETIME,
        "files": {"type": "array", "items": {"type": "object"}, "description": "One flow only."},
        "other_errors": {"type": "array", "items": {"type": "object"}},
    }
)
PENDING = _obj({"status": STRING, "detail": STRING})
DELETED = _obj({"id": {"type": "integer"}, "deleted": {"type": "boolean"}})
KEY = _obj(
    {
        "name": STRING,
        "scope": {"type": "string", "enum": ["read", "write", "send"]},
        "acts_as": {"type": "string", "enum": ["supplier", "recipient", "validator"]},
        "structure": STRUCTURE_REF,
        "rate_limits": {"type": "object"},
    }
)
ACCESS_TOKEN = _obj(
    {
        "access_token": STRING,
        "token_type": {"type": "string", "enum": ["Bearer"]},
        "expires_in": {"type": "integer"},
        "scope": STRING,
    }
)
OAUTH_ERROR = _obj(
    {"error": STRING, "error_description": STRING, "errors": {"type": "object"}}, ["error"]
)
ANSWER_OPTIONS = _obj(
    {
        "complete": {"type": "boolean"},
        "acknowledge_rejection": {"type": "boolean"},
        "correct": {"type": "boolean"},
        "correct_validator": {"type": "boolean"},
        "credit_note": {"type": "boolean"},
        "latest": {"type": ["object", "null"]},
    }
)

SCHEMAS = {
    "AnswerOptions": ANSWER_OPTIONS,
    "AccessToken": ACCESS_TOKEN,
    "OAuthError": OAUTH_ERROR,
    "Errors": ERRORS,
    "InvoiceInput": INVOICE_IN,
    "LineInput": LINE_IN,
    "Invoice": INVOICE,
    "Line": LINE,
    "Attachment": ATTACHMENT,
    "Preflight": PREFLIGHT,
    "StatusEvent": EVENT,
    "Decision": ACTION,
    "RecipientDecisionInput": RECIPIENT_DECISION_IN,
    "ValidatorDecisionInput": VALIDATOR_DECISION_IN,
    "Recipient": RECIPIENT,
    "Flow": FLOW,
    "Pending": PENDING,
    "Deleted": DELETED,
    "Key": KEY,
}

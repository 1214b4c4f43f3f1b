"""Recipient treatment and validator decisions, carried to Chorus Pro by the shared action worker
(invoices/actions/services.py). Importing this package registers the handlers."""

from invoices.treatment.explain import action_failure_explained
from invoices.treatment.reasons import (
    reason_template_create,
    reason_template_delete,
    reason_template_update,
)
from invoices.treatment.recipient import (
    MAX_MOTIVE,
    MOTIVE_REQUIRED,
    RECIPIENT_TARGETS,
    BatchOutcome,
    PreviewRow,
    invoice_treat,
    invoice_treat_batch,
    treat_run,
    treatment_options,
    treatment_preview,
)
from invoices.treatment.reference import (
    POSSIBLE_STATUSES,
    REFUSAL_REASONS,
    Reference,
    connection_for,
    reference_fetch,
)
from invoices.treatment.validator import (
    invoice_refusal_reasons,
    invoice_refuse,
    invoice_validate,
    refuse_run,
    validate_run,
)

__all__ = [
    "MAX_MOTIVE",
    "MOTIVE_REQUIRED",
    "POSSIBLE_STATUSES",
    "RECIPIENT_TARGETS",
    "REFUSAL_REASONS",
    "BatchOutcome",
    "PreviewRow",
    "Reference",
    "action_failure_explained",
    "connection_for",
    "invoice_refusal_reasons",
    "invoice_refuse",
    "invoice_treat",
    "invoice_treat_batch",
    "invoice_validate",
    "reason_template_create",
    "reason_template_delete",
    "reason_template_update",
    "reference_fetch",
    "refuse_run",
    "treat_run",
    "treatment_options",
    "treatment_preview",
    "validate_run",
]

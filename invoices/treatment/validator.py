"""A validator's decision on an invoice to validate (traiter/factureAValider, contract §5.13).

Frameworks A9 and A12 pass through a validator before the recipient sees them: the validator
validates (A_VALIDER_1 → VALIDEE_1) or refuses with one of Chorus Pro's refusal reasons for the
invoice's framework, plus a comment (→ REFUSEE_1, back to the supplier).
"""

from django.utils.translation import gettext as _

from chorus_client import ValidatorAction
from invoices.actions.services import ActionNotAllowedError, action_handler, action_queue
from invoices.models import ChorusStatus, Invoice, InvoiceAction
from invoices.treatment.recipient import MAX_MOTIVE, decision_run
from invoices.treatment.reference import Reference, connection_for, refusal_reasons

# Once validated, Chorus Pro routes the invoice on to the recipient: any of these means the
# validation is behind us (used when a retry checks whether the first call landed).
AFTER_VALIDATION = frozenset(
    {
        ChorusStatus.VALIDATED_1,
        ChorusStatus.ROUTING,
        ChorusStatus.AVAILABLE,
        ChorusStatus.TO_VALIDATE_2,
    }
)


def invoice_refusal_reasons(*, invoice: Invoice) -> Reference:
    return refusal_reasons(
        connection=connection_for(invoice.validator), framework=invoice.billing_framework
    )


def _check_awaiting(invoice: Invoice) -> None:
    if invoice.chorus_status != ChorusStatus.TO_VALIDATE_1:
        raise ActionNotAllowedError(
            _("This invoice is not awaiting validation (it is “%(status)s”).")
            % {"status": invoice.get_chorus_status_display() or "—"}
        )


def invoice_validate(*, invoice: Invoice, user, comment: str = "") -> InvoiceAction:
    """Queue the validation. Raises ActionNotAllowedError or ActionUnderWayError."""
    _check_awaiting(invoice)
    comment = comment.strip()
    _check_comment(comment)
    payload = {"comment": comment} if comment else {}
    return action_queue(
        invoice=invoice, kind=InvoiceAction.Kind.VALIDATE, payload=payload, user=user
    )


def invoice_refuse(*, invoice: Invoice, user, reason_code: str, comment: str = "") -> InvoiceAction:
    """Queue the refusal with one of Chorus Pro's reasons for the invoice's framework."""
    _check_awaiting(invoice)
    comment = comment.strip()
    reasons = invoice_refusal_reasons(invoice=invoice)
    if reasons.values is None:
        raise ActionNotAllowedError(
            reasons.error or _("Chorus Pro's refusal reasons are still loading: try again.")
        )
    labels = {reason["code"]: reason["label"] for reason in reasons.values}
    if reason_code not in labels:
        raise ActionNotAllowedError(
            _("Choose one of Chorus Pro's refusal reasons."), field="refusal_reason"
        )
    _check_comment(comment)
    payload = {"refusal_reason": reason_code, "refusal_label": labels[reason_code]}
    if comment:
        payload["comment"] = comment
    return action_queue(invoice=invoice, kind=InvoiceAction.Kind.REFUSE, payload=payload, user=user)


def _check_comment(comment: str) -> None:
    if len(comment) > MAX_MOTIVE:
        raise ActionNotAllowedError(
            _("The comment is limited to %(limit)s characters; it has %(length)s.")
            % {"limit": MAX_MOTIVE, "length": len(comment)},
            field="comment",
        )


@action_handler(InvoiceAction.Kind.VALIDATE, side="validator")
def validate_run(client, action: InvoiceAction) -> dict:
    return decision_run(
        client,
        action,
        done=AFTER_VALIDATION,
        call=lambda: client.validator.treat(
            action.invoice.chorus_invoice_id,
            ValidatorAction.VALIDATION,
            comment=action.payload.get("comment") or None,
        ),
    )


@action_handler(InvoiceAction.Kind.REFUSE, side="validator")
def refuse_run(client, action: InvoiceAction) -> dict:
    return decision_run(
        client,
        action,
        done=frozenset({ChorusStatus.REFUSED_1}),
        call=lambda: client.validator.treat(
            action.invoice.chorus_invoice_id,
            ValidatorAction.REFUS,
            refusal_reason=action.payload["refusal_reason"],
            comment=action.payload.get("comment") or None,
        ),
    )

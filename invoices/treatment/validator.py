"""A validator's decision on an invoice to validate (traiter/factureAValider, contract §5.13).

Frameworks A9 and A12 pass through a validator before the recipient sees them: the validator
validates (A_VALIDER_1 → VALIDEE_1) or refuses with one of Chorus Pro's refusal reasons for the
invoice's framework, plus a comment (→ REFUSEE_1, back to the supplier). Some recipients require
a second validation: once validated, the invoice waits for their second-level validator
(A_VALIDER_2 → VALIDEE_2 or REFUSEE_2). Each validator decides only at its own level, with its
own technical account (Chorus Pro refuses the first validator a decision at the second level).
"""

from django.utils.translation import gettext as _

from chorus_client import ValidatorAction
from invoices.actions.services import ActionNotAllowedError, action_handler, action_queue
from invoices.models import ChorusStatus, Invoice, InvoiceAction
from invoices.treatment.recipient import MAX_MOTIVE, decision_run
from invoices.treatment.reference import Reference, connection_for, refusal_reasons
from structures.models import Structure

FIRST, SECOND = 1, 2
# Once validated, Chorus Pro routes the invoice on (to the second validator or the recipient):
# any of these means the validation at that level is behind us (used when a retry checks
# whether the first call landed).
AFTER_VALIDATION = {
    FIRST: frozenset(
        {
            ChorusStatus.VALIDATED_1,
            ChorusStatus.ROUTING,
            ChorusStatus.AVAILABLE,
            ChorusStatus.TO_VALIDATE_2,
        }
    ),
    SECOND: frozenset({ChorusStatus.VALIDATED_2, ChorusStatus.AVAILABLE}),
}
REFUSED = {FIRST: ChorusStatus.REFUSED_1, SECOND: ChorusStatus.REFUSED_2}


def invoice_refusal_reasons(*, invoice: Invoice, structure: Structure | None = None) -> Reference:
    """Chorus Pro's refusal reasons for the invoice's framework, read with the account of
    ``structure`` (the validator deciding; by default the invoice's validator)."""
    return refusal_reasons(
        connection=connection_for(structure or invoice.validator),
        framework=invoice.billing_framework,
    )


def _level(invoice: Invoice, structure: Structure) -> int:
    level = invoice.validation_level_for(structure)
    if level is None:
        raise ActionNotAllowedError(
            _("This invoice is not awaiting your validation (it is “%(status)s”).")
            % {"status": invoice.get_chorus_status_display() or "—"}
        )
    return level


def invoice_validate(
    *, invoice: Invoice, user, structure: Structure, comment: str = ""
) -> InvoiceAction:
    """Queue the validation by ``structure`` at the level the invoice waits for it. Raises
    ActionNotAllowedError or ActionUnderWayError."""
    level = _level(invoice, structure)
    comment = comment.strip()
    _check_comment(comment)
    payload = {"level": level, **({"comment": comment} if comment else {})}
    return action_queue(
        invoice=invoice, kind=InvoiceAction.Kind.VALIDATE, payload=payload, user=user
    )


def invoice_refuse(
    *, invoice: Invoice, user, structure: Structure, reason_code: str, comment: str = ""
) -> InvoiceAction:
    """Queue the refusal with one of Chorus Pro's reasons for the invoice's framework."""
    level = _level(invoice, structure)
    comment = comment.strip()
    reasons = invoice_refusal_reasons(invoice=invoice, structure=structure)
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
    payload = {"level": level, "refusal_reason": reason_code, "refusal_label": labels[reason_code]}
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


def decision_level(action: InvoiceAction) -> int:
    # Decisions queued before the second level existed carry no level: they were first-level.
    return action.payload.get("level") or FIRST


def deciding_validator(action: InvoiceAction) -> Structure | None:
    """Whose technical account carries the decision: the validator of the level decided at."""
    invoice = action.invoice
    return invoice.second_validator if decision_level(action) == SECOND else invoice.validator


@action_handler(InvoiceAction.Kind.VALIDATE, side=deciding_validator)
def validate_run(client, action: InvoiceAction) -> dict:
    return decision_run(
        client,
        action,
        done=AFTER_VALIDATION[decision_level(action)],
        call=lambda: client.validator.treat(
            action.invoice.chorus_invoice_id,
            ValidatorAction.VALIDATION,
            comment=action.payload.get("comment") or None,
        ),
    )


@action_handler(InvoiceAction.Kind.REFUSE, side=deciding_validator)
def refuse_run(client, action: InvoiceAction) -> dict:
    return decision_run(
        client,
        action,
        done=frozenset({REFUSED[decision_level(action)]}),
        call=lambda: client.validator.treat(
            action.invoice.chorus_invoice_id,
            ValidatorAction.REFUS,
            refusal_reason=action.payload["refusal_reason"],
            comment=action.payload.get("comment") or None,
        ),
    )

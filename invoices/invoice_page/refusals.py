"""A validator's refusal, explained to the people who see the invoice.

Chorus Pro keeps the refusal in the history entry of the REFUSEE status, as a reason code and
the validator's complement in one comment ("MONTANT_ERRONE - Le taux horaire..."). The reason is
put in plain words from, in order:
1. the portal's own record of the refusal, when the validator refused in the portal (the latest
   at the level refused, with the reason the history gives);
2. Chorus Pro's list of refusal reasons for the invoice's framework (cached per environment, the
   list the validator chose from; fetched by a worker the first time: `loading` meanwhile).
"""

import re
from dataclasses import dataclass
from datetime import datetime

from invoices.models import VALIDATOR_REFUSED_STATUSES, ChorusStatus, Invoice, InvoiceAction
from invoices.treatment.reference import connection_for, refusal_reasons

# The reasons meaning "I am not this invoice's validator": the supplier can then name the right
# validator rather than issue a new invoice (Chorus Pro's corriger/valideur, AIFE annex
# §2.1.1.14). The emulator's list, and the code the works documentation gives for it.
WRONG_VALIDATOR_REASONS = frozenset({"ERREUR_VALIDEUR", "MAUVAIS_VALIDEUR"})
SEPARATOR = " - "
REASON_CODE = re.compile(r"[A-Z][A-Z0-9_]{2,}")


@dataclass(frozen=True)
class ValidatorRefusal:
    refused_at: datetime | None
    code: str  # Chorus Pro's reason code, "" when the comment carries none
    label: str  # the reason in plain words, "" while Chorus Pro's list is loading
    complement: str  # what the validator wrote
    loading: bool = False
    event_id: int | None = None  # the timeline entry of the refusal
    level: int = 1  # 2: refused by the second-level validator (REFUSEE_2)

    @property
    def wrong_validator(self) -> bool:
        return self.code in WRONG_VALIDATOR_REASONS


def invoice_validator_refusal(*, invoice: Invoice) -> ValidatorRefusal | None:
    """Why the validator refused the invoice, when its current status is a refusal."""
    if invoice.chorus_status not in VALIDATOR_REFUSED_STATUSES:
        return None
    event = (
        invoice.events.filter(status__in=VALIDATOR_REFUSED_STATUSES)
        .order_by("-occurred_at", "-pk")
        .first()
    )
    comment = event.comment if event else ""
    level = 2 if invoice.chorus_status == ChorusStatus.REFUSED_2 else 1
    code, complement = _split(comment)
    decision = _portal_decision(invoice, level, code)
    if decision is not None:
        return ValidatorRefusal(
            refused_at=event.occurred_at if event else decision.finished_at,
            code=decision.payload.get("refusal_reason", ""),
            label=decision.payload.get("refusal_label", ""),
            complement=decision.payload.get("comment", ""),
            event_id=event.pk if event else None,
            level=level,
        )
    label, loading = "", False
    if code:
        reasons = refusal_reasons(
            connection=connection_for(invoice.supplier), framework=invoice.billing_framework
        )
        labels = {reason["code"]: reason["label"] for reason in reasons.values or []}
        label, loading = labels.get(code, ""), reasons.loading
    if invoice.chorus_status == ChorusStatus.SUPPLIER_ERROR_ON_VALIDATOR and not code:
        code = "MAUVAIS_VALIDEUR"
    return ValidatorRefusal(
        refused_at=event.occurred_at if event else invoice.chorus_status_changed_at,
        code=code,
        label=label,
        complement=complement,
        loading=loading,
        event_id=event.pk if event else None,
        level=level,
    )


def _portal_decision(invoice: Invoice, level: int, code: str) -> InvoiceAction | None:
    """The refusal made in the portal that this one is: the latest at this level, and with the
    reason the history gives when it gives one. An invoice refused, given the right validator,
    then refused again (in Chorus Pro itself, or at the other level) is not explained by the
    first refusal."""
    decision = next(
        (
            action
            for action in invoice.actions.filter(
                kind=InvoiceAction.Kind.REFUSE, status=InvoiceAction.Status.DONE
            ).order_by("-finished_at", "-pk")[:20]
            if (action.payload.get("level") or 1) == level
        ),
        None,
    )
    if decision is None or (code and decision.payload.get("refusal_reason") != code):
        return None
    return decision


def _split(comment: str) -> tuple[str, str]:
    """("MONTANT_ERRONE", "Le taux...") from Chorus Pro's comment; ("", comment) when it does
    not start with a reason code."""
    head, _sep, tail = comment.partition(SEPARATOR)
    if REASON_CODE.fullmatch(head.strip()):
        return head.strip(), tail.strip()
    return "", comment.strip()

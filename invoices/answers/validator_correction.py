"""Naming the right validator after a wrong-validator refusal (corriger/valideur/facture, AIFE
annex §2.1.1.14).

When the structure an A9/A12 invoice names as its validator is not the right one, it refuses the
invoice with the "wrong validator" reason (invoices/invoice_page/refusals.py), or Chorus Pro puts
the invoice in ERREUR_FOURNISSEUR_SUR_VALIDEUR. The supplier then names the right validator
structure: Chorus Pro sends the same invoice, under the same number, back to validation
(A_VALIDER_1, the new validator's delay starting again). Any other refusal is answered by a
corrected invoice under a new number (drafts.py).

Like the other answers, the request only records an InvoiceAction; the handler registered here is
what a worker runs, safe to run again after a dropped answer.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from invoices.actions.services import (
    ActionNotAllowedError,
    action_handler,
    action_queue,
)
from invoices.answers.services import (
    active_public_structure,
    require_allowed,
    supplier_options,
)
from invoices.models import VALIDATOR_REFUSED_STATUSES, ChorusStatus, Invoice, InvoiceAction
from invoices.notifications.services import notify_inbox_arrivals
from invoices.sending.status_sync import history_record
from structures.models import Structure


def invoice_validator_correct(*, invoice: Invoice, user, validator_siret: str) -> InvoiceAction:
    """Queue the correction of the invoice's validator, after checking the structure named
    against the portal's directory (Chorus Pro checks again). Raises ActionNotAllowedError
    (French, with the form field) or ActionUnderWayError."""
    require_allowed(
        supplier_options(invoice=invoice).correct_validator,
        _("Only an invoice refused because it named the wrong validator can be given another."),
    )
    validator = active_public_structure(siret=validator_siret, field="validator_siret")
    refusing = refusing_validator(invoice=invoice)
    if refusing is not None and validator.pk == refusing.pk:
        raise ActionNotAllowedError(
            _("%(name)s is the validator that refused the invoice: name the right one.")
            % {"name": validator.name},
            field="validator_siret",
        )
    return action_queue(
        invoice=invoice,
        kind=InvoiceAction.Kind.FIX_VALIDATOR,
        payload={"validator_siret": validator.siret},
        user=user,
    )


def refusing_validator(*, invoice: Invoice) -> Structure | None:
    """The validator that refused the invoice: its second-level validator after a REFUSEE_2."""
    if invoice.chorus_status == ChorusStatus.REFUSED_2:
        return invoice.second_validator
    return invoice.validator


@action_handler(InvoiceAction.Kind.FIX_VALIDATOR, side="supplier")
def _fix_validator(client, action: InvoiceAction) -> dict:
    invoice = action.invoice
    siret = action.payload["validator_siret"]
    already_done = False
    if action.attempts > 1:
        # An earlier attempt may have landed without us hearing the answer: the invoice is then
        # back in validation, no longer refused.
        history = client.supplier.history(invoice.chorus_invoice_id)
        already_done = history.current_status.value not in VALIDATOR_REFUSED_STATUSES
    if not already_done:
        client.supplier.correct_validator(invoice.chorus_invoice_id, structure_identifier=siret)
    # The wrong validator no longer sees the invoice in Chorus Pro, nor in the portal.
    validator = Structure.objects.get(siret=siret)
    Invoice.objects.filter(pk=invoice.pk).update(validator=validator)
    invoice.validator = validator
    history = client.supplier.history(invoice.chorus_invoice_id)
    history_record(invoice, history)
    # The new validator's agents are told now: their queue's sync will find the invoice known
    # and already theirs, with nothing new to tell.
    transaction.on_commit(
        lambda: notify_inbox_arrivals(
            structure_id=validator.pk, side="validator", new_ids=[invoice.pk]
        )
    )
    return {"status": history.current_status.value, "already_done": already_done}

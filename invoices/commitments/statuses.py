"""What a commitment's status means to a supplier: its label, and why Chorus Pro refuses invoices
on it when it is not open (soumettre refuses every status but COMMANDE with 20011)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from invoices.commitments.lookup import OPEN

# Chorus Pro's statuses of a commitment (chorus_client.CommitmentStatus): COMMANDE and A_TRAITER
# are seen in Chorus Pro's samples, CLOTURE and ANNULE are the emulator's [U].
STATUS_LABELS = {
    "A_TRAITER": _("To be validated by the recipient"),
    "COMMANDE": _("Ordered, open for invoicing"),
    "CLOTURE": _("Closed"),
    "ANNULE": _("Cancelled"),
}


def commitment_status_label(status: str | None) -> str:
    if status is None:
        return ""
    return str(STATUS_LABELS.get(status, status))


def commitment_refusal_reason(*, status: str | None, number: str) -> str:
    """Why an invoice on commitment ``number`` in ``status`` would be refused, and what to do;
    empty when the status accepts invoices (or is unknown)."""
    if status is None or status == OPEN:
        return ""
    if status == "CLOTURE":
        text = gettext(
            "The commitment %(number)s is closed in Chorus Pro, which refuses invoices on a "
            "closed commitment: ask the recipient to reopen it, or for the number of the "
            "commitment that follows it."
        )
    elif status == "ANNULE":
        text = gettext(
            "The commitment %(number)s was cancelled by the recipient, and Chorus Pro refuses "
            "invoices on it: ask the recipient for the number of the commitment that replaces it."
        )
    elif status == "A_TRAITER":
        text = gettext(
            "The commitment %(number)s is not validated by the recipient yet: Chorus Pro accepts "
            "invoices on it once the recipient has validated it."
        )
    else:
        return gettext(
            "The commitment %(number)s is in the status %(status)s in Chorus Pro, which accepts "
            "invoices only on an ordered commitment."
        ) % {"number": number, "status": status}
    return text % {"number": number}

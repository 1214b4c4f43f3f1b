"""What Chorus Pro's refusal codes mean and how each is fixed, for support's diagnosis.

Chorus Pro's error appendix is not public (contract §8.1, §13): 20000, 20002 and 20003 are
documented, the others are the meanings the emulator gives them (chorus_emulator/rules.py). The
portal's own codes for an action that failed before Chorus Pro answered (no connection, refused
credentials, an answer it could not read) are explained here too. An unknown code is shown with
Chorus Pro's own message and a generic way out.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RefusalMeaning:
    meaning: str
    fix: str
    # The safe action that may move it, when support can do something itself.
    action: str | None = None


_CREDENTIALS = RefusalMeaning(
    _("Chorus Pro refused the structure's technical account (wrong or expired password)."),
    _(
        "The structure's manager renews the technical password in Chorus Pro and enters it in "
        "the portal; then test the connection and retry."
    ),
    "connection_test",
)

REFUSALS: dict[str, RefusalMeaning] = {
    "auth": _CREDENTIALS,
    "AUTHENTICATION": _CREDENTIALS,
    "NO_CONNECTION": RefusalMeaning(
        _("The structure that must act has no Chorus Pro connection in the portal."),
        _("Its manager sets up the connection (technical account), then retry the action."),
    ),
    "PROTOCOL": RefusalMeaning(
        _("Chorus Pro gave an answer the portal could not read."),
        _("Open the exchange below and send it to the portal's operator; retry afterwards."),
        "action_retry",
    ),
    "20001": RefusalMeaning(
        _("Chorus Pro does not know this invoice for this account."),
        _("Re-read the invoice from Chorus Pro to check its identifier and who may see it."),
        "invoice_resync",
    ),
    "20002": RefusalMeaning(
        _("The invoice's status changed in Chorus Pro before the decision arrived."),
        _("Re-read the invoice from Chorus Pro; the user then decides again from its new status."),
        "invoice_resync",
    ),
    "20003": RefusalMeaning(
        _("An attached file is over Chorus Pro's 10 MB limit."),
        _("The supplier replaces the file by a smaller one, then sends the invoice again."),
    ),
    "20004": RefusalMeaning(
        _("An attached file's name is refused by Chorus Pro."),
        _("The supplier renames the file, then sends the invoice again."),
    ),
    "20005": RefusalMeaning(
        _("The recipient's SIRET is unknown to Chorus Pro."),
        _("The supplier checks the recipient in the directory, then sends the invoice again."),
    ),
    "20006": RefusalMeaning(
        _("The recipient is no longer active in Chorus Pro."),
        _("The supplier asks the customer which structure now receives its invoices."),
    ),
    "20007": RefusalMeaning(
        _("The recipient requires a service code, and none was given."),
        _("The supplier chooses the recipient's service, then sends the invoice again."),
    ),
    "20008": RefusalMeaning(
        _("The service code is unknown to the recipient."),
        _("The supplier chooses one of the recipient's services, then sends the invoice again."),
    ),
    "20009": RefusalMeaning(
        _("The recipient's service is no longer active."),
        _("The supplier chooses an active service, then sends the invoice again."),
    ),
    "20010": RefusalMeaning(
        _("The recipient requires a commitment number, and none was given."),
        _("The supplier asks the customer for its commitment number and adds it."),
    ),
    "20011": RefusalMeaning(
        _("The commitment number is unknown to the recipient."),
        _("The supplier checks the number on the purchase order, then sends the invoice again."),
    ),
    "20013": RefusalMeaning(
        _("The invoice's main document is missing or unreadable."),
        _("The supplier sends the invoice again; the portal builds its document anew."),
    ),
    "20015": RefusalMeaning(
        _("Chorus Pro already has an invoice with this number from this supplier."),
        _("The supplier gives this invoice a new number, then sends it again."),
    ),
    "20016": RefusalMeaning(
        _("The motive is missing or too long (255 characters at most)."),
        _("The user writes a shorter motive and decides again."),
    ),
    "20018": RefusalMeaning(
        _("The validator named on the invoice is not accepted."),
        _("The supplier names the right validator from the invoice's page."),
    ),
    "20019": RefusalMeaning(
        _("The bank account is not one Chorus Pro lists for the supplier."),
        _("The supplier chooses one of its bank accounts known to Chorus Pro."),
    ),
}
for _code in ("20303", "20304", "20305"):
    REFUSALS[_code] = RefusalMeaning(
        _("Chorus Pro found the invoice's totals inconsistent."),
        _("The supplier checks the lines and VAT, then sends the invoice again."),
    )

UNKNOWN = RefusalMeaning(
    _("Chorus Pro refused it; its message says why."),
    _("Read Chorus Pro's message and the exchange below; the user corrects and tries again."),
)


def refusal_meaning(code: str) -> RefusalMeaning:
    return REFUSALS.get(str(code), UNKNOWN)

"""What the demo's stories are made of: the parties, dates in business days before today, drafts
and the steps of an invoice's life (portal/demo/stories.py)."""

from dataclasses import dataclass, field

ATELIER = "12345678200010"  # Atelier Numérique SAS, the portal's supplier
BUREAU = "44306184100013"  # Bureau Fournitures SARL, a supplier outside the portal
WERKSTATT = "DE811569869"  # Werkstatt Berlin GmbH, a foreign supplier outside the portal
COMMUNE = "21750001600019"  # service code required
DRFIP = "13000261100015"  # commitment required
UNIVERSITE = "18004100600016"  # outside the portal: treats invoices in Chorus Pro itself
LYCEE = "19350936100013"  # outside the portal too
MINISTERE = "11000201100010"  # validator of A9 / A12 invoices
RECTORAT = "17590001800011"  # second-level validator of the Université's A9 / A12 invoices

# Invoice numbers: each supplier's own sequence, in the order its invoices were issued.
NUMBERING = {ATELIER: ("AN-{year}-", 412), BUREAU: ("BF{year}-", 1187), WERKSTATT: ("WB-", 3031)}
CREDIT_NOTE_NUMBERING = ("AV-{year}-", 17)


@dataclass(frozen=True)
class When:
    """``days`` business days before today at ``time`` (Paris), or ``minutes`` ago today."""

    days: int = 0
    time: str = ""
    minutes: int = 0


def day(days: int, time: str) -> When:
    return When(days=days, time=time)


def minutes_ago(minutes: int) -> When:
    return When(minutes=minutes)


@dataclass(frozen=True)
class Line:
    description: str
    quantity: str
    unit: str
    price: str
    vat: str = "20"


@dataclass(frozen=True)
class Draft:
    """What a supplier types in the editor (or its own software puts in a file)."""

    recipient: str
    lines: tuple[Line, ...]
    supplier: str = ATELIER
    service: str = ""
    commitment: str = ""
    framework: str = "A1"
    validator: str = ""
    comment: str = ""
    numbered: bool = True  # False: a draft still being typed, without a number yet


# --- steps -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Send:
    """A portal user drafts the story's invoice in the editor and sends it."""

    by: str


@dataclass(frozen=True)
class SaveDraft:
    """A portal user drafts the story's invoice and leaves it in draft."""

    by: str


@dataclass(frozen=True)
class SendOutside:
    """The story's supplier, not a portal user, submits the invoice straight to Chorus Pro."""


@dataclass(frozen=True)
class Deposit:
    """A portal user deposits the invoices of ``stories`` as files from their own software."""

    by: str
    stories: tuple[str, ...]


@dataclass(frozen=True)
class Treat:
    """The recipient sets a status: a portal user, or the structure itself in Chorus Pro when
    ``by`` is a SIRET (a public entity outside the portal)."""

    by: str
    status: str
    motive: str = ""
    mandate: str = ""


@dataclass(frozen=True)
class Validate:
    by: str
    comment: str = ""


@dataclass(frozen=True)
class Refuse:
    by: str
    reason: str
    comment: str = ""


@dataclass(frozen=True)
class Complete:
    """The supplier answers a suspension: a portal user with a document, or the supplier outside
    the portal in Chorus Pro (``by`` a SIRET)."""

    by: str
    comment: str
    document: str = ""


@dataclass(frozen=True)
class Correct:
    """Acknowledge the rejection and send the corrected invoice: line 1 at ``price``, or to
    another ``service`` (with its ``commitment``) when the rejection named a routing error."""

    by: str
    comment: str
    price: str = ""
    service: str = ""
    commitment: str = ""


@dataclass(frozen=True)
class CorrectValidator:
    """The supplier names the right validator after a wrong-validator refusal: the same invoice
    goes back to validation."""

    by: str
    validator: str


@dataclass(frozen=True)
class CreditNote:
    """Issue the story's invoice (a credit note of ``of``) from the original invoice's page."""

    by: str
    of: str


@dataclass(frozen=True)
class Story:
    key: str
    draft: Draft | None
    steps: tuple[tuple[When, object], ...] = field(default=())


# The statuses the stories set most often.
M = "MISE_EN_PAIEMENT"
FAIT = "SERVICE_FAIT"

"""The invoice as documents: a PDF for people (``pdf``), a CII XML for machines (``cii``), and
both together as a Factur-X PDF/A-3 (``facturx``).

This module holds what the PDF and the XML must say alike: who the parties are (which of their
identifiers is a SIRET, a SIREN, a VAT number), the VAT category of each line, the VAT breakdown
by category and rate, and the legal mentions of a French B2G invoice.
"""

from dataclasses import dataclass
from decimal import Decimal

from stdnum.eu import vat as eu_vat

from invoices.models import Invoice, InvoiceLine
from invoices.totals import ZERO
from structures.models import Structure

# UNTDID 5305 VAT categories used by the portal.
VAT_STANDARD = "S"
VAT_ZERO_RATED = "Z"
VAT_EXEMPT = "E"

# Legal mentions (Code de commerce L441-10 and D441-5), printed on the PDF and carried as notes in
# the XML (UNTDID 4451 subjects PMD, PMT, AAB). A legal document: French, not translated.
LATE_PAYMENT_PENALTIES = (
    "En cas de retard de paiement, des intérêts moratoires sont dus au taux prévu par la "
    "réglementation de la commande publique (taux de la BCE majoré de 8 points)."
)
RECOVERY_INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement due en cas de retard de paiement : 40 €."
)
NO_EARLY_PAYMENT_DISCOUNT = "Pas d'escompte pour paiement anticipé."


@dataclass(frozen=True)
class PartyIdentity:
    """A party's identifiers, each for what it is (empty when the party has none)."""

    siret: str = ""
    siren: str = ""
    vat_number: str = ""
    # Chorus Pro's identifier of a party without SIRET, when it is not its VAT number.
    other_id: str = ""


def party_identity(structure: Structure) -> PartyIdentity:
    """Which of ``structure``'s identifiers is which.

    ``Structure.siret`` holds the SIRET, or for a supplier without one its Chorus Pro identifier:
    an intra-EU VAT number for the suppliers Chorus Pro types UE_HORS_FRANCE (contract §4.1,
    docs/emulator-world.md: Werkstatt Berlin GmbH, DE811569869), a foreign or overseas
    identifier otherwise. Such an identifier is never a SIRET, nor holds a SIREN.
    """
    if structure.identifier_type == Structure.IdentifierType.SIRET:
        return PartyIdentity(
            siret=structure.siret,
            siren=structure.siret[:9],
            vat_number=structure.vat_number.strip(),
        )
    identifier = structure.siret.strip()
    identifier_vat = eu_vat.compact(identifier) if eu_vat.is_valid(identifier) else ""
    vat_number = structure.vat_number.strip() or identifier_vat
    same = identifier_vat and identifier_vat == "".join(vat_number.split()).upper()
    return PartyIdentity(vat_number=vat_number, other_id="" if same else identifier)


@dataclass(frozen=True)
class VatBreakdownRow:
    category: str
    rate: Decimal
    taxable_amount: Decimal
    vat_amount: Decimal


def line_vat_category(invoice: Invoice, line: InvoiceLine) -> str:
    """E for a line without rate (or at 0 % under the exempt regime), Z at 0 %, S otherwise."""
    if line.vat_rate is None:
        return VAT_EXEMPT
    if line.vat_rate == 0:
        return VAT_EXEMPT if invoice.vat_regime == Invoice.VatRegime.EXEMPT else VAT_ZERO_RATED
    return VAT_STANDARD


def invoice_vat_breakdown(invoice: Invoice, lines: list[InvoiceLine]) -> list[VatBreakdownRow]:
    """The saved VAT breakdown, with the 0 % row split by category.

    1. Rates above 0 %: the saved ``InvoiceVatLine`` rows, as they are (category S).
    2. 0 %: the saved row groups exempt (E) and zero-rated (Z) lines together, as
       ``totals_compute`` does; EN 16931 wants one row per category, so the taxable amount is
       split by the lines' saved totals (the VAT is 0 either way). A saved 0 % row whose lines do
       not add up is kept as one row, so that the pre-flight check reports the mismatch.
    """
    rows: list[VatBreakdownRow] = []
    for vat_line in invoice.vat_lines.order_by("rate"):
        if vat_line.rate != 0:
            rows.append(
                VatBreakdownRow(
                    VAT_STANDARD, vat_line.rate, vat_line.taxable_amount, vat_line.vat_amount
                )
            )
            continue
        by_category: dict[str, Decimal] = {}
        for line in lines:
            category = line_vat_category(invoice, line)
            if category != VAT_STANDARD:
                by_category[category] = by_category.get(category, ZERO) + line.total_excl_tax
        if len(by_category) > 1 and sum(by_category.values(), ZERO) == vat_line.taxable_amount:
            rows.extend(
                VatBreakdownRow(category, vat_line.rate, amount, ZERO)
                for category, amount in sorted(by_category.items())
            )
        else:
            category = next(iter(by_category), VAT_ZERO_RATED)
            rows.append(
                VatBreakdownRow(
                    category, vat_line.rate, vat_line.taxable_amount, vat_line.vat_amount
                )
            )
    return rows

"""The invoice as an A4 PDF for people, in French (a legal document, not interface chrome).

Built to be the visible part of a Factur-X PDF/A-3: every font is an embedded TrueType font (never
one of the 14 standard, unembedded ones), and an sRGB output intent is added for the colours.
"""

import io
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from invoices.documents import (
    LATE_PAYMENT_PENALTIES,
    NO_EARLY_PAYMENT_DISCOUNT,
    RECOVERY_INDEMNITY,
    VAT_EXEMPT,
    invoice_vat_breakdown,
    line_vat_category,
    party_identity,
)
from invoices.documents.cii import PAYMENT_MEANS_LABELS
from invoices.models import Invoice
from structures.models import Structure

CENT = Decimal("0.01")
NBSP = "\u00a0"
FONT = "PortailSans"
FONT_BOLD = "PortailSans-Bold"
ACCENT = colors.HexColor("#1f3a5f")
LIGHT = colors.HexColor("#e8edf3")

# Fonts embedded in the PDF, first found wins: DejaVu (Debian's fonts-dejavu-core), else Bitstream
# Vera, which ships inside reportlab itself so the renderer works on any machine.
_FONT_CANDIDATES = [
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
    (
        Path(reportlab.__file__).parent / "fonts" / "Vera.ttf",
        Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf",
    ),
]

TITLES = {Invoice.Kind.INVOICE: "FACTURE", Invoice.Kind.CREDIT_NOTE: "AVOIR"}
FRAMEWORKS = {
    "A1": "A1 – Facture de fournisseur",
    "A2": "A2 – Facture déjà payée",
    "A9": "A9 – Facture de sous-traitant",
    "A12": "A12 – Facture de cotraitant",
}
# UN/ECE recommendation 20 codes the portal offers, in French.
UNITS = {
    "C62": "unité",
    "H87": "pièce",
    "HUR": "heure",
    "DAY": "jour",
    "WEE": "semaine",
    "MON": "mois",
    "ANN": "an",
    "KGM": "kg",
    "MTR": "m",
    "MTK": "m²",
    "LTR": "l",
    "LS": "forfait",
    "E48": "service",
}


def invoice_pdf_render(invoice: Invoice) -> bytes:
    """The invoice (or credit note) as an A4 PDF with embedded fonts."""
    font, font_bold = _fonts()
    styles = _styles(font, font_bold)
    buffer = io.BytesIO()
    title = f"{TITLES[invoice.kind].capitalize()} {invoice.number}"
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=invoice.supplier.name,
        subject=title,
        lang="fr-FR",
        # Otherwise the canvas starts every page in Helvetica, an unembedded standard font.
        initialFontName=font,
    )
    lines = list(invoice.lines.order_by("position"))
    story = [
        _parties(invoice, styles),
        Spacer(1, 8 * mm),
        Paragraph(f"{TITLES[invoice.kind]} N° {escape(invoice.number)}", styles["title"]),
        Spacer(1, 3 * mm),
        _references(invoice, styles),
        Spacer(1, 6 * mm),
        _lines_table(invoice, lines, styles),
        Spacer(1, 6 * mm),
        _summary(invoice, lines, styles),
        Spacer(1, 6 * mm),
        *_payment(invoice, styles),
    ]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.grey)
        supplier = invoice.supplier
        canvas.drawString(
            15 * mm, 10 * mm, f"{supplier.name} – {_main_identifier(supplier)} – {title}"
        )
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return _with_output_intent(buffer.getvalue())


def amount_format(value: Decimal, currency: str = "EUR") -> str:
    """A French amount from a Decimal: ``1 508,19 €`` (no-break spaces, never through float)."""
    text = f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    text = text.replace(",", NBSP).replace(".", ",")
    symbol = "€" if currency == "EUR" else currency
    return f"{text}{NBSP}{symbol}"


def number_format(value: Decimal, *, min_decimals: int = 0) -> str:
    """A quantity, price or rate in French notation, without useless trailing zeros."""
    text = format(value.normalize(), "f")
    whole, _dot, decimals = text.partition(".")
    decimals = decimals.ljust(min_decimals, "0")
    whole = f"{int(whole):,}".replace(",", NBSP) if whole.lstrip("-").isdigit() else whole
    return f"{whole},{decimals}" if decimals else whole


def date_format(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


# --- parts ----------------------------------------------------------------------------------


def _parties(invoice: Invoice, styles) -> Table:
    supplier = _party_block("Émetteur", invoice.supplier, styles)
    recipient = (
        _party_block("Destinataire", invoice.recipient, styles)
        if invoice.recipient_id
        else Paragraph("Destinataire : —", styles["normal"])
    )
    table = Table([[supplier, recipient]], colWidths=[90 * mm, 90 * mm])
    table.setStyle(
        _table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (1, 0), (1, 0), 0.5, ACCENT),
                ("BACKGROUND", (1, 0), (1, 0), LIGHT),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _party_block(label: str, structure: Structure, styles) -> list:
    rows = [
        Paragraph(label.upper(), styles["label"]),
        Paragraph(f"<b>{escape(structure.name)}</b>", styles["normal"]),
    ]
    if structure.address_line:
        rows.append(Paragraph(escape(structure.address_line), styles["normal"]))
    city = " ".join(part for part in (structure.postal_code, structure.city) if part)
    if structure.country_code != "FR":
        city = f"{city} ({structure.country_code})".strip()
    if city:
        rows.append(Paragraph(escape(city), styles["normal"]))
    identity = party_identity(structure)
    if identity.siret:
        rows.append(Paragraph(f"SIRET : {identity.siret}", styles["normal"]))
    if identity.other_id:
        rows.append(Paragraph(f"Identifiant : {escape(identity.other_id)}", styles["normal"]))
    if identity.vat_number:
        rows.append(Paragraph(f"N° TVA : {escape(identity.vat_number)}", styles["normal"]))
    return rows


def _main_identifier(structure: Structure) -> str:
    """The supplier's identifier for the footer: its SIRET, else its VAT number, else what
    Chorus Pro knows it by."""
    identity = party_identity(structure)
    if identity.siret:
        return f"SIRET {identity.siret}"
    if identity.vat_number:
        return f"N° TVA {identity.vat_number}"
    return identity.other_id


def _references(invoice: Invoice, styles) -> Table:
    pairs = [
        ("Date de facture", date_format(invoice.issue_date)),
        ("Date d'échéance", date_format(invoice.due_date)),
        ("Cadre de facturation", FRAMEWORKS.get(invoice.billing_framework, "")),
    ]
    if invoice.service_id:
        service = invoice.service
        label = f"{service.code} – {service.label}" if service.label else service.code
        pairs.append(("Code service", label))
    if invoice.commitment_number:
        pairs.append(("N° d'engagement", invoice.commitment_number))
    if invoice.market_number:
        pairs.append(("N° de marché", invoice.market_number))
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        original = invoice.original_number or (
            invoice.original_invoice.number if invoice.original_invoice_id else ""
        )
        if original:
            pairs.append(("Facture d'origine", original))
    rows = [
        [Paragraph(label, styles["label"]), Paragraph(escape(value), styles["normal"])]
        for label, value in pairs
    ]
    table = Table(rows, colWidths=[40 * mm, 140 * mm], hAlign="LEFT")
    table.setStyle(
        _table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _lines_table(invoice: Invoice, lines, styles) -> Table:
    header = ["Désignation", "Qté", "Unité", "P.U. HT", "Remise", "TVA", "Total HT"]
    rows = [[Paragraph(h, styles["header"]) for h in header]]
    currency = invoice.currency
    for line in lines:
        description = escape(line.description)
        if line.reference:
            description = (
                f"<font size=7 color=grey>{escape(line.reference)}</font><br/>{description}"
            )
        if line_vat_category(invoice, line) == VAT_EXEMPT:
            rate = "exonéré"
        else:
            rate = f"{number_format(line.vat_rate)}{NBSP}%"
        rows.append(
            [
                Paragraph(description, styles["normal"]),
                Paragraph(number_format(line.quantity), styles["number"]),
                Paragraph(escape(UNITS.get(line.unit, line.unit)), styles["normal"]),
                Paragraph(_price(line.unit_price, currency), styles["number"]),
                Paragraph(
                    amount_format(line.discount, currency) if line.discount else "—",
                    styles["number"],
                ),
                Paragraph(rate, styles["number"]),
                Paragraph(amount_format(line.total_excl_tax, currency), styles["number"]),
            ]
        )
    widths = [60 * mm, 14 * mm, 16 * mm, 24 * mm, 20 * mm, 20 * mm, 26 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        _table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f9fb")]),
            ]
        )
    )
    return table


def _summary(invoice: Invoice, lines, styles) -> Table:
    currency = invoice.currency
    vat_rows = [[Paragraph(h, styles["header"]) for h in ("TVA", "Base HT", "Montant TVA")]]
    for row in invoice_vat_breakdown(invoice, lines):
        label = "Exonéré" if row.category == VAT_EXEMPT else f"{number_format(row.rate)}{NBSP}%"
        vat_rows.append(
            [
                Paragraph(label, styles["normal"]),
                Paragraph(amount_format(row.taxable_amount, currency), styles["number"]),
                Paragraph(amount_format(row.vat_amount, currency), styles["number"]),
            ]
        )
    vat_table = Table(vat_rows, colWidths=[22 * mm, 30 * mm, 30 * mm], hAlign="LEFT")
    vat_table.setStyle(
        _table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    totals = [
        ("Total HT", invoice.total_excl_tax),
        ("Total TVA", invoice.total_vat),
        ("Total TTC", invoice.total_incl_tax),
    ]
    if invoice.amount_due != invoice.total_incl_tax:
        totals.append(("Déjà payé", invoice.total_incl_tax - invoice.amount_due))
    total_rows = [
        [
            Paragraph(label, styles["normal"]),
            Paragraph(amount_format(value, currency), styles["number"]),
        ]
        for label, value in totals
    ]
    total_rows.append(
        [
            Paragraph("<b>Montant à payer</b>", styles["normal"]),
            Paragraph(f"<b>{amount_format(invoice.amount_due, currency)}</b>", styles["number"]),
        ]
    )
    totals_table = Table(total_rows, colWidths=[36 * mm, 34 * mm], hAlign="RIGHT")
    totals_table.setStyle(
        _table_style(
            [
                ("LINEABOVE", (0, -1), (-1, -1), 1, ACCENT),
                ("BACKGROUND", (0, -1), (-1, -1), LIGHT),
            ]
        )
    )
    table = Table([[vat_table, totals_table]], colWidths=[100 * mm, 80 * mm])
    table.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _payment(invoice: Invoice, styles) -> list:
    parts = []
    if invoice.payment_mode:
        parts.append(
            Paragraph(
                f"<b>Mode de paiement :</b> {PAYMENT_MEANS_LABELS[invoice.payment_mode]}",
                styles["normal"],
            )
        )
    if invoice.due_date:
        parts.append(
            Paragraph(
                f"<b>Échéance :</b> paiement au plus tard le {date_format(invoice.due_date)}",
                styles["normal"],
            )
        )
    if invoice.vat_exemption_reason:
        parts.append(
            Paragraph(
                f"<b>Exonération de TVA :</b> {escape(invoice.vat_exemption_reason)}",
                styles["normal"],
            )
        )
    if invoice.comment:
        parts.append(Spacer(1, 2 * mm))
        parts.append(Paragraph(escape(invoice.comment).replace("\n", "<br/>"), styles["normal"]))
    parts.append(Spacer(1, 4 * mm))
    for mention in (LATE_PAYMENT_PENALTIES, RECOVERY_INDEMNITY, NO_EARLY_PAYMENT_DISCOUNT):
        parts.append(Paragraph(escape(mention), styles["small"]))
    return parts


# --- helpers --------------------------------------------------------------------------------


def _price(value: Decimal, currency: str) -> str:
    text = number_format(value, min_decimals=2)
    symbol = "€" if currency == "EUR" else currency
    return f"{text}{NBSP}{symbol}"


def _table_style(commands: list) -> TableStyle:
    # Tables set their cells' font even around paragraphs: Helvetica (unembedded) by default.
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


@cache
def _fonts() -> tuple[str, str]:
    for regular, bold in _FONT_CANDIDATES:
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(regular)))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
            pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
            return FONT, FONT_BOLD
    # Unreachable while reportlab ships Vera; kept so a broken install fails loudly.
    raise RuntimeError("No TrueType font found to embed in the invoice PDF.")


def _styles(font: str, font_bold: str) -> dict[str, ParagraphStyle]:
    normal = ParagraphStyle("normal", fontName=font, fontSize=8.5, leading=11)
    return {
        "normal": normal,
        "number": ParagraphStyle("number", parent=normal, alignment=TA_RIGHT),
        "label": ParagraphStyle(
            "label", parent=normal, fontName=font_bold, fontSize=7.5, textColor=ACCENT
        ),
        "header": ParagraphStyle(
            "header", parent=normal, fontName=font_bold, fontSize=8, textColor=colors.white
        ),
        "title": ParagraphStyle(
            "title", parent=normal, fontName=font_bold, fontSize=16, leading=20, textColor=ACCENT
        ),
        "small": ParagraphStyle(
            "small", parent=normal, fontSize=7, leading=9, textColor=colors.grey
        ),
    }


@cache
def _srgb_profile() -> bytes | None:
    try:
        from PIL import ImageCms

        return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    except (ImportError, OSError):  # Pillow built without littlecms
        return None


def _with_output_intent(pdf: bytes) -> bytes:
    """Adds the sRGB output intent PDF/A requires when DeviceRGB colours are used."""
    profile = _srgb_profile()
    if profile is None:
        return pdf
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    icc = DecodedStreamObject()
    icc.set_data(profile)
    icc.update({NameObject("/N"): NumberObject(3)})
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(icc),
        }
    )
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

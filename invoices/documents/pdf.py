"""The invoice as an A4 PDF for people, in French (a legal document, not interface chrome).

Built to be the visible part of a Factur-X PDF/A-3: every font is an embedded TrueType font (never
one of the 14 standard, unembedded ones), and an sRGB output intent is added for the colours.
"""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

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
from invoices.documents.pdf_style import (
    ACCENT,
    LIGHT,
    NBSP,
    amount_format,
    date_format,
    fonts_registered,
    number_format,
    price_format,
    styles_for,
    table_style,
    with_output_intent,
)
from invoices.models import Invoice
from reference_lists.selectors import vat_exemption_text
from structures.models import Structure

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
    font, font_bold = fonts_registered()
    styles = styles_for(font, font_bold)
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
    return with_output_intent(buffer.getvalue())


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
        table_style(
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
        table_style(
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
                Paragraph(price_format(line.unit_price, currency), styles["number"]),
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
        table_style(
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
        table_style(
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
        table_style(
            [
                ("LINEABOVE", (0, -1), (-1, -1), 1, ACCENT),
                ("BACKGROUND", (0, -1), (-1, -1), LIGHT),
            ]
        )
    )
    table = Table([[vat_table, totals_table]], colWidths=[100 * mm, 80 * mm])
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP")]))
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
                "<b>Exonération de TVA :</b> "
                f"{escape(vat_exemption_text(invoice.vat_exemption_reason))}",
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

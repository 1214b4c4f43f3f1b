"""A small but valid PDF of an invoice, written by hand (standard library only).

Helvetica with WinAnsiEncoding covers French (é, à, ç, œ, €); the cross-reference table is
computed from the real byte offsets, so any PDF reader (and pypdf in the tests) opens it.
"""

from datetime import date
from decimal import Decimal

from facturation_pro_emulator import amounts

PAYMENT_MODES = {1: "Paypal", 2: "carte bancaire", 3: "virement", 4: "chèque", 5: "espèces",
                 6: "Cesu préfinancé", 8: "prélèvement", 9: "TIP", 30: "ticket restaurant",
                 31: "chèque cadeau", 32: "chèque vacances", 50: "LCR", 51: "BOR",
                 90: "avoir", 99: "autre mode", 999: "créance irrécouvrable"}
TOP, BOTTOM, LEADING = 800, 70, 14


def _text(value: str) -> bytes:
    raw = value.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def render(pages: list[list[tuple[int, int, int, bool, str]]]) -> bytes:
    """A PDF of A4 pages, each a list of (x, y, size, bold, text)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the page objects are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
        b"/Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for lines in pages:
        stream = b"".join(
            b"BT /F%d %d Tf %d %d Td (%s) Tj ET\n" % (2 if bold else 1, size, x, y, _text(text))
            for x, y, size, bold, text in lines)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
                       % (len(objects)))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def euros(value: Decimal) -> str:
    whole, cents = f"{amounts.cents(value):.2f}".split(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = " ".join(digits[max(0, i - 3):i] for i in range(len(digits), 0, -3)[::-1])
    return f"{sign}{groups},{cents} €"


def percent(rate) -> str:
    """``0.055`` → ``5,5 %``."""
    text = format((Decimal(rate) * 100).normalize(), "f")
    return f"{text.replace('.', ',')} %"


def french(day: str | None) -> str:
    return date.fromisoformat(day).strftime("%d/%m/%Y") if day else "-"


class _Pages:
    def __init__(self):
        self.pages: list[list] = [[]]
        self.y = TOP

    def line(self, text: str, *, x: int = 50, size: int = 10, bold: bool = False,
             gap: int = LEADING) -> None:
        if self.y < BOTTOM:
            self.pages.append([])
            self.y = TOP
        self.pages[-1].append((x, self.y, size, bold, text))
        self.y -= gap

    def row(self, cells: list[tuple[int, str]], *, bold: bool = False) -> None:
        for x, text in cells[:-1]:
            self.line(text, x=x, bold=bold, gap=0)
        self.line(cells[-1][1], x=cells[-1][0], bold=bold)


def invoice_pdf(firm: dict, customer: dict, invoice: dict, *, stamp_paid: bool) -> bytes:
    out = _Pages()
    draft = invoice.get("draft")
    out.line(firm["name"], size=14, bold=True, gap=18)
    for text in (firm.get("street"), f"{firm.get('zip_code', '')} {firm.get('city', '')}",
                 f"SIRET : {firm.get('siret', '-')}   TVA : {firm.get('vat_number', '-')}"):
        out.line(text or "")
    out.y -= 10
    heading = "FACTURE (BROUILLON)" if draft else f"FACTURE N° {invoice['full_invoice_ref']}"
    out.line(heading, size=16, bold=True, gap=20)
    out.line(f"Date : {french(invoice.get('invoiced_on'))}    "
             f"Échéance : {french(invoice.get('term_on'))}")
    name = customer.get("company_name") or " ".join(
        p for p in (customer.get("first_name"), customer.get("last_name")) if p)
    out.line(f"Client : {name}", bold=True)
    out.line(f"{customer.get('street') or ''} {customer.get('zip_code') or ''} "
             f"{customer.get('city') or ''}")
    if customer.get("siret"):
        out.line(f"SIRET : {customer['siret']}")
    if invoice.get("purchase_number"):
        out.line(f"Bon de commande : {invoice['purchase_number']}")
    out.line(f"Objet : {invoice.get('title') or '-'}", gap=24)
    columns = (50, 330, 380, 460, 505)
    out.row(list(zip(columns, ("Désignation", "Qté", "PU HT", "TVA", "Total HT"),
                     strict=True)), bold=True)
    for item in sorted(invoice["items"], key=lambda i: i.get("position") or 0):
        title = (item.get("title") or "")[:58]
        if item.get("style"):
            out.line(title, bold=item["style"] == "title")
            continue
        out.row(list(zip(columns, (title, amounts.ruby(item["quantity"]).removesuffix(".0"),
                                   euros(Decimal(item["unit_price"])), percent(item["vat"]),
                                   euros(amounts.line_total(item))), strict=True)))
    total, _, with_vat = amounts.totals(invoice)
    out.y -= 10
    out.row([(380, "Total HT"), (470, euros(total))])
    for rate, _, vat in amounts.vat_by_rate(invoice):
        out.row([(380, f"TVA {percent(rate)}"), (470, euros(vat))])
    out.row([(380, "Total TTC"), (470, euros(with_vat))], bold=True)
    if invoice.get("vat_exemption"):
        out.line(invoice["vat_exemption"], size=8)
    if stamp_paid and invoice.get("paid_on"):
        mode = PAYMENT_MODES.get(invoice.get("payment_mode"), "autre mode")
        out.line(f"FACTURE ACQUITTÉE le {french(invoice['paid_on'])} par {mode}", size=12,
                 bold=True, gap=20)
    for paragraph in (invoice.get("information") or "").splitlines():
        out.line(paragraph[:95], size=9)
    for page in out.pages:
        page.append((50, 40, 7, False, "Document généré par l'émulateur Facturation.pro : "
                     "données de démonstration."))
    return render(out.pages)

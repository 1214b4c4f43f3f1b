"""How the invoice PDF looks: its embedded fonts, paragraph and table styles, colours, number
and date formats, and the sRGB output intent that PDF/A-3 asks for (invoices/documents/pdf.py)."""

import io
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

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
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

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


def price_format(value: Decimal, currency: str) -> str:
    text = number_format(value, min_decimals=2)
    symbol = "€" if currency == "EUR" else currency
    return f"{text}{NBSP}{symbol}"


def table_style(commands: list) -> TableStyle:
    # Tables set their cells' font even around paragraphs: Helvetica (unembedded) by default.
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


@cache
def fonts_registered() -> tuple[str, str]:
    for regular, bold in _FONT_CANDIDATES:
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(regular)))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
            pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
            return FONT, FONT_BOLD
    # Unreachable while reportlab ships Vera; kept so a broken install fails loudly.
    raise RuntimeError("No TrueType font found to embed in the invoice PDF.")


def styles_for(font: str, font_bold: str) -> dict[str, ParagraphStyle]:
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
def srgb_profile() -> bytes | None:
    try:
        from PIL import ImageCms

        return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    except (ImportError, OSError):  # Pillow built without littlecms
        return None


def with_output_intent(pdf: bytes) -> bytes:
    """Adds the sRGB output intent PDF/A requires when DeviceRGB colours are used."""
    profile = srgb_profile()
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

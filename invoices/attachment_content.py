"""Does a file's content match its extension? Chorus Pro (and the recipient) cannot open a Word
file renamed ``.pdf``: the first bytes are read rather than trusting the name or the browser's
MIME type. One check per extension Chorus Pro accepts (invoices/attachments.py)."""

import zipfile
from collections.abc import Callable

from django.core.files import File

# How much of the file the signature checks look at.
SNIFF_BYTES = 8192

PDF = b"%PDF-"
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
GIFS = (b"GIF87a", b"GIF89a")
TIFFS = (b"II*\x00", b"MM\x00*")
BMP = b"BM"
ZIPS = (b"PK\x03\x04", b"PK\x05\x06")
GZIP = b"\x1f\x8b"
BZ2 = b"BZh"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RTF = b"{\\rtf"

ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def content_matches(uploaded_file: File, extension: str) -> bool:
    """Whether the first bytes of the file are those of a file of this extension."""
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    check = _SNIFFERS[extension]
    return check(uploaded_file, head)


def _starts(*signatures: bytes) -> Callable[[File, bytes], bool]:
    return lambda _file, head: head.startswith(signatures)


def _is_pdf(_file: File, head: bytes) -> bool:
    # Readers accept junk before the header within the first 1024 bytes; so does Chorus Pro [U].
    return PDF in head[:1024]


def _is_plain_zip(_file: File, head: bytes) -> bool:
    return head.startswith(ZIPS)


def _is_odf(extension: str) -> Callable[[File, bytes], bool]:
    # ODF puts an uncompressed "mimetype" member first: its name at offset 30, its content after.
    def check(_file: File, head: bytes) -> bool:
        expected = b"mimetype" + ODF_MIMETYPES[extension]
        return head.startswith(ZIPS[0]) and head[30 : 30 + len(expected)] == expected

    return check


def _is_ooxml(extension: str) -> Callable[[File, bytes], bool]:
    def check(uploaded_file: File, head: bytes) -> bool:
        if not head.startswith(ZIPS[0]):
            return False
        uploaded_file.seek(0)
        try:
            with zipfile.ZipFile(uploaded_file) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return "[Content_Types].xml" in names and any(
            n.startswith(OOXML_FOLDERS[extension]) for n in names
        )

    return check


def _text(head: bytes) -> str | None:
    """The decoded start of a text file, or None when it looks binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif head.startswith(b"\xef\xbb\xbf"):
        encoding, head = "utf-8", head[3:]
    else:
        if b"\x00" in head:
            return None
        encoding = "utf-8"
    try:
        # The sniffed block may cut a multi-byte character at its end.
        text = head.decode(encoding, errors="strict")
    except UnicodeDecodeError as error:
        if encoding == "utf-8" and error.start >= len(head) - 3:
            text = head[: error.start].decode("utf-8")
        elif encoding == "utf-8":
            try:
                text = head.decode("cp1252")
            except UnicodeDecodeError:
                return None
        else:
            return None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n\f")
    return None if controls else text


def _is_text(_file: File, head: bytes) -> bool:
    return _text(head) is not None


def _is_markup(marker: str | None) -> Callable[[File, bytes], bool]:
    def check(_file: File, head: bytes) -> bool:
        text = _text(head)
        if text is None or not text.lstrip().startswith("<"):
            return False
        return marker is None or marker in text.lower()

    return check


def _is_p7s(_file: File, head: bytes) -> bool:
    # A minimal check: DER starts with a SEQUENCE tag; PEM with its armour.
    return head.startswith((b"\x30", b"-----BEGIN"))


def _is_anything(_file: File, head: bytes) -> bool:
    # Fax files (.fax) carry no reliable signature (raw G3 or TIFF): only emptiness is checked.
    return bool(head)


_SNIFFERS: dict[str, Callable[[File, bytes], bool]] = {
    "pdf": _is_pdf,
    "png": _starts(PNG),
    "jpg": _starts(JPEG),
    "jpeg": _starts(JPEG),
    "gif": _starts(*GIFS),
    "tif": _starts(*TIFFS),
    "tiff": _starts(*TIFFS),
    "bmp": _starts(BMP),
    "zip": _is_plain_zip,
    "docx": _is_ooxml("docx"),
    "xlsx": _is_ooxml("xlsx"),
    "pptx": _is_ooxml("pptx"),
    "odt": _is_odf("odt"),
    "ods": _is_odf("ods"),
    "odp": _is_odf("odp"),
    "gz": _starts(GZIP),
    "gzip": _starts(GZIP),
    "tgz": _starts(GZIP),
    "bz2": _starts(BZ2),
    "doc": _starts(OLE2),
    "xls": _starts(OLE2),
    "ppt": _starts(OLE2),
    "pps": _starts(OLE2),
    "xlc": _starts(OLE2),
    "xlm": _starts(OLE2),
    "rtf": _starts(RTF),
    "txt": _is_text,
    "csv": _is_text,
    "xml": _is_markup(None),
    "svg": _is_markup("<svg"),
    "htm": _is_markup("<html"),
    "html": _is_markup("<html"),
    "xhtml": _is_markup("<html"),
    "p7s": _is_p7s,
    "fax": _is_anything,
}

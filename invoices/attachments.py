"""Attachment upload rules: what Chorus Pro accepts, enforced when the file is uploaded.

Chorus Pro's limits (contract §3.2, §8.3; annex §1.3): 10 MB per file, a name of at most 50
characters including a mandatory extension from a fixed list, 100 MB for all the files of one
invoice. The content must also match the extension: Chorus Pro (and the recipient) cannot open a
Word file renamed ``.pdf``, so we sniff the first bytes rather than trust the name or the
browser's MIME type.
"""

import hashlib
import os
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from invoices.attachment_content import content_matches
from invoices.models import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_NAME_MAX_LENGTH,
    INVOICE_ATTACHMENTS_MAX_BYTES,
    Attachment,
    Invoice,
)

# Extension (lower case, no dot) → MIME type sent to Chorus Pro as pieceJointeTypeMime.
ALLOWED_EXTENSIONS: dict[str, str] = {
    "bmp": "image/bmp",
    "bz2": "application/x-bzip2",
    "csv": "text/csv",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "fax": "image/g3fax",
    "gif": "image/gif",
    "gz": "application/gzip",
    "gzip": "application/gzip",
    "htm": "text/html",
    "html": "text/html",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "p7s": "application/pkcs7-signature",
    "pdf": "application/pdf",
    "png": "image/png",
    "ppt": "application/vnd.ms-powerpoint",
    "pps": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "rtf": "application/rtf",
    "svg": "image/svg+xml",
    "tgz": "application/gzip",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "txt": "text/plain",
    "xhtml": "application/xhtml+xml",
    "xlc": "application/vnd.ms-excel",
    "xls": "application/vnd.ms-excel",
    "xlm": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xml": "application/xml",
    "zip": "application/zip",
}


class AttachmentRejected(ValidationError):
    """An upload Chorus Pro would refuse. ``code`` is stable (tests and views rely on it);
    ``suggestion`` is a file name to offer instead, for ``name_too_long``."""

    def __init__(self, code: str, message, *, suggestion: str | None = None, params=None):
        super().__init__(message, code=code, params=params)
        self.suggestion = suggestion


def attachment_add(
    *,
    invoice: Invoice,
    uploaded_file: File,
    kind: str = Attachment.Kind.SUPPORTING,
    name: str | None = None,
) -> Attachment:
    """Check ``uploaded_file`` against Chorus Pro's rules, store it and attach it to ``invoice``.

    1. Name: the given ``name`` or the upload's, without any directory part; an allowed
       extension is mandatory and the whole name is at most 50 characters.
    2. Size: not empty, at most 10 MB.
    3. Content: the first bytes must match the extension.
    4. Under a lock on the invoice: all its attachments stay within 100 MB (a replaced main
       document no longer counts); a new main document replaces the previous one.

    Raises ``AttachmentRejected`` with one of the codes ``empty_file``, ``no_extension``,
    ``extension_not_allowed``, ``name_too_long``, ``too_large``, ``content_mismatch``,
    ``invoice_total_too_large``, ``already_sent``.
    """
    name = _clean_name(name or uploaded_file.name or "")
    extension = attachment_extension(name)
    _check_name(name, extension)

    size = _file_size(uploaded_file)
    if size == 0:
        raise AttachmentRejected("empty_file", _("The file is empty."))
    if size > ATTACHMENT_MAX_BYTES:
        raise AttachmentRejected(
            "too_large",
            _("The file weighs %(size)s; Chorus Pro accepts at most %(limit)s per file."),
            params={"size": megabytes(size), "limit": megabytes(ATTACHMENT_MAX_BYTES)},
        )
    sha256 = _sha256(uploaded_file)
    if not content_matches(uploaded_file, extension):
        raise AttachmentRejected(
            "content_mismatch",
            _("The content of the file is not a %(extension)s file: check the file or its name."),
            params={"extension": extension.upper()},
        )

    with transaction.atomic():
        # Serialises concurrent uploads to one invoice, so the total per invoice holds.
        Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
        existing = Attachment.objects.filter(invoice=invoice)
        previous_main = existing.filter(kind=Attachment.Kind.MAIN).first()
        if kind == Attachment.Kind.MAIN and previous_main is not None:
            if previous_main.chorus_attachment_id is not None:
                raise _already_sent()
            existing = existing.exclude(pk=previous_main.pk)
        stored_total = existing.aggregate(total=Sum("size"))["total"] or 0
        if stored_total + size > INVOICE_ATTACHMENTS_MAX_BYTES:
            raise AttachmentRejected(
                "invoice_total_too_large",
                _(
                    "With this file the attachments of the invoice would weigh %(total)s; "
                    "Chorus Pro accepts at most %(limit)s per invoice."
                ),
                params={
                    "total": megabytes(stored_total + size),
                    "limit": megabytes(INVOICE_ATTACHMENTS_MAX_BYTES),
                },
            )
        if kind == Attachment.Kind.MAIN and previous_main is not None:
            _delete_after_commit(previous_main)

        attachment = Attachment(
            invoice=invoice,
            kind=kind,
            name=name,
            size=size,
            sha256=sha256,
            content_type=ALLOWED_EXTENSIONS[extension],
        )
        uploaded_file.seek(0)
        attachment.file.save(name, uploaded_file, save=False)
        # A failed transaction must not leave the stored file behind.
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def attachment_remove(*, attachment: Attachment) -> None:
    """Delete an attachment and its file; refused once Chorus Pro has it (``already_sent``)."""
    if attachment.chorus_attachment_id is not None:
        raise _already_sent()
    with transaction.atomic():
        _delete_after_commit(attachment)


def attachment_name_shorten(name: str) -> str:
    """The name offered when ``name`` is too long or awkward for Chorus Pro.

    Keeps the extension (lower-cased), transliterates accents to ASCII, replaces anything but
    letters, digits, ``-``, ``_`` and ``.`` with ``_``, and cuts the stem so that the whole name
    is at most 50 characters.
    """
    name = _clean_name(name)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = _ascii_safe(stem).strip("._-") or "piece-jointe"
    extension = _ascii_safe(extension).lower()
    suffix = f".{extension}" if extension else ""
    room = max(ATTACHMENT_NAME_MAX_LENGTH - len(suffix), 1)
    stem = stem[:room].rstrip("._-") or "pj"
    return f"{stem}{suffix}"


def attachment_extension(name: str) -> str:
    """The extension of ``name``, lower case without the dot; empty when there is none."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return ""
    return extension.lower()


# --- name -----------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    # Browsers on Windows may send "C:\\dir\\file.pdf"; never let a path reach storage.
    return os.path.basename(name.replace("\\", "/")).strip()


# Letters NFKD does not decompose but French names use.
_LIGATURES = str.maketrans({"Œ": "OE", "œ": "oe", "Æ": "AE", "æ": "ae", "ß": "ss"})


def _ascii_safe(text: str) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_LIGATURES))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    ascii_text = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_text)
    return re.sub(r"_{2,}", "_", ascii_text)


def _check_name(name: str, extension: str) -> None:
    if not extension:
        raise AttachmentRejected(
            "no_extension",
            _("The file name must end with an extension, such as .pdf."),
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise AttachmentRejected(
            "extension_not_allowed",
            _("Chorus Pro does not accept .%(extension)s files. Accepted: %(allowed)s."),
            params={
                "extension": extension,
                "allowed": ", ".join(sorted(e.upper() for e in ALLOWED_EXTENSIONS)),
            },
        )
    if len(name) > ATTACHMENT_NAME_MAX_LENGTH:
        suggestion = attachment_name_shorten(name)
        raise AttachmentRejected(
            "name_too_long",
            _(
                "The file name has %(length)s characters; Chorus Pro accepts at most %(limit)s, "
                "extension included. Suggested name: %(suggestion)s"
            ),
            suggestion=suggestion,
            params={
                "length": len(name),
                "limit": ATTACHMENT_NAME_MAX_LENGTH,
                "suggestion": suggestion,
            },
        )


# --- size and hash --------------------------------------------------------------------------


def _file_size(uploaded_file: File) -> int:
    size = getattr(uploaded_file, "size", None)
    if size is not None:
        return size
    total = 0
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        total += len(chunk)
    return total


def _sha256(uploaded_file: File) -> str:
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def megabytes(size: int) -> str:
    """A size as the limits are stated to users: megabytes, one decimal, French comma."""
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def _already_sent() -> AttachmentRejected:
    return AttachmentRejected(
        "already_sent",
        _("This attachment was already sent to Chorus Pro: it can no longer be changed."),
    )


def _delete_after_commit(attachment: Attachment) -> None:
    # The row goes now; the file only once the transaction holds, so a rollback loses nothing.
    file = attachment.file
    storage, path = file.storage, file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path) if path else None)

"""What a file input tells the browser, so that a file Chorus Pro would refuse (too large, of a
type it does not take) is refused before it is sent: read by static/js/portal.js. The server
checks every file again (invoices/attachments.py, invoices/flows/files.py)."""

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from invoices.attachments import ALLOWED_EXTENSIONS, megabytes
from invoices.models import ATTACHMENT_MAX_BYTES


def _too_large(limit: int) -> str:
    return gettext(
        "%%(name)s is larger than %(limit)s: Chorus Pro refuses it, so it was not added."
    ) % {"limit": megabytes(limit)}


def file_input_attrs(
    *, max_bytes: int = ATTACHMENT_MAX_BYTES, extensions=tuple(ALLOWED_EXTENSIONS)
) -> dict:
    """The attributes of a file input: its limit, the extensions it takes (also offered to the
    file picker) and the messages the browser shows, in the reader's language."""
    ordered = sorted(extensions)
    return {
        "accept": ",".join(f".{extension}" for extension in ordered),
        "data-max-bytes": str(max_bytes),
        "data-extensions": ",".join(ordered),
        "data-too-large": lazy(_too_large, str)(max_bytes),
        "data-wrong-type": _("%(name)s is not of a type Chorus Pro takes, so it was not added."),
        "data-sending": _("Sending the files…"),
    }

"""Every stored file leaves the portal through ``stored_file_response``, called by a view once a
selector has said the user may have it: nothing under MEDIA_ROOT is served by its path.

Files come from suppliers, recipients and Chorus Pro, so none may run script from the portal's
origin: only PDFs and raster images are ever shown in the browser, anything else (HTML, SVG,
XML...) is a download; the browser may not guess another type; and the response carries a
policy under which nothing in it loads or runs.
"""

import logging

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/bmp"})
# Sandboxed: a file opened anyway runs in an origin of its own.
FILE_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
# Firefox's PDF viewer refuses a sandboxed document; a PDF cannot run script in the page's
# origin (the viewers keep its scripts to themselves), so PDFs get the policy without sandbox.
PDF_POLICY = "default-src 'none'; frame-ancestors 'self'"


def stored_file_response(
    request, file, *, filename: str, content_type: str | None = None, inline: bool = False
):
    """``file``: a FieldFile, or a path in the default storage. Shown in the browser only when
    ``inline`` is asked and ``content_type`` is a PDF or a raster image. A file missing from
    storage answers a 404 page that says so."""
    path = file if isinstance(file, str) else file.name
    try:
        handle = default_storage.open(path, "rb") if isinstance(file, str) else file.open("rb")
    except FileNotFoundError:
        logger.error("A stored file is missing: %s", path)
        return render(request, "portal/file_missing.html", status=404)
    shown = inline and content_type in INLINE_TYPES
    response = FileResponse(
        handle, as_attachment=not shown, filename=filename, content_type=content_type
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        PDF_POLICY if shown and content_type == "application/pdf" else FILE_POLICY
    )
    return response

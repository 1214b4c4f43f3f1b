"""Links that leave the browser (e-mails): absolute, from the portal's public address."""

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """``path`` ("/factures/1/") under PORTAL_BASE_URL, so that a mail client can open it."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def absolute_reverse(viewname: str, *args) -> str:
    return absolute_url(reverse(viewname, args=args))

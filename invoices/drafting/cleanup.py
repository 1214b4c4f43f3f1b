"""Drafts opened by "New invoice" and left without anything typed are not kept forever."""

from datetime import timedelta

from django.utils import timezone

from invoices.drafting.selectors import empty_drafts


def invoice_empty_drafts_delete(*, older_than: timedelta) -> int:
    """Delete the drafts nobody typed anything in for ``older_than``; returns how many."""
    ids = list(
        empty_drafts()
        .filter(updated_at__lt=timezone.now() - older_than)
        .values_list("pk", flat=True)
    )
    if ids:
        # Checked again as they are deleted: a draft typed in meanwhile is kept.
        empty_drafts().filter(pk__in=ids).delete()
    return len(ids)

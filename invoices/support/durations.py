"""How the support console says a duration: "45 seconds", "12 minutes", "3 hours", "4 days",
in the reader's language, with the unit that reads best."""

from datetime import timedelta

from django.utils.translation import ngettext


def duration_words(delta: timedelta | None) -> str:
    if delta is None:
        return "—"
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    if seconds < 3600:
        count = seconds // 60
        return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}
    if seconds < 2 * 86400:
        count = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    count = seconds // 86400
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}

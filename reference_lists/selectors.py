"""Reads of the reference lists: what the portal offers is what Chorus Pro last said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reference_lists.models import ReferenceEntry


@dataclass(frozen=True)
class ReferenceChoice:
    code: str
    label: str

    @property
    def text(self) -> str:
        """What a picker shows: Chorus Pro's label, or the bare code when it has none."""
        return self.label or self.code


def reference_choices(kind: str, *, scope: str = "") -> list[ReferenceChoice]:
    """The codes of one list (and scope), in Chorus Pro's order; empty when never read."""
    return [
        ReferenceChoice(code=code, label=label)
        for code, label in ReferenceEntry.objects.filter(kind=kind, scope=scope)
        .order_by("position")
        .values_list("code", "label")
    ]


def reference_label(kind: str, code: str, *, scope: str = "") -> str | None:
    """Chorus Pro's label for ``code``, or None when the list does not hold it."""
    return (
        ReferenceEntry.objects.filter(kind=kind, scope=scope, code=code)
        .values_list("label", flat=True)
        .first()
    )


def reference_lists_fetched_at() -> dict[str, datetime]:
    """When each list was last read from Chorus Pro."""
    return {
        kind: fetched_at
        for kind, fetched_at in ReferenceEntry.objects.values_list("kind", "fetched_at")
        .order_by("kind", "fetched_at")
        .distinct()
    }


def vat_exemption_text(reason: str) -> str:
    """What an invoice says of its VAT exemption: Chorus Pro's label for a reason picked in its
    list, or the text itself for one typed before the list."""
    return reference_label(ReferenceEntry.Kind.VAT_EXEMPTION_REASON, reason) or reason


def reference_codes_by_label(kind: str, *, scope: str = "") -> dict[str, str]:
    """A list's codes by their label, compared without case (a label Chorus Pro writes where
    another API wants the code: the Référentiel's "pays" is "France")."""
    return {
        label.casefold(): code
        for code, label in ReferenceEntry.objects.filter(kind=kind, scope=scope)
        .exclude(label="")
        .values_list("code", "label")
    }

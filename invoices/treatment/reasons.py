"""Reusable motives a public entity keeps for suspensions and rejections."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from invoices.actions.services import ActionNotAllowedError
from invoices.models import ReasonTemplate
from structures.models import Structure


def reason_template_create(
    *, structure: Structure, label: str, text: str, use: str
) -> ReasonTemplate:
    """Raises ActionNotAllowedError when the structure already has a motive with this label."""
    try:
        with transaction.atomic():
            return ReasonTemplate.objects.create(
                structure=structure, label=label.strip(), text=text.strip(), use=use
            )
    except IntegrityError:
        raise ActionNotAllowedError(
            _("Your structure already has a motive with this label."), field="label"
        ) from None


def reason_template_delete(*, template: ReasonTemplate) -> None:
    template.delete()


def reason_template_update(*, template: ReasonTemplate, label: str, text: str, use: str) -> None:
    """Change a saved motive; raises ActionNotAllowedError when another motive of the structure
    has this label. Decisions already sent keep the motive as it was written then."""
    template.label, template.text, template.use = label.strip(), text.strip(), use
    try:
        with transaction.atomic():
            template.save(update_fields=["label", "text", "use"])
    except IntegrityError:
        raise ActionNotAllowedError(
            _("Your structure already has a motive with this label."), field="label"
        ) from None

"""What the back-office of every app shares."""

from django.utils.html import format_html


class ReadOnlyAdminMixin:
    """Rows the portal writes itself: the admin shows them, never adds or edits one. With
    ``deletable = False`` (business records, history, decisions sent to Chorus Pro) none is
    deleted either, one by one or in bulk."""

    deletable = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)


def badge(css: str, label, **data) -> str:
    """A status as the portal shows it: its label in a badge of the portal's colours."""
    attributes = "".join(f' data-{name.replace("_", "-")}="{{}}"' for name in data)
    return format_html(
        '<span class="badge {}"' + attributes + ">{}</span>", css, *data.values(), label
    )

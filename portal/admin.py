"""What the back-office of every app shares."""


class ReadOnlyAdminMixin:
    """Rows the portal writes itself: the admin shows them, never adds or edits one. With
    ``deletable = False`` (history, decisions sent to Chorus Pro) none is deleted either."""

    deletable = True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)

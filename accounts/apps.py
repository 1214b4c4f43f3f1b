from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The people of each structure: invitations, roles, the audit of who did what, and the
    second factor of each login."""

    name = "accounts"
    verbose_name = _("Accounts")

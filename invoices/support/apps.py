"""The back-office is Django's admin, made the support console: its site (titles, the search box,
the overview, the health page) replaces the default one, so that every app's ``@admin.register``
lands in it; the support capability's own records (the audit of safe actions) are an app of
their own, label ``support``."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class BackOfficeAdminConfig(AdminConfig):
    default_site = "invoices.support.site.BackOfficeSite"


class SupportConfig(AppConfig):
    name = "invoices.support"
    label = "support"
    verbose_name = _("Support")

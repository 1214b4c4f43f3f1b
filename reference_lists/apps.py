from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceListsConfig(AppConfig):
    name = "reference_lists"
    verbose_name = _("Chorus Pro reference lists")

"""The back-office's site: Django's admin titled for the portal, with the support console's own
pages (search, health, the safe actions' confirmations) under /back-office/."""

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _


class BackOfficeSite(admin.AdminSite):
    site_header = _("Portail Chorus – back-office")
    site_title = _("Back-office")
    index_title = _("Support console")
    # The index opens on the search box and the health summary (templates/admin/index.html).
    enable_nav_sidebar = False

    def get_urls(self):
        from invoices.support import views

        console = [
            path("recherche/", self.admin_view(views.search), name="support_search"),
            path("sante/", self.admin_view(views.health), name="support_health"),
            path(
                "action/<str:kind>/<int:target_id>/",
                self.admin_view(views.safe_action),
                name="support_action",
            ),
            path(
                "facture/<int:invoice_id>/echange/<int:exchange_id>/",
                self.admin_view(views.exchange_bodies),
                name="support_exchange",
            ),
        ]
        return console + super().get_urls()

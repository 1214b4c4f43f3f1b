"""The notifications page in French, on a desktop and on a phone: repeated notices about one
invoice grouped, a filter by invoice, the choice of a daily digest."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from invoices.models import Notification
from portal.models import UserProfile
from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_notices_are_grouped_filtered_and_mailed_as_chosen(
    width, send_invoice, log_in, live_server, new_page
):
    first = send_invoice("F-NOT-0001")
    second = send_invoice("F-NOT-0002")
    user = User.objects.get(username="fournisseur")
    for text in ("Déposée", "Mise à disposition", "Suspendue"):
        Notification.objects.create(user=user, invoice=first, message=f"F-NOT-0001 : {text}")
    Notification.objects.create(user=user, invoice=second, message="F-NOT-0002 : Déposée")

    page = new_page(width=width)
    log_in(page, "fournisseur")
    page.goto(f"{live_server.url}/notifications/")
    group = page.locator("[data-group-size='3']")
    expect(group).to_contain_text("F-NOT-0001 : Suspendue")
    group.get_by_text("2 notifications antérieures sur cette facture").click()
    expect(group.locator("details[open]")).to_contain_text("F-NOT-0001 : Déposée")
    assert serious_violations(page) == []

    page.get_by_label("Numéro de facture").fill("0002")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator(".notification-list")).to_contain_text("F-NOT-0002")
    expect(page.locator(".notification-list")).not_to_contain_text("F-NOT-0001")

    page.get_by_label("Un courriel par jour, avec les notifications de la journée").check()
    page.get_by_role("button", name="Enregistrer mon choix").click()
    expect(page.locator(".messages")).to_contain_text("Votre choix de courriels est enregistré.")
    assert UserProfile.objects.get(user=user).notice_emails == "daily"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width

"""In French, in Chromium: a manager sets up two-factor login and logs in with a code; a
colleague they invite joins from the e-mail's link in another browser."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from structures.models import Membership, Structure
from tests.second_factor import user_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROLE = Membership.Role
PASSWORD = "correct horse 42"


def _password_step(page, server, username):
    page.goto(f"{server.url}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_manager_sets_up_two_factor_login_then_logs_in_with_a_code(
    live_server, page, make_structure, make_user
):
    structure = make_structure(name="Direction des achats", kind=Structure.Kind.PUBLIC)
    claire = make_user((structure, ROLE.STRUCTURE_MANAGER), username="claire", first_name="Claire")
    console_errors = []

    def console(message):
        # The portal has no favicon, which Chromium asks for anyway.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            console_errors.append(message.text)

    page.on("console", console)

    _password_step(page, live_server, "claire")
    page.wait_for_url(f"{live_server.url}/compte/double-authentification/")
    expect(page.get_by_role("heading", name="Double authentification", exact=True)).to_be_visible()
    expect(page.get_by_text("Votre rôle impose la double authentification").first).to_be_visible()
    expect(page.locator(".qr-code svg")).to_be_visible()
    # Nothing else until it is set up.
    page.goto(f"{live_server.url}/destinataire/")
    page.wait_for_url(f"{live_server.url}/compte/double-authentification/")

    # The phone: the key typed in an authenticator app, which then shows a code.
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    page.get_by_label("Code", exact=True).fill(f"{TOTP(b32decode(secret)).token():06d}")
    page.get_by_role("button", name="Activer la double authentification").click()

    page.wait_for_url(f"{live_server.url}/compte/double-authentification/codes/")
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    page.reload()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(0)
    expect(page.get_by_text("ont été affichés une fois")).to_be_visible()
    # Back to the set-up page: it now says that two-factor login is on, and offers no new key.
    page.go_back()
    expect(page.get_by_text("La double authentification est activée").first).to_be_visible()
    expect(page.locator("[data-secret]")).to_have_count(0)

    page.get_by_role("button", name="Se déconnecter").click()
    _password_step(page, live_server, "claire")
    page.wait_for_url(f"{live_server.url}/connexion/code/")
    expect(page.get_by_text("Claire, tapez le code à 6 chiffres")).to_be_visible()
    page.get_by_label("Code", exact=True).fill("123456")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce code n’est pas le bon")
    page.get_by_label("Code", exact=True).fill(user_totp_code(claire))
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/destinataire/")
    expect(page.get_by_role("heading", name="Factures reçues")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Factures reçues")).to_be_visible()
    assert console_errors == []


def test_an_invited_colleague_joins_from_the_email_in_another_browser(
    live_server, new_page, make_structure, make_user, settings, console_watch
):
    settings.PORTAL_BASE_URL = live_server.url
    structure = make_structure(name="Atelier Numérique SAS")
    camille = make_user(
        (structure, ROLE.SUPPLIER_AGENT),
        (structure, ROLE.STRUCTURE_MANAGER),
        username="camille",
        first_name="Camille",
        last_name="Martin",
    )
    TOTPDevice.objects.create(user=camille, name="phone", confirmed=True)
    manager = new_page()
    _password_step(manager, live_server, "camille")
    manager.get_by_label("Code", exact=True).fill(user_totp_code(camille))
    manager.get_by_role("button", name="Se connecter").click()
    manager.wait_for_url(f"{live_server.url}/fournisseur/")

    manager.get_by_role("link", name="Ma structure").click()
    manager.get_by_role("link", name="Gérer les personnes").click()
    invite = manager.locator("#invite")
    invite.get_by_label("Adresse électronique").fill("nadia.roux@example.test")
    invite.get_by_role("checkbox", name=re.compile("^Valideur")).check()
    invite.get_by_role("button", name="Envoyer l’invitation").click()
    expect(manager.get_by_role("status")).to_contain_text(
        "Invitation envoyée à nadia.roux@example.test"
    )
    expect(manager.locator("[data-invitation='nadia.roux@example.test']")).to_contain_text(
        "Valideur"
    )

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    assert link.startswith(f"{live_server.url}/invitation/")
    colleague = new_page()
    colleague.goto(link)
    expect(colleague.get_by_role("heading", name="Rejoindre Atelier Numérique SAS")).to_be_visible()
    colleague.get_by_label("Identifiant").fill("nadia")
    colleague.get_by_label("Prénom").fill("Nadia")
    colleague.get_by_label("Nom", exact=True).fill("Roux")
    colleague.get_by_label("Mot de passe", exact=True).fill("Un mot de passe 2026")
    colleague.get_by_label("Confirmation du mot de passe").fill("Un mot de passe 2026")
    colleague.get_by_role("button", name="Créer mon compte et rejoindre").click()
    colleague.wait_for_url(f"{live_server.url}/valideur/")
    expect(colleague.get_by_role("status")).to_contain_text("Bienvenue dans Atelier Numérique SAS")
    # The link has done its work.
    colleague.goto(link)
    expect(colleague.get_by_role("heading", name="Ce lien ne fonctionne plus")).to_be_visible()
    console_watch.expect("status of 410 (Gone)")

    manager.reload()
    expect(manager.locator("[data-member='nadia']")).to_contain_text("Nadia Roux")
    expect(manager.locator("[data-invitation]")).to_have_count(0)
    manager.get_by_role("link", name="Qui a fait quoi").first.click()
    expect(manager.locator("tr[data-kind=member_joined]")).to_contain_text("Nadia Roux")
    expect(manager.locator("tr[data-kind=invitation_sent]")).to_contain_text("Camille Martin")
    assert User.objects.get(username="nadia").memberships.get().role == ROLE.VALIDATOR

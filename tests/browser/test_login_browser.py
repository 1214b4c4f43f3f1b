import pytest

from structures.models import Membership, Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_supplier_logs_in_lands_in_their_space_and_switches_to_english(
    live_server, page, make_structure, make_user
):
    company = make_structure(name="Atelier Numérique SAS")
    make_user((company, Membership.Role.SUPPLIER_AGENT), username="camille")

    page.goto(f"{live_server.url}/")
    page.get_by_label("Identifiant").fill("camille")
    page.get_by_label("Mot de passe").fill("correct horse 42")
    page.get_by_role("button", name="Se connecter").click()

    page.wait_for_url(f"{live_server.url}/fournisseur/")
    assert page.get_by_role("heading", name="Mes factures").is_visible()
    assert page.get_by_text("Atelier Numérique SAS").first.is_visible()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="My invoices").is_visible()


def test_a_user_with_two_roles_switches_space_from_the_header(
    live_server, page, make_structure, make_user
):
    company = make_structure(name="Atelier Numérique SAS")
    entity = make_structure(name="Ministère", kind=Structure.Kind.PUBLIC)
    user = make_user(
        (company, Membership.Role.SUPPLIER_AGENT),
        (entity, Membership.Role.VALIDATOR),
        username="sophie",
    )
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill(user.username)
    page.get_by_label("Mot de passe").fill("correct horse 42")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/fournisseur/")

    # Choosing another space submits the switch at once (the button is there without JS).
    page.get_by_label("Espace actif").select_option(label="Ministère – Valideur")
    page.wait_for_url(f"{live_server.url}/valideur/")
    assert page.get_by_role("heading", name="Factures à valider").is_visible()


def test_a_wrong_password_shows_the_error_in_place_and_keeps_the_username(
    live_server, page, make_structure, make_user
):
    make_user((make_structure(), Membership.Role.SUPPLIER_AGENT), username="camille")
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill("camille")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Identifiant").input_value() == "camille"

"""Two-factor login: set up, logging in with a code or a recovery code, throttled, required for
managers and support, reset by support."""

import re
from base64 import b32decode
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, AuditKind
from structures.models import Membership, Structure
from tests.accounts.steps import code_login, password_login
from tests.second_factor import totp_code, user_totp_code

ROLE = Membership.Role


def _enrol_code(page_text: str) -> str:
    """What the phone shows once the key on the set-up page is typed in the app."""
    secret = re.search(r"data-secret>([A-Z2-7 ]+)<", page_text).group(1).replace(" ", "")
    return f"{TOTP(b32decode(secret)).token():06d}"


def _enrol(client) -> list[str]:
    page = client.get(reverse("accounts:two_factor"))
    response = client.post(reverse("accounts:two_factor"), {"code": _enrol_code(page.text)})
    assert response.status_code == 302 and response.url == reverse("accounts:recovery_codes")
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", client.get(response.url).text)
    assert len(codes) == 10
    return codes


@pytest.fixture
def agent(make_structure, make_user):
    return make_user((make_structure(name="Atelier"), ROLE.SUPPLIER_AGENT), username="julien")


@pytest.fixture
def enrolled_agent(client, agent):
    """An agent who chose two-factor login; the client is logged out again."""
    password_login(client, "julien")
    codes = _enrol(client)
    client.post(reverse("logout"))
    return agent, codes


@pytest.mark.parametrize(
    ("kind", "landing"),
    [
        (Structure.Kind.PUBLIC, "invoices:recipient_inbox"),
        (Structure.Kind.PRIVATE, "invoices:supplier_home"),
    ],
)
def test_a_manager_without_second_factor_sets_it_up_before_anything_else(
    client, make_structure, make_user, kind, landing
):
    manager = make_user((make_structure(kind=kind), ROLE.STRUCTURE_MANAGER), username="claire")
    response = password_login(client, "claire")
    assert response.status_code == 302
    for page in (reverse("home"), reverse(landing), reverse("account"), reverse("admin:index")):
        assert client.get(page).url == reverse("accounts:two_factor"), page
    setup = client.get(reverse("accounts:two_factor"))
    assert "Votre rôle impose la double authentification" in setup.text
    assert "<svg" in setup.text  # the QR code, inline: no outside service sees the secret

    wrong = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    assert wrong.status_code == 200 and "Ce code n’est pas le bon" in wrong.text
    # A reload keeps the same key: the phone may have scanned it already.
    assert _enrol_code(wrong.text) == _enrol_code(setup.text)

    codes = _enrol(client)
    assert len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=manager).confirmed
    # Shown once: a reload shows no code.
    assert "<code>" not in client.get(reverse("accounts:recovery_codes")).text
    assert client.get(reverse("home")).url == reverse(landing)
    event = AuditEvent.objects.get()
    assert (event.kind, event.actor, event.subject) == (
        AuditKind.TWO_FACTOR_ENROLLED,
        manager,
        manager,
    )


def test_support_staff_must_set_up_a_second_factor_too(client, make_user):
    make_user(username="support", is_staff=True)
    password_login(client, "support")
    assert client.get(reverse("admin:index")).url == reverse("accounts:two_factor")


def test_a_user_with_a_second_factor_is_not_logged_in_by_the_password_alone(client, enrolled_agent):
    agent, _codes = enrolled_agent
    response = password_login(client, "julien")
    assert response.url == reverse("accounts:login_code")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("invoices:supplier_home")).url.startswith(reverse("login"))
    page = client.get(reverse("accounts:login_code"))
    assert "tapez le code à 6 chiffres" in page.text

    response = code_login(client, user_totp_code(agent))
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("invoices:supplier_home")
    assert client.get(reverse("invoices:supplier_home")).status_code == 200


def test_the_login_goes_on_where_it_was_going_after_the_code(client, enrolled_agent):
    agent, _codes = enrolled_agent
    target = reverse("account")
    password_login(client, "julien", path=f"{reverse('login')}?next={target}")
    assert code_login(client, user_totp_code(agent)).url == target


def test_a_code_is_accepted_once(client, enrolled_agent):
    agent, _codes = enrolled_agent
    device = TOTPDevice.objects.get(user=agent)
    password_login(client, "julien")
    code = totp_code(device)
    assert code_login(client, code).status_code == 302
    client.post(reverse("logout"))
    password_login(client, "julien")
    response = code_login(client, code)
    assert response.status_code == 200 and "Ce code a déjà servi" in response.text
    assert "_auth_user_id" not in client.session


def test_wrong_codes_lock_the_second_step_of_this_account_only(
    client, enrolled_agent, settings, make_user
):
    settings.LOGIN_MAX_FAILURES = 3
    agent, _codes = enrolled_agent
    password_login(client, "julien")
    for _ in range(3):
        assert "Ce code n’est pas le bon" in code_login(client, "123456").text
    # Even the right code now waits, and typing the password again does not unlock it.
    response = code_login(client, user_totp_code(agent))
    assert response.status_code == 200 and "Trop de codes erronés" in response.text
    assert "_auth_user_id" not in client.session
    password_login(client, "julien")
    assert "Trop de codes erronés" in code_login(client, user_totp_code(agent)).text

    # Another person logs in meanwhile.
    make_user(username="sophie")
    other = type(client)()
    assert password_login(other, "sophie").url == reverse("home")


def test_a_recovery_code_logs_in_once_and_is_used_up(client, enrolled_agent):
    agent, codes = enrolled_agent
    password_login(client, "julien")
    response = code_login(client, codes[0].upper()[:4] + " " + codes[0].upper()[4:])
    assert response.status_code == 302
    page = client.get(response.url, follow=True).text
    assert "il en reste 9" in page
    assert StaticToken.objects.filter(device__user=agent).count() == 9
    assert AuditEvent.objects.filter(kind=AuditKind.RECOVERY_CODE_USED, subject=agent).exists()

    client.post(reverse("logout"))
    password_login(client, "julien")
    assert "Ce code n’est pas le bon" in code_login(client, codes[0]).text


def test_new_recovery_codes_replace_the_old_ones(client, enrolled_agent):
    agent, codes = enrolled_agent
    password_login(client, "julien")
    code_login(client, user_totp_code(agent))
    response = client.post(reverse("accounts:recovery_codes_new"))
    new_codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", client.get(response.url).text)
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert AuditEvent.objects.filter(kind=AuditKind.RECOVERY_CODES_REGENERATED).count() == 1
    client.post(reverse("logout"))
    password_login(client, "julien")
    assert code_login(client, codes[1]).status_code == 200
    assert code_login(client, new_codes[0]).status_code == 302


def test_the_code_step_expires_with_the_password(client, enrolled_agent, settings):
    agent, _codes = enrolled_agent
    settings.SECOND_FACTOR_PENDING_SECONDS = 0
    password_login(client, "julien")
    response = code_login(client, user_totp_code(agent))
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_a_user_who_chose_it_may_turn_it_off_with_a_code_and_a_manager_may_not(
    client, enrolled_agent, make_user, make_structure
):
    agent, _codes = enrolled_agent
    password_login(client, "julien")
    code_login(client, user_totp_code(agent))
    wrong = client.post(reverse("accounts:two_factor_off"), {"code": "000000"})
    assert wrong.status_code == 200 and TOTPDevice.objects.filter(user=agent).exists()
    client.post(reverse("accounts:two_factor_off"), {"code": user_totp_code(agent)})
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert AuditEvent.objects.filter(kind=AuditKind.TWO_FACTOR_REMOVED).exists()

    manager = make_user((make_structure(), ROLE.STRUCTURE_MANAGER), username="claire")
    other = type(client)()
    password_login(other, "claire")
    _enrol(other)
    page = other.get(reverse("accounts:two_factor")).text
    assert "ne peut pas être désactivée" in page and "two_factor_off" not in page
    other.post(reverse("accounts:two_factor_off"), {"code": user_totp_code(manager)})
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).exists()


def test_a_member_made_manager_during_their_session_sets_up_a_second_factor_at_once(client, agent):
    password_login(client, "julien")
    assert client.get(reverse("invoices:supplier_home")).status_code == 200
    structure = agent.memberships.get().structure
    Membership.objects.create(user=agent, structure=structure, role=ROLE.STRUCTURE_MANAGER)
    assert client.get(reverse("invoices:supplier_home")).url == reverse("accounts:two_factor")


def test_support_resets_a_lost_second_factor_from_the_back_office(
    client, make_user, make_structure
):
    from django.contrib.auth.models import Group, Permission

    manager = make_user((make_structure(), ROLE.STRUCTURE_MANAGER), username="claire")
    manager_client = type(client)()
    password_login(manager_client, "claire")
    _enrol(manager_client)
    assert manager_client.get(reverse("home")).status_code == 302

    support = make_user(username="support", is_staff=True)
    group = Group.objects.create(name="Support")
    group.permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    support.groups.add(group)
    client.force_login(support)
    changelist = reverse("admin:accounts_secondfactoruser_changelist")
    assert "claire" in client.get(changelist).text
    confirm = client.post(
        changelist, {"action": "reset_second_factor", "_selected_action": [manager.pk]}
    )
    assert confirm.status_code == 200 and "Réinitialiser le second facteur" in confirm.text
    assert TOTPDevice.objects.filter(user=manager).exists()
    client.post(
        changelist,
        {"action": "reset_second_factor", "_selected_action": [manager.pk], "confirmed": "1"},
    )
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticToken.objects.filter(device__user=manager).exists()
    event = AuditEvent.objects.get(kind=AuditKind.TWO_FACTOR_RESET)
    assert (event.actor, event.subject) == (support, manager)
    # The manager's session, verified by the old device, must set up a new one.
    assert manager_client.get(reverse("home")).url == reverse("accounts:two_factor")


def test_the_back_office_offers_no_way_around_the_second_factor(client, make_user):
    make_user(username="support", is_staff=True)
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    # django-otp's own device pages, which would leave no trace in the audit, are not offered.
    admin_user = make_user(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    index = client.get(reverse("admin:index")).text
    assert "otp_totp" not in index and "otp_static" not in index


def test_demo_managers_log_in_with_the_code_printed_by_demo_totp(client, db):
    from portal.demo.world import DEMO_PASSWORD, demo_load

    demo_load()
    output = StringIO()
    call_command("demo_totp", "fournisseur", stdout=output, stderr=StringIO())
    password_login(client, "fournisseur", DEMO_PASSWORD)
    assert code_login(client, output.getvalue().strip()).status_code == 302
    assert client.get(reverse("home")).url == reverse("invoices:supplier_home")
    # Loading the demo again keeps the authenticator (and its phone) working.
    demo_load()
    assert TOTPDevice.objects.filter(user=User.objects.get(username="fournisseur")).count() == 1

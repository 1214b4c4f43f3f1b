"""A manager invites a colleague by e-mail; the colleague joins from the link, once."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, AuditKind, Invitation
from portal.languages import language_for_user_set
from structures.models import Membership
from tests.accounts.steps import link_in, password_login, path_of

ROLE = Membership.Role


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.PORTAL_BASE_URL = "https://portail.example.fr"


def _invite(client, structure, email, *roles):
    return client.post(
        reverse("accounts:invitation_send", args=[structure.pk]),
        {"email": email, "roles": list(roles)},
    )


def _roles(user, structure) -> set[str]:
    return set(
        Membership.objects.filter(user=user, structure=structure).values_list("role", flat=True)
    )


def _kinds(structure) -> list[str]:
    return list(
        AuditEvent.objects.filter(structure=structure)
        .order_by("occurred_at", "pk")
        .values_list("kind", flat=True)
    )


def test_a_newcomer_joins_from_the_emailed_link_with_the_roles_chosen(client, people):
    atelier = people["atelier"]
    client.force_login(people["camille"])
    response = _invite(
        client, atelier, " Nadia.Roux@Example.test ", ROLE.SUPPLIER_AGENT, ROLE.VALIDATOR
    )
    assert response.status_code == 302
    assert "Invitation envoyée à nadia.roux@example.test" in client.get(response.url).text

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia.roux@example.test"]
    assert "Atelier Numérique SAS" in message.subject
    # In the manager's language (French), with a link a mail client can open.
    assert "Camille Martin vous invite" in message.body
    assert "Agent fournisseur, Valideur" in message.body
    link = link_in(message)
    assert link.startswith("https://portail.example.fr/invitation/")

    visitor = type(client)()
    page = visitor.get(path_of(link))
    assert page.status_code == 200
    assert "Créer mon compte et rejoindre" in page.text
    response = visitor.post(
        path_of(link),
        {
            "username": "nadia",
            "first_name": "Nadia",
            "last_name": "Roux",
            "password1": "Un mot de passe 2026",
            "password2": "Un mot de passe 2026",
        },
    )
    assert response.status_code == 302
    nadia = User.objects.get(username="nadia")
    assert nadia.email == "nadia.roux@example.test"
    assert nadia.check_password("Un mot de passe 2026")
    assert nadia.profile.language == "fr"
    assert _roles(nadia, atelier) == {ROLE.SUPPLIER_AGENT, ROLE.VALIDATOR}
    # Logged in, and landed in the space of the new role.
    assert visitor.get(reverse("home")).url == reverse("invoices:supplier_home")

    assert _kinds(atelier) == [AuditKind.INVITATION_SENT, AuditKind.MEMBER_JOINED]
    joined = AuditEvent.objects.get(kind=AuditKind.MEMBER_JOINED)
    assert (joined.actor, joined.subject, joined.details["roles"]) == (
        nadia,
        nadia,
        [ROLE.SUPPLIER_AGENT, ROLE.VALIDATOR],
    )
    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.closed_by == nadia

    # The link works once.
    again = type(client)().get(path_of(link))
    assert again.status_code == 410
    assert "déjà été acceptée" in again.text


def test_a_newcomer_password_follows_the_portal_rules_and_what_was_typed_stays(client, people):
    client.force_login(people["camille"])
    _invite(client, people["atelier"], "nadia@example.test", ROLE.SUPPLIER_AGENT)
    visitor = type(client)()
    typed = {
        "username": "nadia",
        "first_name": "Nadia",
        "last_name": "Roux",
        "password1": "nadia@example",
        "password2": "nadia@example",
    }
    response = visitor.post(path_of(link_in(mail.outbox[0])), typed)
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert 'value="nadia"' in response.text and 'value="Roux"' in response.text
    assert not User.objects.filter(username="nadia").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_a_person_with_an_account_logs_in_with_it_then_joins(client, people, make_user):
    other_company = make_user((people["other"], ROLE.SUPPLIER_AGENT), username="sam")
    client.force_login(people["camille"])
    _invite(client, people["atelier"], "SAM@example.test", ROLE.RECIPIENT_AGENT)
    path = path_of(link_in(mail.outbox[0]))

    sam = type(client)()
    page = sam.get(path)
    assert "Un compte utilise déjà cette adresse" in page.text
    response = password_login(sam, "sam", path=f"{reverse('login')}?next={path}")
    assert response.status_code == 302 and response.url == path
    assert "Rejoindre la structure" in sam.get(path).text
    response = sam.post(path)
    assert response.status_code == 302
    assert _roles(other_company, people["atelier"]) == {ROLE.RECIPIENT_AGENT}
    # They land in the space of the structure they joined.
    assert sam.get(reverse("home")).url == reverse("invoices:recipient_inbox")
    # Their other structure stays theirs: one person, several structures.
    assert _roles(other_company, people["other"]) == {ROLE.SUPPLIER_AGENT}
    assert _kinds(people["atelier"]) == [AuditKind.INVITATION_SENT, AuditKind.MEMBER_JOINED]


def test_someone_logged_in_with_another_address_cannot_use_the_link(client, people, make_user):
    client.force_login(people["camille"])
    _invite(client, people["atelier"], "nadia@example.test", ROLE.SUPPLIER_AGENT)
    path = path_of(link_in(mail.outbox[0]))
    intruder = type(client)()
    intruder.force_login(make_user(username="intrus"))
    assert "Déconnectez-vous" in intruder.get(path).text
    intruder.post(path)
    assert Invitation.objects.get().status == Invitation.Status.PENDING
    assert not Membership.objects.filter(user__username="intrus").exists()


def test_a_withdrawn_invitation_link_no_longer_works(client, people):
    client.force_login(people["camille"])
    _invite(client, people["atelier"], "nadia@example.test", ROLE.SUPPLIER_AGENT)
    invitation = Invitation.objects.get()
    response = client.post(
        reverse("accounts:invitation_revoke", args=[people["atelier"].pk, invitation.pk])
    )
    assert response.status_code == 302
    page = type(client)().get(path_of(link_in(mail.outbox[0])))
    assert page.status_code == 410 and "retirée" in page.text
    assert _kinds(people["atelier"]) == [AuditKind.INVITATION_SENT, AuditKind.INVITATION_REVOKED]


def test_an_invitation_expires_after_the_days_set(client, people, settings):
    settings.INVITATION_VALID_DAYS = 3
    client.force_login(people["camille"])
    _invite(client, people["atelier"], "nadia@example.test", ROLE.SUPPLIER_AGENT)
    invitation = Invitation.objects.get()
    assert abs(invitation.expires_at - (timezone.now() + timedelta(days=3))) < timedelta(minutes=1)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = type(client)().get(path_of(link_in(mail.outbox[0])))
    assert page.status_code == 410
    assert "expiré" in page.text and "Camille Martin" in page.text
    members = client.get(reverse("accounts:members", args=[people["atelier"].pk])).text
    assert "expirée" in members

    # Inviting the same address again replaces the expired invitation.
    assert (
        _invite(client, people["atelier"], "nadia@example.test", ROLE.VALIDATOR).status_code == 302
    )
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.EXPIRED
    assert Invitation.objects.get(status=Invitation.Status.PENDING).roles == [ROLE.VALIDATOR]


def test_sending_again_replaces_the_link_and_extends_it(client, people):
    client.force_login(people["camille"])
    _invite(client, people["atelier"], "nadia@example.test", ROLE.SUPPLIER_AGENT)
    first = path_of(link_in(mail.outbox[0]))
    invitation = Invitation.objects.get()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    client.post(reverse("accounts:invitation_resend", args=[people["atelier"].pk, invitation.pk]))
    assert len(mail.outbox) == 2
    second = path_of(link_in(mail.outbox[1]))
    assert first != second
    assert type(client)().get(first).status_code == 410
    assert type(client)().get(second).status_code == 200
    assert Invitation.objects.get().expires_at > timezone.now() + timedelta(days=6)
    assert AuditKind.INVITATION_RESENT in _kinds(people["atelier"])


def test_a_link_altered_by_hand_is_refused(client, people):
    client.force_login(people["camille"])
    _invite(client, people["atelier"], "nadia@example.test", ROLE.SUPPLIER_AGENT)
    path = path_of(link_in(mail.outbox[0]))
    tampered = path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:]
    page = type(client)().get(tampered)
    assert page.status_code == 410 and "pas valide" in page.text


def test_the_email_speaks_the_invitee_language_or_else_the_manager_one(client, people, make_user):
    english_reader = make_user(username="sam")
    language_for_user_set(user=english_reader, language="en")
    client.force_login(people["camille"])
    _invite(client, people["atelier"], "sam@example.test", ROLE.SUPPLIER_AGENT)
    assert "invites you to join" in mail.outbox[-1].body

    language_for_user_set(user=people["camille"], language="en")
    _invite(client, people["atelier"], "newcomer@example.test", ROLE.SUPPLIER_AGENT)
    assert "invites you to join" in mail.outbox[-1].body
    assert Invitation.objects.get(email="newcomer@example.test").language == "en"


def test_invitations_are_limited_per_manager_and_the_form_keeps_what_was_typed(
    client, people, settings
):
    settings.INVITATIONS_MAX_PER_HOUR = 2
    client.force_login(people["camille"])
    for number in (1, 2):
        _invite(client, people["atelier"], f"p{number}@example.test", ROLE.SUPPLIER_AGENT)
    response = _invite(client, people["atelier"], "p3@example.test", ROLE.VALIDATOR)
    assert response.status_code == 200
    assert "Trop d’invitations" in response.text
    assert 'value="p3@example.test"' in response.text
    assert len(mail.outbox) == 2


def test_resending_one_invitation_is_limited_too(client, people):
    client.force_login(people["camille"])
    _invite(client, people["atelier"], "nadia@example.test", ROLE.SUPPLIER_AGENT)
    invitation = Invitation.objects.get()
    url = reverse("accounts:invitation_resend", args=[people["atelier"].pk, invitation.pk])
    for _ in range(3):
        client.post(url)
    page = client.post(url, follow=True)
    assert "Trop d’invitations" in page.text
    assert len(mail.outbox) == 4


def test_a_member_or_someone_already_invited_is_not_invited_again(client, people):
    client.force_login(people["camille"])
    response = _invite(client, people["atelier"], "JULIEN@example.test", ROLE.VALIDATOR)
    assert response.status_code == 200 and "déjà membre" in response.text
    _invite(client, people["atelier"], "nadia@example.test", ROLE.SUPPLIER_AGENT)
    response = _invite(client, people["atelier"], "nadia@example.test", ROLE.VALIDATOR)
    assert response.status_code == 200 and "Une invitation attend déjà" in response.text
    assert len(mail.outbox) == 1


def test_an_invitation_needs_an_address_and_a_role(client, people):
    client.force_login(people["camille"])
    response = _invite(client, people["atelier"], "pas une adresse")
    assert response.status_code == 200
    assert response.text.count('role="alert"') >= 2
    assert not Invitation.objects.exists()

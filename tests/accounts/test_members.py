"""A manager gives and takes away roles; the structure always keeps a manager."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from accounts.models import AuditEvent, AuditKind, Invitation
from accounts.services.members import MemberChangeRefused, member_roles_set
from structures.models import Membership

ROLE = Membership.Role


def _roles(user, structure) -> set[str]:
    return set(
        Membership.objects.filter(user=user, structure=structure).values_list("role", flat=True)
    )


def _set_roles(client, structure, member, *roles):
    return client.post(
        reverse("accounts:member_roles", args=[structure.pk, member.pk]),
        {f"member-{member.pk}-roles": list(roles)},
    )


def test_the_manager_sees_the_people_and_their_roles(client, people):
    client.force_login(people["camille"])
    page = client.get(reverse("accounts:members", args=[people["atelier"].pk]))
    assert page.status_code == 200
    assert "Camille Martin" in page.text and "Julien Petit" in page.text
    # Olivia manages another structure: not listed here.
    assert "olivia" not in page.text
    detail = client.get(reverse("structures:detail", args=[people["atelier"].pk])).text
    assert reverse("accounts:members", args=[people["atelier"].pk]) in detail


def test_a_manager_changes_the_roles_of_a_member_and_it_is_recorded(client, people):
    atelier, julien = people["atelier"], people["julien"]
    client.force_login(people["camille"])
    response = _set_roles(client, atelier, julien, ROLE.VALIDATOR, ROLE.STRUCTURE_MANAGER)
    assert response.status_code == 302
    assert _roles(julien, atelier) == {ROLE.VALIDATOR, ROLE.STRUCTURE_MANAGER}
    event = AuditEvent.objects.get(kind=AuditKind.ROLES_CHANGED)
    assert (event.actor, event.subject, event.structure) == (people["camille"], julien, atelier)
    assert event.details == {
        "before": [ROLE.SUPPLIER_AGENT],
        "after": [ROLE.VALIDATOR, ROLE.STRUCTURE_MANAGER],
    }
    assert "Les rôles de Julien Petit sont enregistrés" in client.get(response.url).text


def test_roles_cannot_be_emptied_and_the_choice_typed_is_shown_again(client, people):
    client.force_login(people["camille"])
    response = _set_roles(client, people["atelier"], people["julien"])
    assert response.status_code == 200
    assert "Choisissez au moins un rôle, ou retirez plutôt la personne" in response.text
    assert _roles(people["julien"], people["atelier"]) == {ROLE.SUPPLIER_AGENT}


def test_the_only_manager_cannot_step_down(client, people):
    atelier, camille = people["atelier"], people["camille"]
    client.force_login(camille)
    response = _set_roles(client, atelier, camille, ROLE.SUPPLIER_AGENT)
    assert response.status_code == 200
    assert "seul gestionnaire de la structure" in response.text
    assert ROLE.STRUCTURE_MANAGER in _roles(camille, atelier)
    response = client.post(reverse("accounts:member_remove", args=[atelier.pk, camille.pk]))
    assert "seul gestionnaire" in client.get(response.url).text
    assert ROLE.STRUCTURE_MANAGER in _roles(camille, atelier)
    assert not AuditEvent.objects.exists()


def test_a_manager_cannot_take_away_their_own_management_even_with_another_manager(client, people):
    atelier, camille, julien = people["atelier"], people["camille"], people["julien"]
    Membership.objects.create(user=julien, structure=atelier, role=ROLE.STRUCTURE_MANAGER)
    client.force_login(camille)
    response = _set_roles(client, atelier, camille, ROLE.SUPPLIER_AGENT)
    assert "demandez-le à un autre gestionnaire" in response.text
    assert ROLE.STRUCTURE_MANAGER in _roles(camille, atelier)
    # The other manager may do it.
    other = type(client)()
    other.force_login(julien)
    assert _set_roles(other, atelier, camille, ROLE.SUPPLIER_AGENT).status_code == 302
    assert _roles(camille, atelier) == {ROLE.SUPPLIER_AGENT}


def test_a_manager_removes_a_member_after_confirming(client, people):
    atelier, julien = people["atelier"], people["julien"]
    client.force_login(people["camille"])
    url = reverse("accounts:member_remove", args=[atelier.pk, julien.pk])
    confirm = client.get(url)
    assert "Retirer Julien Petit de Atelier Numérique SAS" in confirm.text
    assert _roles(julien, atelier) == {ROLE.SUPPLIER_AGENT}
    response = client.post(url)
    assert response.status_code == 302
    assert _roles(julien, atelier) == set()
    event = AuditEvent.objects.get(kind=AuditKind.MEMBER_REMOVED)
    assert (event.subject, event.details) == (julien, {"roles": [ROLE.SUPPLIER_AGENT]})
    # Julien no longer reaches the structure.
    julien_client = type(client)()
    julien_client.force_login(julien)
    assert julien_client.get(reverse("structures:detail", args=[atelier.pk])).status_code == 404


@pytest.mark.parametrize(
    "page",
    [
        lambda p: ("get", reverse("accounts:members", args=[p["other"].pk])),
        lambda p: ("get", reverse("accounts:audit", args=[p["other"].pk])),
        lambda p: ("post", reverse("accounts:invitation_send", args=[p["other"].pk])),
        # Olivia belongs to the other structure only: not a member of Camille's.
        lambda p: (
            "post",
            reverse("accounts:member_roles", args=[p["atelier"].pk, p["olivia"].pk]),
        ),
        lambda p: ("post", reverse("accounts:member_remove", args=[p["other"].pk, p["olivia"].pk])),
        lambda p: (
            "get",
            reverse("accounts:member_remove", args=[p["atelier"].pk, p["olivia"].pk]),
        ),
    ],
)
def test_a_manager_of_one_structure_cannot_touch_another(client, people, page):
    client.force_login(people["camille"])
    method, url = page(people)
    response = getattr(client, method)(url, {"email": "x@example.test", "roles": ["validator"]})
    assert response.status_code == 404
    assert _roles(people["olivia"], people["other"]) == {ROLE.STRUCTURE_MANAGER}
    assert not Invitation.objects.exists()


def test_an_invitation_of_another_structure_cannot_be_resent_or_withdrawn(client, people):
    other_client = type(client)()
    other_client.force_login(people["olivia"])
    other_client.post(
        reverse("accounts:invitation_send", args=[people["other"].pk]),
        {"email": "x@example.test", "roles": ["validator"]},
    )
    invitation = Invitation.objects.get()
    client.force_login(people["camille"])
    for name in ("accounts:invitation_resend", "accounts:invitation_revoke"):
        for structure in (people["atelier"], people["other"]):
            url = reverse(name, args=[structure.pk, invitation.pk])
            assert client.post(url).status_code == 404
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_an_agent_has_no_people_pages(client, people):
    client.force_login(people["julien"])
    assert client.get(reverse("accounts:members", args=[people["atelier"].pk])).status_code == 404
    url = reverse("accounts:member_roles", args=[people["atelier"].pk, people["julien"].pk])
    client.post(url, {f"member-{people['julien'].pk}-roles": ["structure_manager"]})
    assert ROLE.STRUCTURE_MANAGER not in _roles(people["julien"], people["atelier"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database refuses a second writer at once (table locked) "
    "where the embedded file database waits for it (BEGIN IMMEDIATE): run on PostgreSQL",
)
def test_two_managers_demoting_each_other_at_once_leave_one_manager(people):
    """Each demotion runs in its own thread and connection, started together. Without the lock
    on the structure (and the check, under it, that the one acting is still a manager), both
    would succeed and the structure would be left without a manager."""
    atelier, camille, julien = people["atelier"], people["camille"], people["julien"]
    Membership.objects.create(user=julien, structure=atelier, role=ROLE.STRUCTURE_MANAGER)
    start = threading.Barrier(2)
    outcomes = {}

    def demote(actor, target):
        try:
            start.wait(timeout=10)
            member_roles_set(
                structure_id=atelier.pk,
                user_id=target.pk,
                roles=[ROLE.SUPPLIER_AGENT],
                actor=actor,
            )
            outcomes[actor.username] = "done"
        except MemberChangeRefused as refusal:
            outcomes[actor.username] = str(refusal)
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(camille, julien)),
        threading.Thread(target=demote, args=(julien, camille)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == [
        "Vous n’êtes plus gestionnaire de cette structure.",
        "done",
    ]
    managers = Membership.objects.filter(structure=atelier, role=ROLE.STRUCTURE_MANAGER)
    assert managers.count() == 1
    assert AuditEvent.objects.filter(kind=AuditKind.ROLES_CHANGED).count() == 1

"""The people pages' forms give back, unchanged, what they show (as tests/portal/
test_forms_round_trip.py does for the other forms): sent back as a browser would, the roles
form changes nothing, and the audit's filters show what was asked."""

from django.urls import reverse

from accounts.models import AuditEvent, AuditKind
from accounts.services.audit import audit_record
from structures.models import Membership
from tests.html_forms import forms_of

ROLE = Membership.Role


def test_each_member_roles_form_sent_back_as_shown_changes_nothing(client, people):
    atelier = people["atelier"]
    client.force_login(people["camille"])
    page = client.get(reverse("accounts:members", args=[atelier.pk])).text
    roles_forms = [form for form in forms_of(page) if "/roles/" in form.attrs.get("action", "")]
    assert len(roles_forms) == 2
    for form in roles_forms:
        response = client.post(form.attrs["action"], form.values())
        assert response.status_code == 302
    assert not AuditEvent.objects.filter(kind=AuditKind.ROLES_CHANGED).exists()
    assert set(
        Membership.objects.filter(structure=atelier, user=people["camille"]).values_list(
            "role", flat=True
        )
    ) == {ROLE.SUPPLIER_AGENT, ROLE.STRUCTURE_MANAGER}


def test_the_audit_filters_give_back_what_they_show(client, people):
    atelier, camille, julien = people["atelier"], people["camille"], people["julien"]
    audit_record(kind=AuditKind.MEMBER_REMOVED, actor=camille, structure=atelier, subject=julien)
    client.force_login(camille)
    url = reverse("accounts:audit", args=[atelier.pk])
    query = {"person": str(julien.pk), "kind": AuditKind.MEMBER_REMOVED}
    page = client.get(url, query).text
    (form,) = [form for form in forms_of(page) if form.attrs.get("method") == "get"]
    assert form.values() == {key: [value] for key, value in query.items()}
    assert client.get(url, form.values()).text.count("<tr data-kind=") == 1


def test_the_invitation_form_gives_back_what_was_typed_when_refused(client, people):
    client.force_login(people["camille"])
    typed = {"email": "julien@example.test", "roles": [ROLE.VALIDATOR, ROLE.RECIPIENT_AGENT]}
    page = client.post(reverse("accounts:invitation_send", args=[people["atelier"].pk]), typed)
    (form,) = [f for f in forms_of(page.text) if "inviter" in f.attrs.get("action", "")]
    values = form.values()
    assert values["email"] == ["julien@example.test"]
    assert sorted(values["roles"]) == sorted(typed["roles"])

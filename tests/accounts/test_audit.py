"""The record of who did what: the manager's page for their structure, support's back-office."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, AuditKind
from accounts.services.audit import audit_record
from structures.models import Membership

ROLE = Membership.Role


def _rows(html: str) -> int:
    return html.count("<tr data-kind=")


def test_the_manager_reads_what_happened_in_their_structure_only(client, people):
    atelier, other = people["atelier"], people["other"]
    camille, julien, olivia = people["camille"], people["julien"], people["olivia"]
    audit_record(
        kind=AuditKind.ROLES_CHANGED,
        actor=camille,
        structure=atelier,
        subject=julien,
        details={"before": ["supplier_agent"], "after": ["supplier_agent", "validator"]},
    )
    audit_record(kind=AuditKind.INVITATION_SENT, actor=olivia, structure=other, subject_name="x@y")
    # A member's second factor is theirs, not a structure's: shown to the managers of each.
    audit_record(kind=AuditKind.TWO_FACTOR_ENROLLED, actor=julien, subject=julien)
    audit_record(kind=AuditKind.TWO_FACTOR_ENROLLED, actor=olivia, subject=olivia)

    client.force_login(camille)
    page = client.get(reverse("accounts:audit", args=[atelier.pk])).text
    assert _rows(page) == 2
    assert "Rôles modifiés" in page and "Agent fournisseur → Agent fournisseur, Valideur" in page
    assert "Double authentification activée" in page
    assert "x@y" not in page and "olivia" not in page


def test_the_audit_filters_by_person_and_kind_and_pages(client, people):
    atelier, camille, julien = people["atelier"], people["camille"], people["julien"]
    for _ in range(55):
        audit_record(
            kind=AuditKind.INVITATION_SENT, actor=camille, structure=atelier, subject_name="a@b"
        )
    audit_record(kind=AuditKind.MEMBER_REMOVED, actor=camille, structure=atelier, subject=julien)
    client.force_login(camille)
    url = reverse("accounts:audit", args=[atelier.pk])

    first = client.get(url).text
    assert _rows(first) == 50 and "Page 1 sur 2" in first
    assert _rows(client.get(url, {"page": 2}).text) == 6
    by_person = client.get(url, {"person": julien.pk}).text
    assert _rows(by_person) == 1 and "Retiré de la structure" in by_person
    by_kind = client.get(url, {"kind": AuditKind.INVITATION_SENT, "page": 2}).text
    assert _rows(by_kind) == 5
    # The filters survive the page links.
    assert "kind=invitation_sent" in by_kind
    # A value that is not offered is ignored rather than failing the page.
    assert client.get(url, {"person": "abc", "kind": "nope"}).status_code == 200


def test_the_audit_is_append_only(people):
    event = audit_record(kind=AuditKind.INVITATION_SENT, actor=people["camille"], subject_name="a")
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(actor_name="someone else")
    # People leave; what they did stays readable.
    people["camille"].delete()
    event = AuditEvent.objects.get()
    assert event.actor is None and event.actor_name == "Camille Martin (camille)"


def test_support_reads_the_whole_audit_in_the_back_office_without_changing_it(
    client, people, make_user
):
    audit_record(kind=AuditKind.INVITATION_SENT, actor=people["camille"], subject_name="a@b")
    event = AuditEvent.objects.get()
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    assert "a@b" in client.get(reverse("admin:accounts_auditevent_changelist")).text
    change = reverse("admin:accounts_auditevent_change", args=[event.pk])
    assert client.get(change).status_code == 200
    client.post(change, {"actor_name": "forged"})
    assert (
        client.get(reverse("admin:accounts_auditevent_delete", args=[event.pk])).status_code == 403
    )
    assert AuditEvent.objects.get().actor_name == "Camille Martin (camille)"

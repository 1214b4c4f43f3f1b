"""The local copy of Chorus Pro's recipient directory (telecharger/annuaire/destinataire): kept
by a worker, it answers a lookup by SIRET at once, without a call; a SIRET it does not hold is
still looked up in Chorus Pro."""

import pytest

from invoices.models import WorksContract
from portal.celery import app
from structures.forms import DirectoryQuery
from structures.models import ChorusConnection, Service, Structure
from structures.services import directory_lookup
from structures.services.directory_copy import DIRECTORY_COPY_TASK, directory_copy_refresh

SUPPLIER = "12345678200010"
COMMUNE = "21750001600019"
LYCEE = "19350936100013"
UNKNOWN = "73282932000074"


@pytest.fixture
def connection(demo_world):
    return ChorusConnection.objects.select_related("structure").get(structure__siret=SUPPLIER)


def test_the_copy_holds_the_public_structures_with_their_rules_and_services(connection):
    Structure.objects.filter(siret=LYCEE).delete()
    WorksContract.objects.filter(owner__siret=COMMUNE).delete()  # it holds its service
    Service.objects.filter(structure__siret=COMMUNE).delete()
    Service.objects.create(structure=Structure.objects.get(siret=COMMUNE), code="GONE")
    assert directory_copy_refresh(connection=connection) >= 5
    lycee = Structure.objects.get(siret=LYCEE)
    assert lycee.kind == Structure.Kind.PUBLIC
    assert lycee.last_synced_at is not None
    commune = Structure.objects.get(siret=COMMUNE)
    assert commune.service_code_required
    assert commune.city == "Villeneuve"
    services = {service.code: service for service in commune.services.all()}
    assert services["SERV_TECH"].is_active
    assert not services["SERV_ANCIEN"].is_active
    assert services["SERV_CULTURE"].commitment_required
    assert not services["GONE"].is_active  # no longer in Chorus Pro's directory
    # Only public structures receive invoices: a private supplier is not in the copy.
    assert Structure.objects.get(siret=SUPPLIER).kind == Structure.Kind.PRIVATE


def test_a_lookup_answers_from_the_copy_without_a_call(
    demo_world, connection, directory_lookups, structures_api_off
):
    Structure.objects.filter(siret=LYCEE).delete()
    directory_copy_refresh(connection=connection)
    demo_world.clear_calls()
    outcome = directory_lookup(connection=connection, query=DirectoryQuery(siret=LYCEE))
    assert outcome.state == "found"
    assert [structure.siret for structure in outcome.structures] == [LYCEE]
    assert directory_lookups == []  # no worker asked
    assert demo_world.calls()["total"] == 0  # and no call to Chorus Pro


def test_a_siret_the_copy_does_not_hold_is_looked_up_in_chorus_pro(
    connection, directory_lookups, django_capture_on_commit_callbacks
):
    directory_copy_refresh(connection=connection)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = directory_lookup(connection=connection, query=DirectoryQuery(siret=UNKNOWN))
    assert outcome.state == "pending"
    assert directory_lookups == [("directory_refresh_structure_task", (connection.pk, UNKNOWN))]


def test_structures_of_portal_members_keep_their_active_flag_and_chorus_id(connection):
    Structure.objects.filter(siret=COMMUNE).update(is_active=True)
    chorus_id = Structure.objects.get(siret=COMMUNE).chorus_id
    directory_copy_refresh(connection=connection)
    commune = Structure.objects.get(siret=COMMUNE)
    assert commune.is_active
    assert commune.chorus_id == chorus_id


def test_the_worker_keeps_it_daily(connection):
    from structures.tasks import directory_copy_refresh_task

    Structure.objects.filter(siret=LYCEE).delete()
    directory_copy_refresh_task()
    assert Structure.objects.filter(siret=LYCEE, last_synced_at__isnull=False).exists()
    scheduled = [entry["task"] for entry in app.conf.beat_schedule.values()]
    assert DIRECTORY_COPY_TASK in scheduled

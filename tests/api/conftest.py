import pytest

from api.keys import api_key_create
from api.models import ApiKey
from structures.models import Membership, Structure
from tests.api.helpers import ATELIER, COMMUNE, ApiClient


@pytest.fixture(autouse=True)
def jobs(monkeypatch):
    """Every task queued during the test, as (name, args); none reaches the broker."""
    queued = []
    monkeypatch.setattr(
        "portal.jobs.send", lambda name, args, countdown=None: queued.append((name, tuple(args)))
    )
    return queued


@pytest.fixture
def atelier(demo_world):
    return Structure.objects.get(siret=ATELIER)


@pytest.fixture
def commune(demo_world):
    return Structure.objects.get(siret=COMMUNE)


@pytest.fixture
def other_supplier(make_structure, make_user):
    """A second supplier of its own, with its manager."""
    structure = make_structure(name="Menuiserie Autre SARL")
    make_user((structure, Membership.Role.STRUCTURE_MANAGER))
    return structure


@pytest.fixture
def make_key(django_user_model):
    def make(structure, *, scope="send", role=ApiKey.Role.SUPPLIER, **fields) -> str:
        manager = django_user_model.objects.filter(
            memberships__structure=structure,
            memberships__role=Membership.Role.STRUCTURE_MANAGER,
        ).first()
        issued = api_key_create(
            structure=structure, user=manager, name=f"key {scope}", scope=scope, role=role, **fields
        )
        return issued.secret

    return make


@pytest.fixture
def api(client, atelier, make_key):
    """An API client with a "send" key of Atelier Numérique (supplier)."""
    return ApiClient(client, make_key(atelier))


@pytest.fixture
def other_api(client, other_supplier, make_key):
    """An API client with a "send" key of another supplier."""
    return ApiClient(client, make_key(other_supplier))


@pytest.fixture
def api_as():
    def make(client, secret):
        return ApiClient(client, secret)

    return make


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

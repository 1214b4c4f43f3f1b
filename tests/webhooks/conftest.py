"""A real HTTP server standing for an integrator's software, and a structure with a manager."""

import pytest

from structures.models import Membership
from tests.webhooks.receiver import Receiver
from webhooks.models import EventType
from webhooks.services import endpoint_create

ROLE = Membership.Role


@pytest.fixture
def receiver():
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def world(make_structure, make_user):
    from structures.models import Structure

    supplier = make_structure(name="Atelier Numérique SAS")
    other = make_structure(name="Bureau Fournitures")
    recipient = make_structure(name="Commune de Villeneuve", kind=Structure.Kind.PUBLIC)
    return {
        "supplier": supplier,
        "other": other,
        "recipient": recipient,
        "manager": make_user((supplier, ROLE.SUPPLIER_AGENT), (supplier, ROLE.STRUCTURE_MANAGER)),
        "agent": make_user((supplier, ROLE.SUPPLIER_AGENT)),
        "other_manager": make_user((other, ROLE.STRUCTURE_MANAGER)),
        "recipient_manager": make_user(
            (recipient, ROLE.RECIPIENT_AGENT), (recipient, ROLE.STRUCTURE_MANAGER)
        ),
    }


@pytest.fixture
def endpoint_for(world):
    def make(structure, url, events=None, user=None):
        return endpoint_create(
            structure=structure,
            user=user,
            url=url,
            description="",
            events=list(events or EventType.values),
        )

    return make

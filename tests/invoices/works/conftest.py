from decimal import Decimal

import pytest

from invoices.models import Invoice, WorksContract
from invoices.works.services import works_statement_start, works_statement_update
from structures.models import ChorusConnection, Membership, Structure

CONTRACTOR, MOE, OWNER = "53217846400014", "79812345100014", "21750001600019"
ROUTING = 10  # seconds of the emulator's clock: two routing steps


def connection(siret: str) -> ChorusConnection:
    return ChorusConnection.objects.select_related("structure").get(structure__siret=siret)


def structure(siret: str) -> Structure:
    return Structure.objects.get(siret=siret)


@pytest.fixture
def contract(demo_world) -> WorksContract:
    return WorksContract.objects.get(number="MT-2026-014")


@pytest.fixture
def users(demo_world, django_user_model):
    return {
        name: django_user_model.objects.get(username=name)
        for name in ("entreprise", "moe", "commune")
    }


@pytest.fixture
def draft_statement(contract, users) -> Invoice:
    """The contractor's first monthly statement: 200,000.00 € of works done to date."""
    invoice = works_statement_start(contract=contract, user=users["entreprise"])
    works_statement_update(
        invoice=invoice,
        cumulative=Decimal("200000.00"),
        period_end=None,
        number=invoice.number,
        issue_date=invoice.issue_date,
    )
    invoice.refresh_from_db()
    return invoice


def membership(username: str) -> Membership:
    return Membership.objects.select_related("structure").get(user__username=username)

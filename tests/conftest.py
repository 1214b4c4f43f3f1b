import itertools
from decimal import Decimal

import pytest
from django.core.cache import cache
from stdnum import luhn

from invoices.models import Invoice
from structures.models import Membership, Structure

_sequence = itertools.count(1)


def valid_siret() -> str:
    siren_body = f"{next(_sequence) + 30000000:08d}"
    siren = siren_body + luhn.calc_check_digit(siren_body)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Login throttling counts live in the cache; each test starts with none.
    cache.clear()
    yield


@pytest.fixture
def make_structure(db):
    def make(**fields) -> Structure:
        fields.setdefault("siret", valid_siret())
        fields.setdefault("name", f"Structure {fields['siret']}")
        fields.setdefault("kind", Structure.Kind.PRIVATE)
        return Structure.objects.create(**fields)

    return make


@pytest.fixture
def make_user(db, django_user_model):
    def make(*memberships: tuple[Structure, str], username: str | None = None, **fields):
        username = username or f"user{next(_sequence)}"
        user = django_user_model.objects.create_user(
            username=username,
            password="correct horse 42",
            email=f"{username}@example.test",
            **fields,
        )
        for structure, role in memberships:
            Membership.objects.create(user=user, structure=structure, role=role)
        return user

    return make


@pytest.fixture
def make_invoice(db):
    def make(supplier: Structure, recipient: Structure | None = None, **fields) -> Invoice:
        fields.setdefault("number", f"F-{next(_sequence):05d}")
        fields.setdefault("total_excl_tax", Decimal("100.00"))
        fields.setdefault("total_vat", Decimal("20.00"))
        fields.setdefault("total_incl_tax", Decimal("120.00"))
        fields.setdefault("amount_due", Decimal("120.00"))
        return Invoice.objects.create(supplier=supplier, recipient=recipient, **fields)

    return make

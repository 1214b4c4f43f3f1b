import itertools
from decimal import Decimal

import django_otp
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation
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


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``force_login`` stands for a completed login: for a user who must have a second factor
    (support, managers), that includes the code, from an authenticator set up for the test.
    Tests of the second factor itself log in through the login pages."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services.two_factor import totp_device_for_user, two_factor_required

    force_login = Client.force_login

    def force_login_with_second_factor(self, user, backend=None):
        force_login(self, user, backend)
        device = totp_device_for_user(user=user)
        if device is None and two_factor_required(user=user):
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        if device is not None:
            session = self.session
            session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)


@pytest.fixture(autouse=True)
def _portal_language():
    # A request by a user who chose English leaves English active in the test's thread, as it
    # would in a server thread until its next request: each test starts in the portal's language.
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


@pytest.fixture
def chorus_endpoints(emulator, settings):
    """Points the portal's 'emulator' environment at the emulator this test session started."""
    settings.CHORUS_ENDPOINTS = {
        **settings.CHORUS_ENDPOINTS,
        "emulator": {
            "token_url": emulator.token_url,
            "api_base_url": emulator.api_base_url,
            "client_id": emulator.client_id,
            "client_secret": emulator.client_secret,
        },
    }
    return emulator


@pytest.fixture
def demo_world(db, chorus_endpoints):
    """The demo structures, users and connections, matching the emulator's world; returns the
    emulator handle (admin helpers: add_fault, advance, set_status, calls...)."""
    from portal.demo.world import demo_load

    demo_load()
    return chorus_endpoints


@pytest.fixture
def supplier_client(client, demo_world, django_user_model):
    """The test client, logged in as the demo supplier's user (Atelier Numérique)."""
    client.force_login(django_user_model.objects.get(username="fournisseur"))
    return client


@pytest.fixture
def directory_lookups(monkeypatch):
    """The directory lookups the views enqueue, as (task name, args); nothing runs."""
    from structures import tasks

    names = {
        tasks.DIRECTORY_BY_SIRET_TASK: "directory_refresh_structure_task",
        tasks.DIRECTORY_BY_NAME_TASK: "directory_search_task",
    }
    calls = []

    def send(name: str, args: tuple, countdown: float | None = None) -> None:
        if name in names:
            calls.append((names[name], tuple(args)))

    monkeypatch.setattr("portal.jobs.send", send)
    return calls

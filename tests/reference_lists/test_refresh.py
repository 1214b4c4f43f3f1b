"""Chorus Pro's reference lists: read from Chorus Pro by a worker (daily and at first need),
stored whole per list, never typed in the portal."""

import pytest

from portal.celery import app
from reference_lists.models import ReferenceEntry
from reference_lists.selectors import reference_choices, reference_label
from reference_lists.services import (
    REFERENCE_LISTS_REFRESH_TASK,
    reference_choices_needed,
    reference_lists_refresh,
)
from structures.models import ChorusConnection
from tests.jobs import queued_args

Kind = ReferenceEntry.Kind
SUPPLIER = "12345678200010"


@pytest.fixture
def connection(demo_world):
    return ChorusConnection.objects.select_related("structure").get(structure__siret=SUPPLIER)


def test_every_list_is_read_from_chorus_pro(connection):
    outcome = reference_lists_refresh(connection=connection)
    assert set(outcome) == set(Kind.values)
    assert all(isinstance(count, int) and count > 0 for count in outcome.values()), outcome
    reasons = {choice.code: choice.label for choice in reference_choices(Kind.VAT_EXEMPTION_REASON)}
    assert reasons["TVA_EXO_261"] == "Exonération article 261 du CGI"
    assert "EUR" in {choice.code for choice in reference_choices(Kind.CURRENCY)}
    assert "FR" in {choice.code for choice in reference_choices(Kind.COUNTRY)}
    assert "VIREMENT" in {choice.code for choice in reference_choices(Kind.PAYMENT_MODE)}
    assert "SIRET" in {choice.code for choice in reference_choices(Kind.IDENTIFIER_TYPE)}
    assert {"PRIVEE", "PUBLIQUE"} <= {c.code for c in reference_choices(Kind.STRUCTURE_TYPE)}
    assert "SAISIE_API" in {choice.code for choice in reference_choices(Kind.DEPOSIT_MODE)}
    assert "IN_DP_E1_CII" in {choice.code for choice in reference_choices(Kind.FLOW_SYNTAX)}
    # Lists given per kind of payment request keep it as their scope.
    frameworks = {c.code for c in reference_choices(Kind.BILLING_FRAMEWORK, scope="FACTURE")}
    assert "A1_FACTURE_FOURNISSEUR" in frameworks
    states = {c.code for c in reference_choices(Kind.INVOICE_STATE, scope="FACTURE")}
    assert {"DEPOSEE", "MISE_A_DISPOSITION", "MANDATEE"} <= states
    assert reference_choices(Kind.SOLICITATION_CATEGORY)
    assert ReferenceEntry.objects.filter(kind=Kind.ATTACHMENT_TYPE).exclude(label="").exists()


def test_a_code_chorus_pro_no_longer_lists_disappears(connection):
    reference_lists_refresh(connection=connection, kinds=[Kind.CURRENCY])
    fetched = ReferenceEntry.objects.filter(kind=Kind.CURRENCY).first().fetched_at
    ReferenceEntry.objects.create(
        kind=Kind.CURRENCY, code="FRF", label="Franc français", fetched_at=fetched
    )
    reference_lists_refresh(connection=connection, kinds=[Kind.CURRENCY])
    assert reference_label(Kind.CURRENCY, "FRF") is None
    assert reference_label(Kind.CURRENCY, "EUR") is not None


def test_a_list_chorus_pro_does_not_give_keeps_its_copy(demo_world, connection):
    reference_lists_refresh(connection=connection, kinds=[Kind.VAT_EXEMPTION_REASON])
    before = reference_choices(Kind.VAT_EXEMPTION_REASON)
    demo_world.add_fault("http_error", "transverses/v1/recuperer/motifs/exonerationtva", count=3)
    outcome = reference_lists_refresh(connection=connection)
    assert outcome[Kind.VAT_EXEMPTION_REASON] == "ChorusTransientError"
    assert isinstance(outcome[Kind.CURRENCY], int)  # the others were read
    assert reference_choices(Kind.VAT_EXEMPTION_REASON) == before


def test_a_list_never_read_is_asked_of_a_worker_once(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    queued = queued_args(monkeypatch, REFERENCE_LISTS_REFRESH_TASK)
    with django_capture_on_commit_callbacks(execute=True):
        assert reference_choices_needed(Kind.COUNTRY) == []
        assert reference_choices_needed(Kind.CURRENCY) == []
    assert queued == [()]


def test_the_worker_task_reads_them_and_the_beat_runs_it_daily(connection):
    from reference_lists.tasks import reference_lists_refresh as task

    task()
    assert reference_choices(Kind.COUNTRY)
    scheduled = [entry["task"] for entry in app.conf.beat_schedule.values()]
    assert REFERENCE_LISTS_REFRESH_TASK in scheduled


def test_support_sees_the_lists_and_asks_for_a_new_reading(
    client, connection, monkeypatch, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    reference_lists_refresh(connection=connection, kinds=[Kind.VAT_EXEMPTION_REASON])
    client.force_login(get_user_model().objects.get(username="support"))
    listing = reverse("admin:reference_lists_referenceentry_changelist")
    page = client.get(listing, {"kind": Kind.VAT_EXEMPTION_REASON}).text
    assert "TVA_EXO_261" in page and "Exonération article 261 du CGI" in page
    queued = queued_args(monkeypatch, REFERENCE_LISTS_REFRESH_TASK)
    entry = ReferenceEntry.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            listing,
            {"action": "refresh_from_chorus", "_selected_action": [entry.pk]},
        )
    assert queued == [()]

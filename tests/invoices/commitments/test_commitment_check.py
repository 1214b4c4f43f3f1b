"""The commitment check asks the Engagements API (existence, status, amount), and the legacy
search where the portal's PISTE application is not subscribed to it; over HTTP, against the
emulator."""

from decimal import Decimal

import pytest
from django.utils import translation

from chorus_client import CommitmentOperation
from invoices.drafting.commitments import commitment_check_run
from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine
from invoices.sending.preflight import invoice_preflight
from structures.chorus import chorus_client_for
from structures.models import Structure
from structures.selectors import connection_for_structure

DRFIP = "13000261100015"
EJ_0001 = 41000001  # EJ-2026-0001: 12 000 from the Direction régionale, 4 500 consumed before
SEARCH = "engagements/v1/engagement/recherche"
LEGACY = "engagementsJuridiques/v1/rechercher"


@pytest.fixture
def draft(ready_invoice):
    """A complete invoice to the Direction régionale (commitment required), 1 646,38 incl. VAT."""
    drfip = Structure.objects.get(siret=DRFIP)
    Invoice.objects.filter(pk=ready_invoice.pk).update(recipient=drfip, service=None)
    ready_invoice.refresh_from_db()
    return ready_invoice


def _checked(invoice, number):
    Invoice.objects.filter(pk=invoice.pk).update(commitment_number=number)
    outcome = commitment_check_run(invoice_id=invoice.pk, number=number)
    invoice.refresh_from_db()
    return outcome


def _preflight(invoice):
    with translation.override("en"):
        return next(
            c
            for c in invoice_preflight(invoice=invoice, with_documents=False)
            if c.code == "commitment"
        )


def _drfip_changes_status(operation, commitment_id=EJ_0001):
    drfip = Structure.objects.get(siret=DRFIP)
    with chorus_client_for(connection_for_structure(structure=drfip)) as client:
        client.engagements.change_commitment_status(commitment_id, operation)


def test_the_check_reads_existence_status_and_what_remains_from_the_engagements_api(
    draft, demo_world
):
    outcome = _checked(draft, "EJ-2026-0001")

    assert (outcome["found"], outcome["source"], outcome["status"]) == (
        True,
        "engagements",
        "COMMANDE",
    )
    assert Decimal(outcome["remaining"]) == Decimal(7500)  # 12 000 less the 4 500 paid before
    calls = demo_world.calls()["operations"]
    assert calls.get(SEARCH) == 1 and LEGACY not in calls
    check = _preflight(draft)
    assert check.ok and not check.warning


def test_an_unknown_number_fails_the_preflight_check(draft, demo_world):
    assert _checked(draft, "EJ-INCONNU")["found"] is False
    assert not _preflight(draft).ok


def test_a_closed_commitment_is_refused_with_the_reason(draft, demo_world):
    _drfip_changes_status(CommitmentOperation.CLOTURER)

    outcome = _checked(draft, "EJ-2026-0001")

    assert (outcome["found"], outcome["status"]) == (True, "CLOTURE")
    check = _preflight(draft)
    assert not check.ok
    assert "EJ-2026-0001 is closed" in check.fix and check.fix_url


def test_a_cancelled_commitment_and_one_not_validated_yet_are_refused(draft, demo_world):
    _drfip_changes_status(CommitmentOperation.ANNULER, commitment_id=41000002)  # EJ-2026-0002

    _checked(draft, "EJ-2026-0002")
    cancelled = _preflight(draft)
    _checked(draft, "EJ-2026-0003")  # still A_TRAITER in the fixture
    waiting = _preflight(draft)

    assert not cancelled.ok and "was cancelled" in cancelled.fix
    assert not waiting.ok and "not validated by the recipient yet" in waiting.fix


def test_an_invoice_above_what_remains_passes_with_a_warning(draft, demo_world):
    # 10 days at 450 + 20 % VAT and the parts: 5 426,38, more than the whole 4 800 of
    # EJ-2026-0002 (nothing consumed on it yet). Chorus Pro would take it: a warning only.
    InvoiceLine.objects.filter(invoice=draft, position=1).update(quantity=Decimal(10))
    invoice_totals_refresh(invoice=draft)
    draft.refresh_from_db()
    assert draft.total_incl_tax > Decimal(4800)

    _checked(draft, "EJ-2026-0002")
    check = _preflight(draft)

    assert check.ok
    assert "more than what remains on the commitment EJ-2026-0002" in check.warning
    assert "4,800.00" in check.warning


def test_without_the_engagements_api_the_legacy_search_answers(draft, demo_world):
    demo_world.configure(unsubscribedApis=["engagements"])

    outcome = _checked(draft, "EJ-2026-0001")

    assert (outcome["found"], outcome["source"], outcome["status"]) == (True, "legacy", "COMMANDE")
    assert outcome["remaining"] is None  # the legacy search does not tell the consumption
    calls = demo_world.calls()["operations"]
    assert calls.get(LEGACY) == 1
    assert _preflight(draft).ok


def test_the_legacy_search_tells_a_closed_commitment_too(draft, demo_world):
    _drfip_changes_status(CommitmentOperation.CLOTURER)
    demo_world.configure(unsubscribedApis=["engagements"])

    outcome = _checked(draft, "EJ-2026-0001")

    assert (outcome["source"], outcome["status"]) == ("legacy", "CLOTURE")
    assert not _preflight(draft).ok


def test_with_neither_api_subscribed_chorus_pro_cannot_tell_and_sending_stays_possible(
    draft, demo_world
):
    demo_world.configure(unsubscribedApis=["engagements", "engagementsJuridiques"])

    outcome = _checked(draft, "EJ-2026-0001")

    assert (outcome["found"], outcome["error"]) == (None, "unavailable")
    check = _preflight(draft)
    assert check.ok and check.warning

"""The pre-flight screen: every check with its fix; the commitment check's three outcomes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.models import Invoice
from structures.models import Structure

DRFIP = "13000261100015"


@pytest.fixture
def to_drfip(ready_invoice):
    Invoice.objects.filter(pk=ready_invoice.pk).update(
        recipient=Structure.objects.get(siret=DRFIP), service=None, commitment_number="EJ-X"
    )
    ready_invoice.refresh_from_db()
    return ready_invoice


def _check(invoice, found, error=""):
    Invoice.objects.filter(pk=invoice.pk).update(
        commitment_check={
            "number": invoice.commitment_number,
            "recipient_siret": DRFIP,
            "found": found,
            "checked_at": timezone.now().isoformat(),
            "error": error,
        }
    )


def _page(client, invoice):
    return client.get(reverse("invoices:preflight", args=[invoice.pk])).text


def test_a_commitment_unknown_to_chorus_pro_blocks_sending_with_a_fix(supplier_client, to_drfip):
    _check(to_drfip, False)
    page = _page(supplier_client, to_drfip)
    assert "EJ-X" in page and 'class="check check-ko"' in page
    assert reverse("invoices:edit", args=[to_drfip.pk]) in page
    assert 'disabled aria-disabled="true"' in page


def test_when_chorus_pro_could_not_tell_the_screen_warns_without_blocking(
    supplier_client, to_drfip
):
    _check(to_drfip, None, "unavailable")
    page = _page(supplier_client, to_drfip)
    assert 'data-warning="commitment"' in page
    before = page.split('data-warning="commitment"')[0]
    assert before[before.rfind('<li class="check') :].startswith('<li class="check check-ok"')


def test_a_check_made_for_another_recipient_does_not_count(supplier_client, to_drfip):
    _check(to_drfip, False)
    Invoice.objects.filter(pk=to_drfip.pk).update(
        commitment_check={
            **Invoice.objects.get(pk=to_drfip.pk).commitment_check,
            "recipient_siret": "21750001600019",
        }
    )
    page = _page(supplier_client, to_drfip)
    # Not checked for this recipient yet: a warning, not a failure.
    assert 'data-warning="commitment"' in page


def _line_rate(invoice, rate):
    from invoices.drafting.services import invoice_totals_refresh

    invoice.lines.filter(position=1).update(vat_rate=rate)
    invoice_totals_refresh(invoice=invoice)


def test_a_rule_of_the_french_schematron_is_shown_in_plain_words_with_its_id(
    supplier_client, ready_invoice
):
    from decimal import Decimal

    from django.utils import translation

    from invoices.documents.facturx import _RULE_MESSAGES

    _line_rate(ready_invoice, Decimal("12"))  # within 0-100 %, yet no French VAT rate

    page = _page(supplier_client, ready_invoice)

    facturx = page[page.index('<li class="check check-ko">') :]
    with translation.override("fr"):
        message = str(_RULE_MESSAGES["BR-FR-16"])
    assert f"{message} (BR-FR-16)" in facturx
    assert facturx.count("(BR-FR-16)") == 1  # once, though it fires for the line and the total
    assert reverse("invoices:edit", args=[ready_invoice.pk]) in facturx
    assert 'disabled aria-disabled="true"' in page


def test_an_invoice_number_chorus_pro_refuses_links_to_the_field(supplier_client, ready_invoice):
    Invoice.objects.filter(pk=ready_invoice.pk).update(number="F 2026.42")

    page = _page(supplier_client, ready_invoice)

    assert "F 2026.42" in page and "BR-FR-02" in page
    assert reverse("invoices:edit", args=[ready_invoice.pk]) + "#id_number" in page
    assert 'disabled aria-disabled="true"' in page


def test_a_ready_invoice_passes_every_check_the_french_rules_included(
    supplier_client, ready_invoice
):
    page = _page(supplier_client, ready_invoice)

    assert 'class="check check-ko"' not in page
    assert "BR-FR" in page  # the Factur-X check names the French rules it ran

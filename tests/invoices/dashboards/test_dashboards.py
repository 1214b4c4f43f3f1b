"""Each space's list page opens on a dashboard: the supplier's amounts sent and paid per month,
days to payment per buyer and what needs its action; the recipient's amount to pay, deadlines,
suspensions and new invoices; the validator's queue by time waited. Figures are scoped to the
space and cost a fixed number of queries, whatever the number of invoices."""

import itertools
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from invoices.dashboards.selectors import dashboard_for_space
from invoices.models import Invoice
from portal.spaces import Space, SpaceKind
from structures.models import Membership, Structure

_chorus_ids = itertools.count(5000)


@pytest.fixture
def parties(make_structure):
    return {
        "supplier": make_structure(name="Atelier"),
        "commune": make_structure(name="Commune de Valfleuri", kind=Structure.Kind.PUBLIC),
        "lycee": make_structure(name="Lycée Jean Moulin", kind=Structure.Kind.PUBLIC),
        "validator": make_structure(name="Rectorat", kind=Structure.Kind.PUBLIC),
        "other": make_structure(name="Autre fournisseur"),
    }


@pytest.fixture
def sent(make_invoice):
    def make(supplier, recipient, *, chorus_status="MISE_A_DISPOSITION", **fields):
        return make_invoice(
            supplier,
            recipient,
            status=Invoice.Status.SUBMITTED,
            chorus_invoice_id=next(_chorus_ids),
            chorus_status=chorus_status,
            deposited_on=fields.pop("deposited_on", timezone.localdate()),
            **fields,
        )

    return make


def _space(kind, structure) -> Space:
    role = {
        SpaceKind.SUPPLIER: Membership.Role.SUPPLIER_AGENT,
        SpaceKind.RECIPIENT: Membership.Role.RECIPIENT_AGENT,
        SpaceKind.VALIDATOR: Membership.Role.VALIDATOR,
    }[kind]
    membership = Membership(structure=structure, role=role)
    return Space(membership=membership)


def test_the_supplier_sees_its_months_its_buyers_delays_and_what_needs_its_action(
    client, make_user, parties, sent, django_assert_max_num_queries
):
    now = timezone.now()
    supplier, commune, lycee = parties["supplier"], parties["commune"], parties["lycee"]
    sent(
        supplier,
        commune,
        total_incl_tax=Decimal("1200.00"),
        total_excl_tax=Decimal("1000.00"),
        total_vat=Decimal("200.00"),
    )
    sent(
        supplier,
        commune,
        chorus_status="MISE_EN_PAIEMENT",
        made_available_at=now - timedelta(days=30),
        chorus_status_changed_at=now,
    )
    sent(
        supplier,
        lycee,
        chorus_status="MISE_EN_PAIEMENT",
        made_available_at=now - timedelta(days=10),
        chorus_status_changed_at=now,
    )
    suspended = sent(
        supplier, commune, chorus_status="SUSPENDUE", number="F-SUSP", chorus_status_changed_at=now
    )
    sent(
        supplier,
        commune,
        chorus_status="REFUSEE_1",
        number="F-REF",
        chorus_status_changed_at=now - timedelta(days=1),
    )
    sent(supplier, commune, chorus_status="REJETEE", rejection_acknowledged_at=now)
    sent(parties["other"], commune, chorus_status="SUSPENDUE")  # another supplier's

    client.force_login(make_user((supplier, Membership.Role.SUPPLIER_AGENT)))
    with django_assert_max_num_queries(30):
        page = client.get(reverse("invoices:supplier_home")).text
    dashboard = page[page.index('data-dashboard="supplier"') :]
    assert 'data-needs-action="2"' in dashboard
    assert "F-SUSP" in dashboard and "F-REF" in dashboard
    assert dashboard.index("F-SUSP") < dashboard.index("F-REF")  # latest first
    assert reverse("invoices:detail", args=[suspended.pk]) in dashboard
    months = json.loads(_json_block(page, "chart-months"))
    assert len(months["labels"]) == 12 and len(months["datasets"]) == 2
    assert months["datasets"][0]["data"][-1] == "1800.00"  # sent this month, incl. VAT
    assert months["datasets"][1]["data"][-1] == "240.00"  # paid this month
    delays = json.loads(_json_block(page, "chart-delays"))
    assert delays["labels"] == ["Commune de Valfleuri", "Lycée Jean Moulin"]  # slowest first
    assert delays["datasets"][0]["data"] == ["30", "10"]
    # The same figures as a table, for whoever does not read the chart.
    assert '<th scope="row">Commune de Valfleuri</th><td class="num">30</td>' in dashboard
    assert "vendor/chartjs/chart.umd.min.js" in page and 'nonce="' in page


def _json_block(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}" type="application/json">') + len(
        f'id="{element_id}" type="application/json">'
    )
    return page[start : page.index("</script>", start)]


def test_the_recipient_sees_what_to_pay_what_is_due_soon_late_suspended_and_new(
    client, make_user, parties, sent
):
    today = timezone.localdate()
    supplier, commune = parties["supplier"], parties["commune"]
    soon = sent(
        supplier,
        commune,
        number="F-SOON",
        amount_due=Decimal("500.00"),
        payment_due_by=today + timedelta(days=3),
        recipient_opened_at=timezone.now(),
    )
    sent(supplier, commune, amount_due=Decimal("300.00"), payment_due_by=today - timedelta(days=2))
    sent(supplier, commune, amount_due=Decimal("100.00"), payment_due_by=today + timedelta(days=40))
    sent(supplier, commune, chorus_status="SUSPENDUE", amount_due=Decimal("50.00"))
    sent(supplier, commune, chorus_status="MISE_EN_PAIEMENT", amount_due=Decimal("999.00"))
    sent(supplier, parties["lycee"], amount_due=Decimal("7777.00"))  # another buyer's

    client.force_login(make_user((commune, Membership.Role.RECIPIENT_AGENT)))
    page = client.get(reverse("invoices:recipient_inbox")).text
    dashboard = page[page.index('data-dashboard="recipient"') :]
    figures = dashboard_for_space(space=_space(SpaceKind.RECIPIENT, commune))
    assert figures.to_pay_amount == Decimal("950.00") and figures.to_pay_count == 4
    assert (figures.due_soon_count, figures.due_soon_amount) == (1, Decimal("500.00"))
    assert (figures.overdue_count, figures.overdue_amount) == (1, Decimal("300.00"))
    assert figures.suspended_count == 1
    assert figures.new_count == 4  # opened: only F-SOON
    assert "950,00\u00a0EUR" in dashboard
    assert reverse("invoices:detail", args=[soon.pk]) in dashboard
    to_pay = json.loads(_json_block(page, "chart-to-pay"))
    assert to_pay["datasets"][0]["data"] == ["300.00", "500.00", "150.00"]
    assert "7777" not in dashboard


def test_the_validator_sees_what_waits_and_for_how_long(client, make_user, parties, sent):
    now = timezone.now()
    supplier, commune, rectorat = parties["supplier"], parties["commune"], parties["validator"]
    for days in (1, 2, 10, 45):
        sent(
            supplier,
            commune,
            chorus_status="A_VALIDER_1",
            billing_framework="A9",
            validator=rectorat,
            chorus_status_changed_at=now - timedelta(days=days),
        )
    sent(supplier, commune, chorus_status="VALIDEE_1", billing_framework="A9", validator=rectorat)
    client.force_login(make_user((rectorat, Membership.Role.VALIDATOR)))
    page = client.get(reverse("invoices:validator_queue")).text
    figures = dashboard_for_space(space=_space(SpaceKind.VALIDATOR, rectorat))
    assert figures.waiting_count == 4
    assert figures.buckets == [("under_7", 2), ("7_to_14", 1), ("15_to_30", 0), ("over_30", 1)]
    waiting = json.loads(_json_block(page, "chart-waiting"))
    assert waiting["labels"][0] == "Moins de 7 jours"
    assert waiting["datasets"][0]["data"] == ["2", "1", "0", "1"]
    assert 'data-dashboard="validator"' in page


def test_the_figures_cost_the_same_queries_for_many_invoices(
    parties, sent, django_assert_num_queries
):
    supplier, commune = parties["supplier"], parties["commune"]
    space = _space(SpaceKind.SUPPLIER, supplier)
    sent(supplier, commune, chorus_status="SUSPENDUE")
    with django_assert_num_queries(5) as few:
        dashboard_for_space(space=space)
    for _ in range(20):
        sent(supplier, commune, chorus_status="SUSPENDUE")
        sent(
            supplier,
            parties["lycee"],
            chorus_status="MISE_EN_PAIEMENT",
            made_available_at=timezone.now(),
            chorus_status_changed_at=timezone.now(),
        )
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        dashboard_for_space(space=space)
    # Kept a minute: the next page costs nothing.
    with django_assert_num_queries(0):
        dashboard_for_space(space=space)

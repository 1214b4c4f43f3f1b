"""Money is exact on every database: amounts typed in the editor come back to the cent, the
totals are net + VAT, and sums, filters and orderings over them are exact.

SQLite used to keep amounts as binary floats, so its CHECK "total = net + VAT" refused ordinary
invoices (0.10 + 0.02 is not 0.12 in binary). These tests run on SQLite by default and on
PostgreSQL in CI (.ci/run runs them on both).
"""

import csv
import io
from collections import defaultdict
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Max, Min, Q, Sum
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoices.drafting.services import invoice_draft_create, invoice_line_add, invoice_line_update
from invoices.lists.exports import invoice_csv_lines
from invoices.lists.selectors import InvoiceListFilters, invoice_summary_for_space
from invoices.models import ChorusStatus, Invoice, InvoiceLine
from portal.spaces import Space
from structures.models import Membership, Structure

pytestmark = pytest.mark.money

HTMX = {"HTTP_HX_REQUEST": "true"}
CENT = Decimal("0.01")
FRENCH_VAT_RATES = [Decimal(rate) for rate in ("0", "2.1", "5.5", "10", "20")]

# Bounded so the property tests belong to the fast suite; no deadline, as the time of one
# example depends on the database and the machine's load, not on the code under test.
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _line_data(line: InvoiceLine, quantity, unit_price, discount, rate) -> dict:
    """What the editor posts for a line."""
    prefix = f"line-{line.pk}"
    return {
        f"{prefix}-description": f"Ligne {line.position}",
        f"{prefix}-quantity": format(quantity, "f"),
        f"{prefix}-unit": "C62",
        f"{prefix}-unit_price": format(unit_price, "f"),
        f"{prefix}-discount": format(discount, "f"),
        f"{prefix}-vat_rate": format(rate, "f"),
    }


def _expected_totals(lines) -> dict:
    """EN 16931's arithmetic, written out here independently of invoices/totals.py."""
    line_totals = [(q * p - d).quantize(CENT, rounding=ROUND_HALF_UP) for q, p, d, _ in lines]
    taxable = defaultdict(Decimal)
    for (_, _, _, rate), amount in zip(lines, line_totals, strict=True):
        taxable[rate] += amount
    vat = {
        rate: (base * rate / 100).quantize(CENT, ROUND_HALF_UP) for rate, base in taxable.items()
    }
    net = sum(line_totals, Decimal(0))
    total_vat = sum(vat.values(), Decimal(0))
    return {
        "lines": line_totals,
        "breakdown": sorted((rate, taxable[rate], vat[rate]) for rate in taxable),
        "net": net,
        "vat": total_vat,
        "gross": net + total_vat,
    }


def _is_cents(value: Decimal) -> bool:
    return value.as_tuple().exponent == -2


# --- the defect, as the user met it in the editor ---------------------------------------------


def test_a_line_of_ten_cents_at_20_percent_is_saved_with_its_totals(agent_client, draft):
    agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
    line = draft.lines.get()
    response = agent_client.post(
        reverse("invoices:line_save", args=[draft.pk, line.pk]),
        _line_data(line, Decimal(1), Decimal("0.10"), Decimal(0), Decimal(20)),
        **HTMX,
    )
    # SQLite answered 500 here (CHECK total_is_net_plus_vat) and the line was lost.
    assert response.status_code == 200
    assert 'id="totals"' in response.text and "0,12" in response.text
    line.refresh_from_db()
    draft.refresh_from_db()
    assert (line.unit_price, line.total_excl_tax) == (Decimal("0.10"), Decimal("0.10"))
    assert (draft.total_excl_tax, draft.total_vat, draft.total_incl_tax) == (
        Decimal("0.10"),
        Decimal("0.02"),
        Decimal("0.12"),
    )


def test_a_mixed_rate_invoice_is_saved_whatever_the_order_of_its_lines(agent_client, draft):
    lines = [
        (Decimal(3), Decimal("0.10"), Decimal(0), Decimal("5.5")),
        (Decimal(1), Decimal("0.70"), Decimal(0), Decimal(20)),
        (Decimal(2), Decimal("1.15"), Decimal("0.10"), Decimal("2.1")),
        (Decimal(1), Decimal("19.99"), Decimal(0), Decimal(10)),
    ]
    for values in [*lines, *reversed(lines)]:
        agent_client.post(reverse("invoices:line_add", args=[draft.pk]), **HTMX)
        line = draft.lines.order_by("-position").first()
        response = agent_client.post(
            reverse("invoices:line_save", args=[draft.pk, line.pk]),
            _line_data(line, *values),
            **HTMX,
        )
        assert response.status_code == 200
    draft.refresh_from_db()
    expected = _expected_totals([*lines, *lines])
    assert (draft.total_excl_tax, draft.total_vat, draft.total_incl_tax) == (
        expected["net"],
        expected["vat"],
        expected["gross"],
    )


# --- any invoice the editor can make ----------------------------------------------------------

quantities = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10_000), places=4)
unit_prices = st.one_of(
    st.decimals(min_value=0, max_value=Decimal(100), places=2),
    st.decimals(min_value=0, max_value=Decimal(1_000_000), places=6),
)


@st.composite
def invoice_lines(draw):
    quantity, unit_price = draw(quantities), draw(unit_prices)
    most = (quantity * unit_price).quantize(CENT, rounding=ROUND_DOWN)
    discount = draw(st.one_of(st.just(Decimal("0.00")), st.decimals(0, most, places=2)))
    return quantity, unit_price, discount, draw(st.sampled_from(FRENCH_VAT_RATES))


@PROPERTY
@given(
    st.one_of(
        st.lists(invoice_lines(), min_size=1, max_size=30),
        # One rate throughout, as most invoices are.
        st.sampled_from(FRENCH_VAT_RATES).flatmap(
            lambda rate: st.lists(
                invoice_lines().map(lambda line: (*line[:3], rate)), min_size=1, max_size=30
            )
        ),
    )
)
def test_any_invoice_typed_in_the_editor_keeps_exact_totals(supplier, lines):
    with transaction.atomic():
        invoice = invoice_draft_create(supplier=supplier, user=None)
        for values in lines:
            line = invoice_line_add(invoice=invoice)
            change = invoice_line_update(line=line, data=_line_data(line, *values))
            assert change.ok, change.form.errors
        expected = _expected_totals(lines)

        invoice = Invoice.objects.get(pk=invoice.pk)
        saved = list(invoice.lines.order_by("position"))
        # Nothing typed is lost or rounded.
        assert [(x.quantity, x.unit_price, x.discount, x.vat_rate) for x in saved] == lines
        assert [x.total_excl_tax for x in saved] == expected["lines"]
        assert [(v.rate, v.taxable_amount, v.vat_amount) for v in invoice.vat_lines.all()] == (
            expected["breakdown"]
        )
        totals = (invoice.total_excl_tax, invoice.total_vat, invoice.total_incl_tax)
        assert totals == (expected["net"], expected["vat"], expected["gross"])
        assert invoice.amount_due == expected["gross"]
        assert all(_is_cents(amount) for amount in (*totals, invoice.amount_due))
        # The database's own arithmetic agrees: its constraint, and sums of the lines.
        invoice.validate_constraints()
        assert Invoice.objects.filter(
            pk=invoice.pk, total_incl_tax=F("total_excl_tax") + F("total_vat")
        ).exists()
        assert invoice.lines.aggregate(net=Sum("total_excl_tax"))["net"] == expected["net"]
        assert invoice.vat_lines.aggregate(base=Sum("taxable_amount"), vat=Sum("vat_amount")) == {
            "base": expected["net"],
            "vat": expected["vat"],
        }
        assert Invoice.objects.filter(total_incl_tax=expected["gross"]).contains(invoice)
        transaction.set_rollback(True)


# --- sums, filters and orderings over many invoices ------------------------------------------

cents = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)
amounts = st.tuples(cents, st.sampled_from(FRENCH_VAT_RATES), st.booleans())


@pytest.fixture
def supplier_space(make_structure, make_user):
    supplier = make_structure(name="Atelier Numérique")
    user = make_user((supplier, Membership.Role.SUPPLIER_AGENT))
    recipient = make_structure(name="Commune", kind=Structure.Kind.PUBLIC)
    return Space(membership=user.memberships.get()), recipient


@PROPERTY
@given(st.lists(amounts, min_size=1, max_size=40), st.data())
def test_sums_filters_and_orderings_over_many_invoices_are_exact(supplier_space, rows, data):
    space, recipient = supplier_space
    with transaction.atomic():
        invoices = []
        for position, (net, rate, is_credit_note) in enumerate(rows):
            vat = (net * rate / 100).quantize(CENT, ROUND_HALF_UP)
            invoices.append(
                Invoice(
                    supplier=space.structure,
                    recipient=recipient,
                    number=f"F-{position}",
                    kind=Invoice.Kind.CREDIT_NOTE if is_credit_note else Invoice.Kind.INVOICE,
                    status=Invoice.Status.SUBMITTED,
                    chorus_status=ChorusStatus.AVAILABLE,
                    chorus_invoice_id=position + 1,
                    total_excl_tax=net,
                    total_vat=vat,
                    total_incl_tax=net + vat,
                    amount_due=net + vat,
                )
            )
        Invoice.objects.bulk_create(invoices)
        gross = [invoice.total_incl_tax for invoice in invoices]
        queryset = Invoice.objects.filter(supplier=space.structure)

        assert queryset.aggregate(
            total=Sum("total_incl_tax"),
            vat=Sum("total_vat"),
            lowest=Min("total_incl_tax"),
            highest=Max("total_incl_tax"),
            nothing=Sum("total_incl_tax", filter=Q(pk__lt=0), default=Decimal("0.50")),
        ) == {
            "total": sum(gross),
            "vat": sum(invoice.total_vat for invoice in invoices),
            "lowest": min(gross),
            "highest": max(gross),
            "nothing": Decimal("0.50"),
        }
        ordered = queryset.order_by("total_incl_tax").values_list("total_incl_tax", flat=True)
        assert list(ordered) == sorted(gross)

        # A bound with more decimals than the column compares exactly, as on PostgreSQL.
        bound = data.draw(st.sampled_from(gross)) + data.draw(
            st.sampled_from([Decimal(0), Decimal("0.005"), Decimal("-0.005"), Decimal("0.01")])
        )
        for lookup, keep in {
            "exact": lambda x: x == bound,
            "gt": lambda x: x > bound,
            "gte": lambda x: x >= bound,
            "lt": lambda x: x < bound,
            "lte": lambda x: x <= bound,
        }.items():
            found = queryset.filter(**{f"total_incl_tax__{lookup}": bound}).count()
            assert found == sum(1 for x in gross if keep(x)), lookup
        assert queryset.filter(total_incl_tax__in=[bound, gross[0]]).count() == sum(
            1 for x in gross if x in (bound, gross[0])
        )
        low, high = sorted([bound, data.draw(st.sampled_from(gross))])
        assert queryset.filter(total_incl_tax__range=(low, high)).count() == sum(
            1 for x in gross if low <= x <= high
        )

        # The list's summary (credit notes deducted) and the CSV export.
        cache.clear()
        summary = invoice_summary_for_space(space=space)
        sign = [-1 if invoice.kind == Invoice.Kind.CREDIT_NOTE else 1 for invoice in invoices]
        assert summary.awaiting_payment_amount == sum(
            s * x for s, x in zip(sign, gross, strict=True)
        )
        exported = list(
            csv.reader(
                io.StringIO("".join(invoice_csv_lines(space=space, filters=InvoiceListFilters()))),
                delimiter=";",
            )
        )[1:]
        assert sorted(row[13] for row in exported) == sorted(
            format(x, "f").replace(".", ",") for x in gross
        )
        transaction.set_rollback(True)

"""The reads behind the invoice lists: filters, keyset pages, summary, scoping."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from invoices.lists.selectors import (
    PAGE_SIZE,
    InvoiceListFilters,
    invoice_list_filtered,
    invoice_page_for_space,
    invoice_summary_for_space,
    status_choices_for_space,
)
from invoices.models import ChorusStatus, Invoice
from portal.spaces import Space
from structures.models import Membership, Structure

ROLE = Membership.Role
_chorus_ids = itertools.count(50_000)


@pytest.fixture
def world(make_structure, make_user):
    supplier = make_structure(name="Atelier Numérique")
    recipient = make_structure(name="Commune de Villeneuve", kind=Structure.Kind.PUBLIC)
    other_recipient = make_structure(name="Direction régionale", kind=Structure.Kind.PUBLIC)
    validator = make_structure(name="Mission de validation", kind=Structure.Kind.PUBLIC)
    return {
        "supplier": supplier,
        "recipient": recipient,
        "other_recipient": other_recipient,
        "validator": validator,
        "supplier_space": _space(make_user, supplier, ROLE.SUPPLIER_AGENT),
        "recipient_space": _space(make_user, recipient, ROLE.RECIPIENT_AGENT),
        "validator_space": _space(make_user, validator, ROLE.VALIDATOR),
    }


def _space(make_user, structure, role) -> Space:
    user = make_user((structure, role))
    return Space(membership=user.memberships.get())


@pytest.fixture
def sent(make_invoice):
    def make(supplier, recipient, chorus_status=ChorusStatus.AVAILABLE, **fields):
        fields.setdefault("status", Invoice.Status.SUBMITTED)
        return make_invoice(
            supplier,
            recipient,
            chorus_invoice_id=next(_chorus_ids),
            chorus_status=chorus_status,
            **fields,
        )

    return make


def _numbers(invoices) -> list[str]:
    return [invoice.number for invoice in invoices]


def test_each_filter_narrows_the_supplier_list_to_what_it_names(world, sent, make_invoice):
    s, r, r2 = world["supplier"], world["recipient"], world["other_recipient"]
    draft = make_invoice(s, r, number="BROUILLON-1")
    suspended = sent(s, r, ChorusStatus.SUSPENDED, number="F-SUSP", issue_date=date(2026, 3, 1))
    big = sent(
        s,
        r2,
        number="F-BIG",
        issue_date=date(2026, 5, 1),
        total_excl_tax=Decimal("1000.00"),
        total_vat=Decimal("200.00"),
        total_incl_tax=Decimal("1200.00"),
    )
    space = world["supplier_space"]

    def listed(**filters):
        return set(
            _numbers(invoice_list_filtered(space=space, filters=InvoiceListFilters(**filters)))
        )

    assert listed() == {draft.number, suspended.number, big.number}
    assert listed(status="draft") == {draft.number}
    assert listed(status="SUSPENDUE") == {suspended.number}
    assert listed(counterpart_id=r2.pk) == {big.number}
    assert listed(issued_from=date(2026, 4, 1)) == {big.number}
    assert listed(issued_to=date(2026, 4, 1)) == {suspended.number}
    assert listed(amount_min=Decimal("1200.00")) == {big.number}
    assert listed(amount_max=Decimal("1199.99")) == {draft.number, suspended.number}
    assert listed(text="susp") == {suspended.number}
    assert listed(text="régionale") == {big.number}
    assert listed(text=r2.siret[:9]) == {big.number}


@pytest.mark.parametrize(
    "typed", ["regionale", "RÉGIONALE", "Direction Regionale", "direction-régionale"]
)
def test_the_search_by_counterpart_name_ignores_accents_and_case(world, sent, typed):
    # On every database: SQLite's LIKE folds ASCII case only, PostgreSQL's compares accents.
    big = sent(world["supplier"], world["other_recipient"], number="F-BIG")
    sent(world["supplier"], world["recipient"], number="F-SMALL")
    filters = InvoiceListFilters(text=typed)
    found = invoice_list_filtered(space=world["supplier_space"], filters=filters)
    assert _numbers(found) == [big.number]


def test_the_recipient_filters_on_download_service_and_overdue(world, sent):
    s, r = world["supplier"], world["recipient"]
    service = r.services.create(code="SERV_TECH", label="Services techniques")
    yesterday = timezone.localdate() - timedelta(days=1)
    late = sent(s, r, number="F-LATE", payment_due_by=yesterday)
    sent(s, r, ChorusStatus.PAID, number="F-PAID-LATE", payment_due_by=yesterday)
    downloaded = sent(s, r, number="F-DL", downloaded_by_recipient=True, service=service)
    space = world["recipient_space"]

    def listed(**filters):
        return set(
            _numbers(invoice_list_filtered(space=space, filters=InvoiceListFilters(**filters)))
        )

    assert listed(downloaded=True) == {downloaded.number}
    assert listed(downloaded=False) == {late.number, "F-PAID-LATE"}
    assert listed(service_id=service.pk) == {downloaded.number}
    # A paid invoice is never overdue, however old its deadline.
    assert listed(overdue=True) == {late.number}


def test_a_recipient_sees_only_the_sent_invoices_of_its_own_structure(world, sent, make_invoice):
    s, r, r2 = world["supplier"], world["recipient"], world["other_recipient"]
    mine = sent(s, r, number="F-MINE")
    sent(s, r2, number="F-OTHER")
    make_invoice(s, r, number="F-UNSENT", status=Invoice.Status.QUEUED)
    page = invoice_page_for_space(space=world["recipient_space"], filters=InvoiceListFilters())
    assert _numbers(page.invoices) == [mine.number]


def test_following_the_cursors_walks_every_invoice_once_in_both_directions(world, sent):
    s, r = world["supplier"], world["recipient"]
    created = [sent(s, r, number=f"F-{i:03d}") for i in range(PAGE_SIZE * 2 + 3)]
    # Several invoices created in the same instant: the id breaks the tie.
    Invoice.objects.filter(pk__in=[i.pk for i in created[10:40]]).update(
        created_at=created[10].created_at
    )
    expected = _numbers(
        Invoice.objects.filter(pk__in=[i.pk for i in created]).order_by("-created_at", "-id")
    )
    space, filters = world["supplier_space"], InvoiceListFilters()

    pages = [invoice_page_for_space(space=space, filters=filters)]
    while pages[-1].next_cursor:
        pages.append(
            invoice_page_for_space(space=space, filters=filters, after=pages[-1].next_cursor)
        )
    assert [len(p.invoices) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 3]
    assert [n for p in pages for n in _numbers(p.invoices)] == expected
    assert pages[0].previous_cursor == ""

    back = invoice_page_for_space(space=space, filters=filters, before=pages[2].previous_cursor)
    assert _numbers(back.invoices) == _numbers(pages[1].invoices)
    top = invoice_page_for_space(space=space, filters=filters, before=back.previous_cursor)
    assert _numbers(top.invoices) == _numbers(pages[0].invoices)
    assert top.previous_cursor == ""


def test_a_cursor_that_cannot_be_read_gives_the_first_page(world, sent):
    invoice = sent(world["supplier"], world["recipient"])
    for cursor in ("garbage", "W10", "WyJ4IiwgMV0"):
        page = invoice_page_for_space(
            space=world["supplier_space"], filters=InvoiceListFilters(), after=cursor
        )
        assert _numbers(page.invoices) == [invoice.number]


def test_rows_tell_the_days_since_deposit_and_whether_payment_is_late(world, sent):
    today = timezone.localdate()
    sent(
        world["supplier"],
        world["recipient"],
        deposited_on=today - timedelta(days=12),
        payment_due_by=today - timedelta(days=1),
    )
    (row,) = invoice_page_for_space(
        space=world["supplier_space"], filters=InvoiceListFilters()
    ).invoices
    assert row.days_since_deposit == 12
    assert row.is_overdue


def test_the_validator_queue_puts_invoices_awaiting_validation_first(world, sent):
    s, r, v = world["supplier"], world["recipient"], world["validator"]
    a9 = {"validator": v, "billing_framework": Invoice.BillingFramework.A9}
    waiting = sent(s, r, ChorusStatus.TO_VALIDATE_1, number="F-WAIT", **a9)
    for i in range(PAGE_SIZE + 2):
        sent(s, r, ChorusStatus.VALIDATED_1, number=f"F-DONE-{i}", **a9)
    space, filters = world["validator_space"], InvoiceListFilters(status="all")
    first = invoice_page_for_space(space=space, filters=filters)
    assert first.invoices[0].number == waiting.number
    second = invoice_page_for_space(space=space, filters=filters, after=first.next_cursor)
    seen = _numbers(first.invoices) + _numbers(second.invoices)
    assert len(seen) == len(set(seen)) == PAGE_SIZE + 3


def test_the_validator_queue_shows_what_waits_for_the_validator_unless_asked_otherwise(
    world, sent
):
    s, r, v = world["supplier"], world["recipient"], world["validator"]
    a9 = {"validator": v, "billing_framework": Invoice.BillingFramework.A9}
    waiting = sent(s, r, ChorusStatus.TO_VALIDATE_1, number="F-WAIT", **a9)
    validated = sent(s, r, ChorusStatus.VALIDATED_1, number="F-OK", **a9)
    passed_on = sent(s, r, ChorusStatus.AVAILABLE, number="F-ON", **a9)
    refused = sent(s, r, ChorusStatus.REFUSED_1, number="F-NO", **a9)
    late = sent(s, r, ChorusStatus.NO_VALIDATION_1, number="F-LATE", **a9)
    # Sent by a portal supplier, not yet given to the validator by Chorus Pro.
    sent(s, r, ChorusStatus.DEPOSITED, number="F-EARLY", **a9)
    space = world["validator_space"]

    def listed(status=""):
        filters = InvoiceListFilters(status=status)
        return set(_numbers(invoice_list_filtered(space=space, filters=filters)))

    assert listed() == {waiting.number}
    assert listed("validated") == {validated.number, passed_on.number}
    assert listed("refused") == {refused.number}
    assert listed("expired") == {late.number}
    assert listed("all") == {"F-WAIT", "F-OK", "F-ON", "F-NO", "F-LATE"}


def test_each_side_filters_on_the_statuses_it_meets(world):
    def choices(space):
        return [value for value, _label in status_choices_for_space(space=space)]

    assert choices(world["validator_space"]) == ["", "validated", "refused", "expired", "all"]
    recipient = choices(world["recipient_space"])
    assert recipient[0] == "" and "MISE_A_DISPOSITION" in recipient
    assert not {"A_VALIDER_1", "DEPOSEE", "submitted", "draft"} & set(recipient)
    assert {"draft", "queued", "DEPOSEE"} <= set(choices(world["supplier_space"]))


def test_the_summary_counts_and_sums_by_status_with_credit_notes_deducted(
    world, sent, make_invoice, make_structure
):
    s, r = world["supplier"], world["recipient"]
    today = timezone.localdate()
    make_invoice(s, r, number="")
    make_invoice(s, world["other_recipient"], number="F-DRAFT")
    sent(s, r, number="F-1", payment_due_by=today - timedelta(days=3))
    sent(s, r, number="F-2")
    sent(
        s,
        r,
        number="AV-1",
        kind=Invoice.Kind.CREDIT_NOTE,
        total_excl_tax=Decimal("10.00"),
        total_vat=Decimal("2.00"),
        total_incl_tax=Decimal("12.00"),
        amount_due=Decimal("12.00"),
    )
    sent(s, r, ChorusStatus.PAID, number="F-PAID", payment_due_by=today - timedelta(days=3))
    sent(s, r, ChorusStatus.REJECTED, number="F-REJ")
    make_invoice(make_structure(), r, number="F-NOT-MINE")

    summary = invoice_summary_for_space(space=world["supplier_space"])

    by_key = {t.key: t for t in summary.by_status}
    assert list(by_key) == ["draft", "MISE_A_DISPOSITION", "REJETEE", "MISE_EN_PAIEMENT"]
    available = by_key["MISE_A_DISPOSITION"]
    assert (available.count, available.total_excl_tax, available.total_incl_tax) == (
        3,
        Decimal("190.00"),
        Decimal("228.00"),
    )
    assert available.label == "Mise à disposition"
    assert by_key["draft"].count == 2
    assert summary.awaiting_payment_count == 3
    assert summary.awaiting_payment_amount == Decimal("228.00")
    # The paid invoice is past its deadline too, but settled.
    assert summary.overdue_count == 1


def test_only_invoices_that_can_still_be_paid_are_awaiting_payment_or_overdue(world, sent):
    s, r, v = world["supplier"], world["recipient"], world["validator"]
    a9 = {"validator": v, "billing_framework": Invoice.BillingFramework.A9}
    late = timezone.localdate() - timedelta(days=3)
    payable = sent(s, r, ChorusStatus.MANDATED, number="F-MANDATED", payment_due_by=late)
    sent(s, r, ChorusStatus.TO_VALIDATE_1, number="F-WAITING", **a9)
    for i, status in enumerate(
        (
            ChorusStatus.REFUSED_1,
            ChorusStatus.SUPPLIER_ERROR_ON_VALIDATOR,
            ChorusStatus.REJECTED,
            ChorusStatus.PAID,
            ChorusStatus.ABANDONED,
        )
    ):
        sent(s, r, status, number=f"F-CLOSED-{i}", payment_due_by=late, **a9)

    summary = invoice_summary_for_space(space=world["supplier_space"])
    assert summary.awaiting_payment_count == 2
    assert summary.awaiting_payment_amount == Decimal("240.00")
    assert summary.overdue_count == 1
    overdue = invoice_list_filtered(
        space=world["supplier_space"], filters=InvoiceListFilters(overdue=True)
    )
    assert _numbers(overdue) == [payable.number]
    rows = invoice_page_for_space(space=world["supplier_space"], filters=InvoiceListFilters())
    assert {row.number for row in rows.invoices if row.is_overdue} == {payable.number}

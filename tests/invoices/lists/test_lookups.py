"""What the lists look up before their query: the invoices a free-text search matches, and the
counterparts offered in the filter."""

import itertools

import pytest

from invoices.lists import lookups
from invoices.lists.selectors import (
    InvoiceListFilters,
    invoice_counterparts_for_space,
    invoice_list_filtered,
)
from invoices.models import ChorusStatus, Invoice
from portal.spaces import Space
from structures.models import Membership, Structure

ROLE = Membership.Role
_chorus_ids = itertools.count(80_000)


@pytest.fixture
def world(make_structure, make_user, make_invoice):
    supplier = make_structure(name="Atelier Numérique")
    other_supplier = make_structure(name="Bureau d'études Lumière")
    draft_only = make_structure(name="Fournisseur sans envoi")
    recipient = make_structure(name="Commune de Villeneuve", kind=Structure.Kind.PUBLIC)
    other_recipient = make_structure(name="Direction régionale", kind=Structure.Kind.PUBLIC)

    def sent(supplier, recipient, number, status=ChorusStatus.AVAILABLE):
        return make_invoice(
            supplier,
            recipient,
            number=number,
            status=Invoice.Status.SUBMITTED,
            chorus_invoice_id=next(_chorus_ids),
            chorus_status=status,
        )

    sent(supplier, recipient, "F-2026-001")
    sent(supplier, recipient, "F-2026-002")
    sent(supplier, other_recipient, "F-2026-003")
    sent(other_supplier, recipient, "BE-17")
    # Never shown to the recipient: a draft, and an invoice still with its validator.
    make_invoice(draft_only, recipient, number="D-1", status=Invoice.Status.DRAFT)
    sent(draft_only, recipient, "D-2", status=ChorusStatus.TO_VALIDATE_1)

    def space(structure, role):
        return Space(membership=make_user((structure, role)).memberships.get())

    return {
        "supplier": space(supplier, ROLE.SUPPLIER_AGENT),
        "recipient": space(recipient, ROLE.RECIPIENT_AGENT),
        "names": {s.pk: s.name for s in (supplier, other_supplier, recipient, other_recipient)},
    }


def _numbers(space, text):
    filters = InvoiceListFilters(text=text)
    return sorted(
        invoice_list_filtered(space=space, filters=filters).values_list("number", flat=True)
    )


@pytest.mark.parametrize("ids_max", [500, 1])
def test_a_search_finds_the_same_invoices_whether_looked_up_first_or_not(
    world, monkeypatch, ids_max
):
    # With a limit of 1, the number matches too many invoices to be looked up first: the
    # search is left to the list's query, with the same answer.
    monkeypatch.setattr(lookups, "TEXT_IDS_MAX", ids_max)
    assert _numbers(world["supplier"], "2026-00") == ["F-2026-001", "F-2026-002", "F-2026-003"]
    assert _numbers(world["supplier"], "villeneuve") == ["F-2026-001", "F-2026-002"]
    assert _numbers(world["recipient"], "lumiere") == ["BE-17"]
    assert _numbers(world["recipient"], "F-2026") == ["F-2026-001", "F-2026-002"]
    # Another supplier's or another recipient's invoice with the number is never found.
    assert _numbers(world["recipient"], "2026-003") == []
    assert _numbers(world["supplier"], "BE-17") == []
    assert _numbers(world["supplier"], "zqxw") == []
    assert _numbers(world["supplier"], "F") == ["F-2026-001", "F-2026-002", "F-2026-003"]


def test_the_counterparts_offered_are_those_of_the_invoices_each_side_may_see(world):
    names = world["names"]
    offered = invoice_counterparts_for_space(space=world["supplier"])
    assert [name for _pk, name in offered] == ["Commune de Villeneuve", "Direction régionale"]
    offered = invoice_counterparts_for_space(space=world["recipient"])
    assert [name for _pk, name in offered] == ["Atelier Numérique", "Bureau d'études Lumière"]
    assert all(names[pk] == name for pk, name in offered)

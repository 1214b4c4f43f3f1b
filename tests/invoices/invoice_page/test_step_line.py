"""The invoice page shows where the invoice is as a line of steps, said in words and signs (not
colour alone), the current step marked for screen readers, its history below."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from invoices.invoice_page.steps import invoice_steps
from invoices.models import Invoice, StatusEvent


def _states(invoice, events=()):
    return [
        (str(step.label), step.state, str(step.note))
        for step in invoice_steps(invoice=invoice, events=list(events))
    ]


def _at(day):
    return datetime(2026, 11, day, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "chorus_status", "expected"),
    [
        ("draft", "", ["current", "todo", "todo", "todo", "todo", "todo"]),
        ("sending", "", ["done", "current", "todo", "todo", "todo", "todo"]),
        ("submission_refused", "", ["done", "stopped", "todo", "todo", "todo", "todo"]),
        ("submitted", "MISE_A_DISPOSITION", ["done", "done", "current", "todo", "todo", "todo"]),
        ("submitted", "SUSPENDUE", ["done", "done", "done", "stopped", "todo", "todo"]),
        ("submitted", "SERVICE_FAIT", ["done", "done", "done", "current", "todo", "todo"]),
        ("submitted", "REJETEE", ["done", "done", "done", "stopped", "todo", "todo"]),
        ("submitted", "REFUSEE_1", ["done", "stopped", "todo", "todo", "todo", "todo"]),
        ("submitted", "COMPTABILISEE", ["done", "done", "done", "done", "current", "todo"]),
        ("submitted", "MISE_EN_PAIEMENT", ["done", "done", "done", "done", "done", "current"]),
    ],
)
def test_each_status_has_its_place_on_the_line(status, chorus_status, expected):
    invoice = Invoice(status=status, chorus_status=chorus_status, created_at=_at(1))
    assert [state for _label, state, _note in _states(invoice)] == expected


def test_a_stopped_step_says_why_and_each_step_its_first_date(db):
    invoice = Invoice(status="submitted", chorus_status="SUSPENDUE", created_at=_at(1))
    events = [
        StatusEvent(status="SUSPENDUE", occurred_at=_at(9)),
        StatusEvent(status="MISE_A_DISPOSITION", occurred_at=_at(4)),
        StatusEvent(status="DEPOSEE", occurred_at=_at(3)),
        StatusEvent(status="submitted", occurred_at=_at(2)),
    ]
    steps = invoice_steps(invoice=invoice, events=events)
    assert [step.reached_at.day for step in steps[:4]] == [1, 2, 4, 9]
    assert steps[4].reached_at is None
    assert str(steps[3].note) == "suspendue : en attente du fournisseur".replace(" :", "\u00a0:")
    assert [step.is_current for step in steps] == [False, False, False, True, False, False]


def test_the_page_draws_the_line_with_the_current_step_marked(supplier_client, sent_invoice):
    page = supplier_client.get(reverse("invoices:detail", args=[sent_invoice.pk])).text
    line = page[
        page.index('class="step-line"') : page.index("</ol>", page.index('class="step-line"'))
    ]
    assert line.count("<li") == 6
    assert line.count('aria-current="step"') == 1
    current = line[line.index('aria-current="step"') :]
    assert "Envoyée" in current and "(étape en cours)" in current
    assert "✓" in line  # done steps carry a sign, not only a colour
    assert 'href="#invoice-history"' in page and 'id="invoice-history"' in page

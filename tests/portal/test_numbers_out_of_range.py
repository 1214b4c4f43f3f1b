"""Numbers no column can hold, typed or put in an address, get an answer, never a 500: PostgreSQL
refuses them ('bigint out of range', 'numeric field overflow') where SQLite lets them by."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from invoices.models import Invoice

HUGE = str(10**30)


@pytest.fixture
def as_user(demo_world):
    def log_in(username: str) -> Client:
        client = Client(raise_request_exception=True)
        client.force_login(User.objects.get(username=username))
        return client

    return log_in


@pytest.mark.parametrize("value", [HUGE, "-1", "1e400"])
def test_huge_and_negative_numbers_are_answered(as_user, value):
    supplier = as_user("fournisseur")
    supplier.post(reverse("invoices:draft_new"))
    draft = Invoice.objects.get(created_by__username="fournisseur")
    answers = [
        supplier.post(reverse("space_switch"), {"membership": value}),
        supplier.post(
            reverse("invoices:recipient_pick", args=[draft.pk]),
            {"recipient_id": value},
            headers={"HX-Request": "true"},
        ),
        supplier.get(
            reverse("invoices:supplier_home"),
            {"recipient": value, "amount_min": value, "amount_max": value},
        ),
        supplier.post(
            reverse("invoices:draft_save", args=[draft.pk]),
            {
                "kind": "invoice",
                "billing_framework": "A1",
                "vat_regime": "on_debits",
                "bank_account_chorus_id": value,
            },
            headers={"HX-Request": "true"},
        ),
    ]
    recipient = as_user("commune")
    answers += [
        recipient.get(reverse("invoices:recipient_inbox"), {"supplier": value, "service": value}),
        recipient.post(reverse("invoices:download_group"), {"invoice": value, "format": "pdf"}),
        recipient.get(reverse("invoices:treat_batch"), {"invoice": value}),
    ]
    assert [answer.status_code for answer in answers if answer.status_code >= 500] == []
    assert answers[2].status_code == answers[3].status_code == 200
    draft.refresh_from_db()
    assert draft.bank_account_chorus_id is None

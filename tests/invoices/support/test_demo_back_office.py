"""The support console on the demo's four months of invoicing: every invoice's overview, the
health page and the search answer, in French, with no raw status code on them."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from invoices.models import ChorusStatus, Invoice
from portal.demo.history import demo_history_load
from tests.invoices.support.test_french_labels import _readable_text

pytestmark = pytest.mark.slow


def test_every_demo_invoice_has_its_overview_with_a_diagnosis_or_a_clean_bill(
    demo_world, transactional_db, client
):
    demo_history_load()
    client.force_login(User.objects.get(username="support"))
    alternatives = "|".join(sorted(ChorusStatus.values, key=len, reverse=True))
    codes = re.compile(rf"\b({alternatives})\b")
    invoices = Invoice.objects.all()
    assert invoices.count() >= 25
    diagnosed = 0
    for invoice in invoices:
        page = client.get(reverse("admin:invoices_invoice_change", args=[invoice.pk]))
        assert page.status_code == 200, invoice
        text = _readable_text(page.text)
        assert not codes.search(text), (invoice, codes.search(text).group(0))
        assert "data-timeline-entry" in page.text or invoice.status == "draft"
        diagnosed += "data-diagnosis=" in page.text
    assert diagnosed  # the demo has invoices waiting for someone
    health = client.get(reverse("admin:support_health"))
    assert health.status_code == 200 and 'data-connection="12345678200010"' in health.text
    found = client.get(reverse("admin:support_search"), {"q": "Atelier"})
    assert found.status_code == 200 and found.text.count("/back-office/invoices/invoice/") >= 10

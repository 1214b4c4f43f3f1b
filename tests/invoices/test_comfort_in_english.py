"""Everyday comfort reads in English too, for a reader who chose it: the dashboard, the step
line, the pre-flight recap, the editor's helpers and the notifications' choices."""

from django.urls import reverse

from portal.languages import language_for_user_set


def test_the_comfort_pages_read_in_english(supplier_client, ready_invoice, django_user_model):
    language_for_user_set(user=django_user_model.objects.get(username="fournisseur"), language="en")
    home = supplier_client.get(reverse("invoices:supplier_home")).text
    assert "At a glance" in home and "Average days to payment per public buyer" in home
    editor = supplier_client.get(reverse("invoices:edit", args=[ready_invoice.pk])).text
    assert "Save as a product" in editor and "Manage saved products" in editor
    preflight = supplier_client.get(reverse("invoices:preflight", args=[ready_invoice.pk])).text
    assert "What will be sent" in preflight and "Preview of the PDF" in preflight
    page = supplier_client.get(reverse("invoices:detail", args=[ready_invoice.pk])).text
    assert "Where the invoice is" in page and "(current step)" in page and "Duplicate" in page
    notices = supplier_client.get(reverse("invoices:notifications")).text
    assert "One e-mail a day, with the day&#x27;s notices" in notices

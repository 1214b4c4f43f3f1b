"""The list pages of the three spaces, as a user sees them: with and without htmx."""

import itertools
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.lists.selectors import PAGE_SIZE
from invoices.models import ChorusStatus, Invoice, StatusEvent
from structures.models import ChorusConnection, Membership, Structure

ROLE = Membership.Role
_chorus_ids = itertools.count(70_000)


@pytest.fixture
def world(make_structure, make_user):
    supplier = make_structure(name="Atelier Numérique")
    recipient = make_structure(name="Commune de Villeneuve", kind=Structure.Kind.PUBLIC)
    validator = make_structure(name="Mission de validation", kind=Structure.Kind.PUBLIC)
    return {
        "supplier": supplier,
        "recipient": recipient,
        "validator": validator,
        "supplier_user": make_user((supplier, ROLE.SUPPLIER_AGENT)),
        "recipient_user": make_user((recipient, ROLE.RECIPIENT_AGENT)),
        "validator_user": make_user((validator, ROLE.VALIDATOR)),
    }


@pytest.fixture
def english(client):
    """Texts new to this part are checked in English, whatever the state of the French catalogue;
    French is the default for everything else."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def sent(make_invoice):
    def make(supplier, recipient, chorus_status=ChorusStatus.AVAILABLE, **fields):
        return make_invoice(
            supplier,
            recipient,
            status=Invoice.Status.SUBMITTED,
            chorus_invoice_id=next(_chorus_ids),
            chorus_status=chorus_status,
            **fields,
        )

    return make


def test_the_supplier_home_shows_the_summary_and_days_since_deposit(english, world, sent):
    client = english
    today = timezone.localdate()
    sent(
        world["supplier"],
        world["recipient"],
        number="F-LATE",
        deposited_on=today - timedelta(days=9),
        payment_due_by=today - timedelta(days=1),
    )
    client.force_login(world["supplier_user"])
    page = client.get(reverse("invoices:supplier_home")).text
    assert "awaiting payment (1 invoice sent, not yet paid)" in page
    assert "1</span>\n      invoice past its payment deadline" in page
    assert "9 days ago" in page
    assert "Overdue" in page
    assert "?status=MISE_A_DISPOSITION" in page


def test_filtering_through_htmx_answers_only_the_list_region(client, world, sent):
    sent(world["supplier"], world["recipient"], number="F-KEEP")
    sent(world["supplier"], world["recipient"], ChorusStatus.SUSPENDED, number="F-SUSP")
    client.force_login(world["supplier_user"])
    response = client.get(
        reverse("invoices:supplier_home"), {"status": "SUSPENDUE"}, headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<section id="list-region"')
    assert "F-SUSP" in response.text and "F-KEEP" not in response.text
    assert 'id="summary-title"' not in response.text
    assert "HX-Request" in response["Vary"]


def test_the_same_filter_without_javascript_loads_the_whole_page(client, world, sent):
    sent(world["supplier"], world["recipient"], ChorusStatus.SUSPENDED, number="F-SUSP")
    sent(world["supplier"], world["recipient"], number="F-KEEP")
    client.force_login(world["supplier_user"])
    page = client.get(reverse("invoices:supplier_home"), {"status": "SUSPENDUE"}).text
    assert "<html" in page and "F-SUSP" in page and "F-KEEP" not in page


def test_invalid_filters_are_explained_and_keep_what_was_typed(english, world, sent):
    client = english
    sent(world["supplier"], world["recipient"], number="F-ONE", issue_date=date(2026, 6, 1))
    client.force_login(world["supplier_user"])
    response = client.get(
        reverse("invoices:supplier_home"),
        {"amount_min": "douze", "issued_from": "2026-05-01", "issued_to": "2026-04-01", "q": "F-"},
    )
    assert response.status_code == 200
    page = response.text
    assert "Enter an amount, for example 1250,50." in page
    assert "The end date is before the start date." in page
    assert 'value="douze"' in page
    assert 'value="2026-04-01"' in page
    # The valid filters still apply.
    assert "F-ONE" in page


def test_next_and_previous_links_carry_a_cursor_and_keep_the_filters(client, world, sent):
    for i in range(PAGE_SIZE + 1):
        sent(world["supplier"], world["recipient"], number=f"F-{i:03d}")
    client.force_login(world["supplier_user"])
    url = reverse("invoices:supplier_home")
    first = client.get(url, {"q": "F-"})
    next_url = first.context["page"].next_cursor
    assert f"?q=F-&amp;after={next_url}" in first.text
    second = client.get(url, {"q": "F-", "after": next_url})
    assert "F-000" in second.text and "F-001" not in second.text
    assert "before=" in second.text


def test_the_inbox_marks_new_and_not_downloaded_invoices_and_the_last_sync(english, world, sent):
    client = english
    sent(world["supplier"], world["recipient"], number="F-NEW")
    sent(
        world["supplier"],
        world["recipient"],
        number="F-SEEN",
        recipient_opened_at=timezone.now(),
        downloaded_by_recipient=True,
    )
    connection = ChorusConnection(
        structure=world["recipient"],
        environment="emulator",
        login="TECH_1_x@cpro.fr",
        received_synced_until=timezone.now() - timedelta(minutes=5),
    )
    connection.set_password("secret")
    connection.save()
    client.force_login(world["recipient_user"])
    page = client.get(reverse("invoices:recipient_inbox")).text
    assert "Updated 5\xa0minutes ago" in page
    rows = {row.split("</tr>")[0] for row in page.split("<tr")[2:]}
    new_row = next(r for r in rows if "F-NEW" in r)
    seen_row = next(r for r in rows if "F-SEEN" in r)
    assert "badge-new" in new_row and "badge-not-downloaded" in new_row
    assert "badge-new" not in seen_row and "badge-not-downloaded" not in seen_row


def test_the_inbox_selection_never_puts_its_csrf_token_in_an_address(client, world, sent):
    # Both buttons share one form (a checkbox belongs to one form); the download needs the
    # CSRF token, so the form posts, and treating answers with the preview's own address.
    invoice = sent(world["supplier"], world["recipient"])
    client.force_login(world["recipient_user"])
    page = client.get(reverse("invoices:recipient_inbox")).text
    assert f'name="invoice" value="{invoice.pk}" form="selection"' in page
    treat = reverse("invoices:treat_batch")
    selection = page.split('<form id="selection"')[1].split("</form>")[0]
    assert f'method="post" action="{treat}"' in selection
    assert "csrfmiddlewaretoken" in selection and 'formmethod="get"' not in selection
    assert f'formaction="{reverse("invoices:download_group")}"' in selection
    response = client.post(treat, {"invoice": [invoice.pk], "step": "choose"})
    assert response.status_code == 303
    assert response.url == f"{treat}?invoice={invoice.pk}"
    assert client.get(response.url).status_code == 200


def test_treating_an_empty_selection_says_to_pick_invoices(english, world):
    english.force_login(world["recipient_user"])
    response = english.post(reverse("invoices:treat_batch"), {"step": "choose"}, follow=True)
    assert "Select at least one invoice first." in response.text


def test_the_inbox_says_when_it_was_never_synchronised(english, world):
    english.force_login(world["recipient_user"])
    page = english.get(reverse("invoices:recipient_inbox")).text
    assert "Not yet synchronised with Chorus Pro." in page


def test_an_inbox_filter_on_download_state_only_lists_those(client, world, sent):
    sent(world["supplier"], world["recipient"], number="F-DL", downloaded_by_recipient=True)
    sent(world["supplier"], world["recipient"], number="F-NODL")
    client.force_login(world["recipient_user"])
    page = client.get(reverse("invoices:recipient_inbox"), {"downloaded": "no"}).text
    assert "F-NODL" in page and "F-DL<" not in page


def test_the_validator_queue_lists_what_waits_for_the_validator_and_filters_by_stage(
    client, world, sent
):
    a9 = {"validator": world["validator"], "billing_framework": Invoice.BillingFramework.A9}
    sent(world["supplier"], world["recipient"], ChorusStatus.TO_VALIDATE_1, number="F-WAIT", **a9)
    sent(world["supplier"], world["recipient"], ChorusStatus.AVAILABLE, number="F-DONE", **a9)
    client.force_login(world["validator_user"])
    queue = client.get(reverse("invoices:validator_queue")).text
    assert "F-WAIT" in queue and "F-DONE" not in queue
    status_filter = queue.split('name="status"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]*)"', status_filter)
    assert options == ["", "validated", "refused", "expired", "all"]
    assert '<option value="" selected>À valider</option>' in status_filter
    everything = client.get(reverse("invoices:validator_queue"), {"status": "all"}).text
    assert everything.index("F-WAIT") < everything.index("F-DONE")
    validated = client.get(reverse("invoices:validator_queue"), {"status": "validated"}).text
    assert "F-DONE" in validated and "F-WAIT" not in validated


def test_a_recipient_sees_an_invoice_only_once_its_validator_let_it_through(client, world, sent):
    """Found by the demo: the recipient's inbox listed invoices still waiting for (or refused by)
    their validator, which Chorus Pro only makes available to the recipient once validated."""
    a9 = {"validator": world["validator"], "billing_framework": Invoice.BillingFramework.A9}
    for status, number in (
        (ChorusStatus.TO_VALIDATE_1, "F-WAIT"),
        (ChorusStatus.VALIDATED_1, "F-ROUTING"),
        (ChorusStatus.AVAILABLE, "F-AVAILABLE"),
    ):
        sent(world["supplier"], world["recipient"], status, number=number, **a9)
    client.force_login(world["recipient_user"])
    inbox = client.get(reverse("invoices:recipient_inbox")).text
    assert "F-AVAILABLE" in inbox
    assert "F-WAIT" not in inbox and "F-ROUTING" not in inbox


def test_a_recipient_never_reads_the_suppliers_own_steps(client, world, sent):
    # Sent through the portal: the row keeps the supplier's status "submitted" and its history
    # the supplier's "sent to Chorus Pro" step, next to Chorus Pro's statuses.
    invoice = sent(world["supplier"], world["recipient"], number="F-PORTAL")
    StatusEvent.objects.create(
        invoice=invoice,
        status=Invoice.Status.SUBMITTED,
        occurred_at=timezone.now(),
        source=StatusEvent.Source.PORTAL,
        comment="Chorus Pro: 42",
    )
    StatusEvent.objects.create(
        invoice=invoice,
        status=ChorusStatus.AVAILABLE,
        occurred_at=timezone.now(),
        source=StatusEvent.Source.CHORUS,
    )
    client.force_login(world["recipient_user"])
    for url in (reverse("invoices:recipient_inbox"), reverse("invoices:detail", args=[invoice.pk])):
        page = client.get(url).text
        assert "Mise à disposition" in page
        assert "Transmise à Chorus Pro" not in page
    client.force_login(world["supplier_user"])
    page = client.get(reverse("invoices:detail", args=[invoice.pk])).text
    assert "Transmise à Chorus Pro" in page
    assert f"Identifiant Chorus Pro\u00a0: {invoice.chorus_invoice_id}" in page


def test_a_recipient_cannot_open_the_supplier_home(client, world):
    client.force_login(world["recipient_user"])
    assert client.get(reverse("invoices:supplier_home")).status_code == 302
    assert client.get(reverse("invoices:supplier_export")).status_code == 302


def test_an_inbox_synced_seconds_ago_says_just_now(english, world):
    client = english
    connection = ChorusConnection(
        structure=world["recipient"],
        environment="emulator",
        login="TECH_1_x@cpro.fr",
        received_synced_until=timezone.now() - timedelta(seconds=20),
    )
    connection.set_password("secret")
    connection.save()
    client.force_login(world["recipient_user"])
    page = client.get(reverse("invoices:recipient_inbox")).text
    assert "Updated just now" in page and "ago" not in page

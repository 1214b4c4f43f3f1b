"""A user of one structure gets 404 on every object of another structure, in every space."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from invoices.models import Attachment, Invoice
from structures.models import ChorusConnection, Membership, Structure

ROLE = Membership.Role


def _sent_invoice(make_invoice, supplier, recipient, validator, chorus_id):
    invoice = make_invoice(
        supplier,
        recipient,
        validator=validator,
        billing_framework=Invoice.BillingFramework.A9,
        status=Invoice.Status.SUBMITTED,
        chorus_invoice_id=chorus_id,
        chorus_status="MISE_A_DISPOSITION",
    )
    content = b"%PDF-1.4 test"
    attachment = Attachment(
        invoice=invoice,
        kind=Attachment.Kind.MAIN,
        name="facture.pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type="application/pdf",
    )
    attachment.file.save("facture.pdf", ContentFile(content), save=True)
    return invoice, attachment


@pytest.fixture
def world(make_structure, make_user, make_invoice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    public = Structure.Kind.PUBLIC
    sides = {}
    for side, chorus_id in (("a", 1001), ("b", 1002)):
        supplier = make_structure()
        recipient = make_structure(kind=public)
        validator = make_structure(kind=public)
        invoice, attachment = _sent_invoice(make_invoice, supplier, recipient, validator, chorus_id)
        sides[side] = {
            "supplier": make_user(
                (supplier, ROLE.SUPPLIER_AGENT), (supplier, ROLE.STRUCTURE_MANAGER)
            ),
            "recipient": make_user((recipient, ROLE.RECIPIENT_AGENT)),
            "validator": make_user((validator, ROLE.VALIDATOR)),
            "structures": [supplier, recipient, validator],
            "invoice": invoice,
            "attachment": attachment,
        }
    return sides


def _object_urls(side):
    return [
        reverse("invoices:detail", args=[side["invoice"].pk]),
        reverse("invoices:attachment", args=[side["attachment"].pk]),
        *[reverse("structures:detail", args=[s.pk]) for s in side["structures"]],
    ]


@pytest.mark.parametrize("role", ["supplier", "recipient", "validator"])
def test_every_object_of_another_structure_answers_404(client, world, role):
    client.force_login(world["a"][role])
    for url in _object_urls(world["b"]):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["supplier", "recipient", "validator"])
def test_the_same_user_reaches_their_own_invoice_and_its_document(client, world, role):
    client.force_login(world["a"][role])
    invoice = world["a"]["invoice"]
    page = client.get(reverse("invoices:detail", args=[invoice.pk]))
    assert page.status_code == 200
    assert invoice.number in page.text
    document = client.get(reverse("invoices:attachment", args=[world["a"]["attachment"].pk]))
    assert document.status_code == 200
    assert b"".join(document.streaming_content) == b"%PDF-1.4 test"


def test_a_recipient_never_sees_a_suppliers_draft(client, world, make_invoice):
    side = world["a"]
    supplier, recipient = side["structures"][0], side["structures"][1]
    draft = make_invoice(supplier, recipient, number="")
    client.force_login(side["recipient"])
    assert client.get(reverse("invoices:detail", args=[draft.pk])).status_code == 404
    listing = client.get(reverse("invoices:recipient_inbox"))
    assert reverse("invoices:detail", args=[draft.pk]) not in listing.text


def test_lists_show_only_the_active_structures_invoices(client, world):
    client.force_login(world["a"]["supplier"])
    listing = client.get(reverse("invoices:supplier_home")).text
    assert world["a"]["invoice"].number in listing
    assert world["b"]["invoice"].number not in listing


def test_switching_to_someone_elses_membership_answers_404(client, world):
    client.force_login(world["a"]["supplier"])
    foreign = world["b"]["supplier"].memberships.first()
    response = client.post(reverse("space_switch"), {"membership": foreign.pk})
    assert response.status_code == 404


def test_a_non_manager_does_not_see_the_technical_account(client, world):
    side = world["a"]
    supplier = side["structures"][0]
    connection = ChorusConnection(
        structure=supplier, environment="emulator", login="TECH_1_x@cpro.fr"
    )
    connection.set_password("secret-pass")
    connection.save()
    agent = Membership.objects.filter(structure=supplier, role=ROLE.SUPPLIER_AGENT).first().user
    Membership.objects.filter(user=agent, role=ROLE.STRUCTURE_MANAGER).delete()
    client.force_login(agent)
    page = client.get(reverse("structures:detail", args=[supplier.pk])).text
    assert "TECH_1_x@cpro.fr" not in page

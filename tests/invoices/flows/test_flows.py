"""Batch deposits (deposer/flux) against the emulator over HTTP: files checked on upload, each
flow deposited once by a worker, its report followed until settled, its invoices linked."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from invoices.documents.facturx import facturx_build
from invoices.flows.deposit import FLOW_SEND_TASK
from invoices.flows.services import (
    flow_file_results,
    flow_report_poll,
    flow_send,
    flow_upload,
    flows_lost,
)
from invoices.flows.tasks import FLOW_POLL_TASK, flows_poll
from invoices.models import Flow, Invoice
from invoices.retries import RetryLater
from structures.models import Structure
from tests.chorus_emulator.samples import cii_xml, plain_pdf, tar_gz, ubl_xml
from tests.jobs import task_queued

DEPOSER = "factures/v1/deposer/flux"
LYCEE = "19350936100013"  # no routing rule
COMMUNE = "21750001600019"  # a service code is required
SUPPLIER = "12345678200010"
FLOW_STEPS = 20  # four clock steps of 5 s: IN_RECU → … → final


@pytest.fixture
def supplier(demo_world):
    return Structure.objects.get(siret=SUPPLIER)


@pytest.fixture
def user(supplier, django_user_model):
    return django_user_model.objects.get(username="fournisseur")


def upload(supplier, user, files):
    with task_queued(FLOW_SEND_TASK):
        return flow_upload(supplier=supplier, user=user, files=files)


def poll_now(flow) -> str:
    Flow.objects.filter(pk=flow.pk).update(next_poll_at=timezone.now())
    return flow_report_poll(flow_id=flow.pk)


def deposit_and_settle(emulator, flow) -> Flow:
    assert flow_send(flow_id=flow.pk) == "deposited"
    assert poll_now(flow) == "in-progress"
    emulator.advance(FLOW_STEPS)
    poll_now(flow)
    flow.refresh_from_db()
    return flow


@pytest.mark.slow
def test_a_factur_x_and_a_ubl_file_are_integrated_and_linked(
    ready_invoice, demo_world, supplier, user
):
    pdf = facturx_build(ready_invoice).pdf
    ready_invoice.delete()  # the file stands for an invoice made in the supplier's own software
    outcome = upload(
        supplier,
        user,
        [("F-2026-0042.pdf", pdf), ("ubl.xml", ubl_xml("UBL-0001", LYCEE, payment_means="49"))],
    )
    assert outcome.refused == []
    assert sorted(f.syntax for f in outcome.flows) == [
        "IN_DP_E1_UBL_INVOICE",
        "IN_DP_E2_CII_FACTURX",
    ]

    for flow in outcome.flows:
        flow = deposit_and_settle(demo_world, flow)
        assert flow.status == Flow.Status.INTEGRATED
        assert flow.chorus_state == "IN_INTEGRE"
        assert flow.report["status"] == "IN_INTEGRE"
        assert flow.next_poll_at is None

    facturx_invoice = Invoice.objects.get(supplier=supplier, number="F-2026-0042")
    assert facturx_invoice.source == Invoice.Source.FLOW
    assert facturx_invoice.status == Invoice.Status.SUBMITTED
    assert facturx_invoice.chorus_invoice_id
    assert facturx_invoice.recipient.siret == "21750001600019"
    assert facturx_invoice.service.code == "SERV_TECH"
    assert (
        facturx_invoice.total_incl_tax == facturx_invoice.total_excl_tax + facturx_invoice.total_vat
    )
    assert str(facturx_invoice.total_excl_tax) == "1375.00"
    ubl_invoice = Invoice.objects.get(supplier=supplier, number="UBL-0001")
    assert ubl_invoice.flow.syntax == "IN_DP_E1_UBL_INVOICE"
    assert str(ubl_invoice.total_incl_tax) == "240.00"
    assert ubl_invoice.recipient.siret == LYCEE
    # Followed by the status sync like any sent invoice.
    assert set(Invoice.objects.in_flight()) >= {facturx_invoice, ubl_invoice}
    results, _unplaced = flow_file_results(flow=ubl_invoice.flow)
    assert [(r.name, r.state, r.invoice) for r in results] == [
        ("ubl.xml", "integrated", ubl_invoice)
    ]
    # Each keeps the file it came from as its document, and the lines Chorus Pro read from it.
    for invoice, content_type in (
        (facturx_invoice, "application/pdf"),
        (ubl_invoice, "application/xml"),
    ):
        main = invoice.attachments.get(kind="main")
        assert main.content_type == content_type and main.size > 0
        assert invoice.lines.exists() and invoice.vat_lines.exists()
    assert sum(line.total_excl_tax for line in facturx_invoice.lines.all()) == Decimal("1375.00")
    # The payment means a file states (BT-81) is the invoice's payment mode, so that its
    # duplicate is ready to send; a transfer with no IBAN is written without one (BT-81 absent).
    assert ubl_invoice.payment_mode == Invoice.PaymentMode.DIRECT_DEBIT
    assert facturx_invoice.payment_mode == ""


def test_a_bundle_with_one_bad_invoice_is_partly_integrated_and_the_error_is_on_its_file(
    demo_world, supplier, user
):
    outcome = upload(
        supplier,
        user,
        [
            ("bonne.xml", cii_xml("CII-OK-1", LYCEE)),
            ("fausse.xml", cii_xml("CII-KO-2", LYCEE, ttc="999.00")),
        ],
    )
    [flow] = outcome.flows  # one syntax: one tar.gz deposit
    assert flow.name.endswith(".tar.gz")
    assert [entry["name"] for entry in flow.file_names] == ["bonne.xml", "fausse.xml"]

    flow = deposit_and_settle(demo_world, flow)

    assert flow.status == Flow.Status.PARTIALLY_INTEGRATED
    with translation.override("en"):
        results, unplaced = flow_file_results(flow=flow)
    good, bad = results
    assert good.state == "integrated" and good.invoice.number == "CII-OK-1"
    assert bad.state == "refused" and bad.invoice is None
    assert [e.code for e in bad.errors] == ["20305"]
    assert "totals do not add up" in bad.errors[0].advice
    assert "999" in bad.errors[0].message  # Chorus Pro's own words, kept as they came
    assert unplaced == []
    assert not Invoice.objects.filter(number="CII-KO-2").exists()


def test_a_flow_whose_only_invoice_is_refused_is_rejected(demo_world, supplier, user):
    inactive = "20005478100014"
    [flow] = upload(supplier, user, [("u.xml", ubl_xml("UBL-KO", inactive))]).flows
    flow = deposit_and_settle(demo_world, flow)
    assert flow.status == Flow.Status.REJECTED
    results, _ = flow_file_results(flow=flow)
    assert results[0].state == "refused"
    assert results[0].errors[0].code == "20006"
    assert not Invoice.objects.filter(number="UBL-KO").exists()


def test_a_503_releases_the_lease_and_the_retry_deposits_once(
    demo_world, supplier, user, retry_due
):
    [flow] = upload(supplier, user, [("a.xml", cii_xml("CII-503", LYCEE))]).flows
    demo_world.add_fault("http_error", operation=DEPOSER, status=503)
    demo_world.clear_calls()

    with pytest.raises(RetryLater):
        flow_send(flow_id=flow.pk)
    flow.refresh_from_db()
    assert flow.status == Flow.Status.QUEUED
    assert flow.send_lease_until is None  # released: the task's retry claims it when due
    assert flow.error_message == "Chorus Pro ne répond pas\u00a0; le portail va réessayer."

    retry_due(flow)
    assert flow_send(flow_id=flow.pk) == "deposited"
    assert flow_send(flow_id=flow.pk) == "not-claimed"  # a redelivered task does nothing
    assert demo_world.calls()["operations"][DEPOSER] == 2  # the faulted one and the real one
    flow = deposit_and_settle_after_deposit(demo_world, flow)
    assert flow.status == Flow.Status.INTEGRATED


def deposit_and_settle_after_deposit(emulator, flow) -> Flow:
    emulator.advance(FLOW_STEPS)
    poll_now(flow)
    flow.refresh_from_db()
    return flow


def test_a_worker_killed_mid_call_leaves_a_lease_that_expires(demo_world, supplier, user):
    [flow] = upload(supplier, user, [("a.xml", cii_xml("CII-KILL", LYCEE))]).flows
    # A worker claimed the flow and died before Chorus Pro was even reached.
    Flow.objects.filter(pk=flow.pk).update(
        send_attempts=1, send_lease_until=timezone.now() + timedelta(seconds=20)
    )
    assert flow_send(flow_id=flow.pk) == "not-claimed"
    with task_queued(FLOW_SEND_TASK) as delay:
        flows_poll()
    delay.assert_not_called()

    Flow.objects.filter(pk=flow.pk).update(send_lease_until=timezone.now() - timedelta(seconds=1))
    with task_queued(FLOW_SEND_TASK) as delay:
        flows_poll()
    delay.assert_called_once_with(flow.pk)
    assert flows_lost() == []  # handed out once, not on every sweep

    assert flow_send(flow_id=flow.pk) == "deposited"
    flow.refresh_from_db()
    assert flow.send_attempts == 2 and flow.chorus_flow_number


@pytest.mark.slow
def test_a_lost_answer_deposited_again_never_creates_two_invoices(
    demo_world, supplier, user, retry_due
):
    [flow] = upload(supplier, user, [("a.xml", cii_xml("CII-LOST", LYCEE))]).flows
    demo_world.add_fault("drop_after_commit", operation=DEPOSER)

    with pytest.raises(RetryLater) as lost:
        flow_send(flow_id=flow.pk)
    assert lost.value.error.may_have_been_processed
    # Chorus Pro has not integrated the lost deposit yet: nothing to find, the file goes again.
    retry_due(flow)
    assert flow_send(flow_id=flow.pk) == "deposited"

    flow = deposit_and_settle_after_deposit(demo_world, flow)

    # The copy was refused as a duplicate number; the invoice of the lost deposit is linked.
    assert flow.chorus_state == "IN_REJETE"
    assert flow.status == Flow.Status.INTEGRATED
    copies = [i for i in demo_world.invoices("CII-LOST") if i.get("numeroFacture") == "CII-LOST"]
    assert len(copies) == 1
    invoice = Invoice.objects.get(supplier=supplier, number="CII-LOST")
    assert invoice.chorus_invoice_id == copies[0]["identifiantFactureCPP"]
    results, _ = flow_file_results(flow=flow)
    assert results[0].state == "integrated"


def test_a_lost_answer_is_adopted_when_chorus_pro_already_integrated_the_flow(
    demo_world, supplier, user, retry_due
):
    [flow] = upload(supplier, user, [("a.xml", ubl_xml("UBL-LOST", LYCEE))]).flows
    demo_world.add_fault("drop_after_commit", operation=DEPOSER)
    with pytest.raises(RetryLater):
        flow_send(flow_id=flow.pk)
    demo_world.advance(FLOW_STEPS)  # the lost deposit is integrated meanwhile
    demo_world.clear_calls()
    retry_due(flow)

    assert flow_send(flow_id=flow.pk) == "adopted"
    assert DEPOSER not in demo_world.calls()["operations"]
    assert flow_report_poll(flow_id=flow.pk) == "integrated"
    assert Invoice.objects.get(number="UBL-LOST").flow == flow


def test_a_number_already_in_the_portal_is_said_clearly_and_not_linked(
    demo_world, supplier, user, make_invoice
):
    [flow] = upload(supplier, user, [("a.xml", ubl_xml("UBL-TWICE", LYCEE))]).flows
    assert flow_send(flow_id=flow.pk) == "deposited"
    make_invoice(supplier, number="UBL-TWICE")  # a draft typed in the portal meanwhile
    flow = deposit_and_settle_after_deposit(demo_world, flow)

    assert flow.status == Flow.Status.INTEGRATED
    results, _ = flow_file_results(flow=flow)
    assert results[0].state == "number_taken"
    assert results[0].chorus_invoice_id
    assert Invoice.objects.filter(number="UBL-TWICE").count() == 1


def test_each_bad_file_is_refused_with_its_reason_and_the_good_ones_are_kept(
    demo_world, supplier, user, make_invoice
):
    make_invoice(supplier, number="DEJA-LA")
    files = [
        ("ok.xml", cii_xml("OK-1", LYCEE)),
        ("vide.xml", b""),
        ("notes.txt", b"hello"),
        ("faux.pdf", cii_xml("OK-2", LYCEE)),
        ("faux.xml", plain_pdf()),
        ("simple.pdf", plain_pdf()),
        ("autre.xml", b"<?xml version='1.0'?><Order xmlns='urn:x'/>"),
        ("casse.xml", b"<Invoice><unclosed>"),
        ("tiers.xml", ubl_xml("OK-3", LYCEE, seller="44306184100013")),
        ("double.xml", cii_xml("OK-1", LYCEE)),
        ("deja.xml", ubl_xml("DEJA-LA", LYCEE)),
        ("lot.tar.gz", tar_gz({"a.xml": cii_xml("OK-4", LYCEE)})),
        ("gros.xml", b"<" + b" " * (10 * 1024 * 1024 + 1)),
    ]
    with translation.override("en"):
        outcome = upload(supplier, user, files)
    reasons = {item.name: item.reason for item in outcome.refused}

    assert outcome.accepted == ["ok.xml"]
    assert [entry["number"] for flow in outcome.flows for entry in flow.file_names] == ["OK-1"]
    assert reasons["vide.xml"] == "The file is empty."
    assert "Only Factur-X PDF files" in reasons["notes.txt"]
    assert reasons["faux.pdf"] == "The file is named .pdf but its content is not a PDF."
    assert reasons["faux.xml"] == "The file is named .xml but its content is a PDF."
    assert "no embedded Factur-X XML" in reasons["simple.pdf"]
    assert "neither a UBL nor a CII invoice" in reasons["autre.xml"]
    assert "not well-formed" in reasons["casse.xml"]
    assert "44306184100013" in reasons["tiers.xml"]
    assert "ok.xml" in reasons["double.xml"] and "OK-1" in reasons["double.xml"]
    assert "already has an invoice numbered DEJA-LA" in reasons["deja.xml"]
    assert "Archives are not accepted" in reasons["lot.tar.gz"]
    assert "over 10 MB" in reasons["gros.xml"]


def test_totals_chorus_pro_would_refuse_are_refused_against_their_file_before_any_deposit(
    demo_world, supplier, user
):
    files = [
        ("nan.xml", cii_xml("AMT-1", LYCEE, ttc="NaN")),
        ("exposant.xml", ubl_xml("AMT-2", LYCEE, ttc="1E+30")),
        ("infini.xml", cii_xml("AMT-3", LYCEE, ttc="-INF")),
        ("enorme.xml", cii_xml("AMT-4", LYCEE, ttc="1" + "0" * 30 + ".00")),
        ("centimes.xml", ubl_xml("AMT-5", LYCEE, ttc="240.001")),
        ("ok.xml", cii_xml("AMT-6", LYCEE, ttc="240.00")),
    ]
    demo_world.clear_calls()
    with translation.override("en"):
        outcome = upload(supplier, user, files)
    reasons = {item.name: item.reason for item in outcome.refused}

    assert outcome.accepted == ["ok.xml"]
    assert [entry["number"] for flow in outcome.flows for entry in flow.file_names] == ["AMT-6"]
    for name, written in (("nan.xml", "NaN"), ("exposant.xml", "1E+30"), ("infini.xml", "-INF")):
        assert reasons[name] == (
            f"The amount {written} in the file is not a decimal number (digits and a point, "
            "such as 1250.50): Chorus Pro would refuse the file."
        )
    assert "beyond what an invoice can hold" in reasons["enorme.xml"]
    assert "240.001" in reasons["centimes.xml"] and "two decimals" in reasons["centimes.xml"]
    assert demo_world.calls()["total"] == 0  # checked by the portal alone


def test_a_number_still_in_a_pending_flow_is_not_uploaded_twice(demo_world, supplier, user):
    upload(supplier, user, [("a.xml", cii_xml("TWICE-1", LYCEE))])
    with translation.override("en"):
        outcome = upload(supplier, user, [("a.xml", cii_xml("TWICE-1", LYCEE))])
    assert outcome.flows == []
    assert "still being processed" in outcome.refused[0].reason


def test_the_beat_task_polls_only_the_flows_that_are_due(demo_world, supplier, user):
    [due, later] = [
        upload(supplier, user, [(f"{n}.xml", cii_xml(n, LYCEE))]).flows[0] for n in ("D-1", "D-2")
    ]
    now = timezone.now()
    Flow.objects.filter(pk=due.pk).update(status=Flow.Status.DEPOSITED, next_poll_at=now)
    Flow.objects.filter(pk=later.pk).update(
        status=Flow.Status.DEPOSITED, next_poll_at=now + timedelta(minutes=1)
    )
    with task_queued(FLOW_POLL_TASK) as delay:
        assert flows_poll() == 1
    delay.assert_called_once_with(due.pk)
    # Two deliveries of the same poll: the second finds the flow claimed and does nothing.
    Flow.objects.filter(pk=due.pk).update(next_poll_at=now + timedelta(minutes=5))
    assert flow_report_poll(flow_id=due.pk) == "not-due"


@pytest.mark.slow
def test_an_invoice_the_recipients_inbox_read_first_stays_the_suppliers_sent_invoice(
    demo_world, supplier, user
):
    """Found by the demo: when the recipient's inbox sync read a flow's invoice before the flow's
    report was, the supplier's own invoice stayed 'received from Chorus Pro', outside its flow."""
    from invoices.inbox.services import inbox_sync_for_connection
    from structures.models import ChorusConnection

    file = ("a.xml", cii_xml("CII-RACE", COMMUNE, service="SERV_TECH"))
    [flow] = upload(supplier, user, [file]).flows
    assert flow_send(flow_id=flow.pk) == "deposited"
    demo_world.advance(FLOW_STEPS * 3)  # integrated, then routed to the commune
    commune = ChorusConnection.objects.get(structure__siret=COMMUNE)
    # The commune's inbox reads it before the supplier's side reads the flow's report.
    assert inbox_sync_for_connection(connection=commune).created == 1
    poll_now(flow)

    [invoice] = Invoice.objects.filter(supplier=supplier, number="CII-RACE")
    assert invoice.flow == flow
    assert invoice.status == Invoice.Status.SUBMITTED
    assert invoice.events.filter(status=Invoice.Status.SUBMITTED).exists()

"""Importing: never twice, whatever is replayed; each structure sees only its own account."""

import pytest

from connectors.facturation_pro.importing import fpro_import_request, fpro_import_run
from connectors.facturation_pro.models import FproInvoice, FproWriteBack
from invoices.models import Invoice
from structures.models import Membership

pytestmark = pytest.mark.slow
PAGE = "/fournisseur/logiciel-de-facturation/"


def test_a_run_played_twice_imports_each_invoice_once(read_account, workers):
    run = fpro_import_request(connection=read_account, user=None)
    assert run.total == FproInvoice.objects.count()

    fpro_import_run(run_id=run.pk)
    again = fpro_import_run(run_id=run.pk)  # the broker redelivered the task

    assert again.done + again.failed == run.total
    imported = FproInvoice.objects.filter(state="imported")
    assert Invoice.objects.filter(facturation_pro_source__in=imported).count() == imported.count()
    assert fpro_import_request(connection=read_account, user=None) is None  # nothing new


def test_reading_again_leaves_imported_invoices_alone(read_account, workers):
    from connectors.facturation_pro.catalogue import fpro_catalogue_sync

    run = fpro_import_request(connection=read_account, user=None)
    fpro_import_run(run_id=run.pk)
    imported = dict(FproInvoice.objects.filter(state="imported").values_list("pk", "invoice_id"))

    report = fpro_catalogue_sync(connection=read_account)

    assert report.new == 0
    assert (
        dict(FproInvoice.objects.filter(state="imported").values_list("pk", "invoice_id"))
        == imported
    )


def test_an_invoice_number_typed_in_the_portal_is_not_imported_again(
    read_account, workers, make_invoice
):
    make_invoice(read_account.structure, number="AN-202611-67")
    row = FproInvoice.objects.get(number="AN-202611-67")
    run = fpro_import_request(connection=read_account, user=None, row_ids=[row.pk])
    fpro_import_run(run_id=run.pk)

    row.refresh_from_db()
    assert row.state == "failed" and row.error.startswith("duplicate|")
    assert Invoice.objects.filter(number="AN-202611-67").count() == 1


def test_the_import_shows_its_progress(read_account, supplier_client, workers):
    supplier_client.post(PAGE + "importer/", {"all": "1"})
    page = supplier_client.get(PAGE).content.decode()
    assert "Import en cours\u00a0: 0 sur 9…" in page
    assert 'hx-trigger="every 2s"' in page  # the board follows the run

    workers.run(only="facturation_pro.import_run")
    board = supplier_client.get(PAGE + "?region=board", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' not in board.content.decode()  # nothing under way now
    assert "Dernier import\u00a0: 5 importée(s), 4 non importée(s)." in board.content.decode()


def test_another_structure_sees_and_touches_nothing_of_the_account(
    read_account, client, make_structure, make_user, workers
):
    other = make_structure()
    user = make_user(
        (other, Membership.Role.SUPPLIER_AGENT), (other, Membership.Role.STRUCTURE_MANAGER)
    )
    client.force_login(user)
    rows = list(FproInvoice.objects.values_list("pk", flat=True))
    customer = FproInvoice.objects.first().customer

    page = client.get(PAGE).content.decode()
    assert "AN-202611-67" not in page and "Aucun compte connecté" not in page
    client.post(PAGE + "importer/", {"invoice": rows})
    client.post(PAGE + "envoyer/", {"invoice": rows})
    assert client.post(PAGE + f"clients/{customer.pk}/service/", {"service": 1}).status_code == 404

    assert not FproInvoice.objects.exclude(state="available").exists()
    assert workers.names() == []
    assert not FproWriteBack.objects.exists()


def test_an_account_set_to_import_automatically_imports_new_invoices_from_the_beat(
    read_account, fpro_world, workers
):
    from connectors.facturation_pro.models import FproConnection

    FproConnection.objects.filter(pk=read_account.pk).update(auto_import=True)
    fpro_world.seed_invoices(48201, 310004, 3)  # to the Lycée, dated today
    june = FproInvoice.objects.get(number="AN-202606-57")

    workers.send("facturation_pro.sync_all", ())
    workers.run()

    new = FproInvoice.objects.filter(customer__fpro_id=310004).exclude(number="AN-202609-63")
    assert new.count() == 3
    assert set(new.values_list("state", flat=True)) == {"imported"}
    # The beat reads only the recent invoices (far within 10,000 calls a day): June's is not
    # read again; as every invoice not imported yet, it was tried, and waits for the service
    # the Commune needs.
    assert FproInvoice.objects.get(pk=june.pk).read_at == june.read_at
    assert FproInvoice.objects.get(pk=june.pk).state == "failed"


def test_an_imported_draft_deleted_in_the_editor_may_be_imported_again(read_account, workers):
    from invoices.drafting.services import invoice_draft_delete

    row = FproInvoice.objects.get(number="AN-202611-67")
    fpro_import_run(
        run_id=fpro_import_request(connection=read_account, user=None, row_ids=[row.pk]).pk
    )
    row.refresh_from_db()

    invoice_draft_delete(invoice=row.invoice)

    row.refresh_from_db()
    assert row.state == "available" and row.invoice is None
    fpro_import_run(
        run_id=fpro_import_request(connection=read_account, user=None, row_ids=[row.pk]).pk
    )
    row.refresh_from_db()
    assert row.state == "imported" and row.invoice.number == "AN-202611-67"


def test_a_run_whose_worker_died_is_played_again_by_the_beat(read_account, workers):
    from datetime import timedelta

    from django.utils import timezone

    from connectors.facturation_pro.models import FproImportRun

    run = fpro_import_request(connection=read_account, user=None)
    # The worker died holding one row, before the others: ten minutes pass.
    held = run.invoices.first()
    FproInvoice.objects.filter(pk=held.pk).update(state="importing", claimed_at=timezone.now())
    FproImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=1))
    workers.queued.clear()

    workers.send("facturation_pro.imports_resume", ())
    workers.run()  # the rows still queued are imported; the held one is left to its worker
    run.refresh_from_db()
    assert run.finished_at is None and run.done + run.failed == run.total - 1
    assert FproInvoice.objects.get(pk=held.pk).state == "importing"

    FproInvoice.objects.filter(pk=held.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    workers.send("facturation_pro.imports_resume", ())
    workers.run()

    run.refresh_from_db()
    assert run.finished_at is not None
    assert run.done + run.failed == run.total
    assert not FproInvoice.objects.filter(state__in=["queued", "importing"]).exists()

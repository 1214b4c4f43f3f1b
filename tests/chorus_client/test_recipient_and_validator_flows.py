"""Recipient and validator flows end to end through the typed methods."""

import pytest

from chorus_client import (
    BillingFramework,
    ChorusRejectedError,
    InvoiceStatus,
    ReceivedInvoiceSearch,
    ValidatorAction,
    ValidatorInvoiceSearch,
)

from .conftest import (
    COMMUNE_SIRET,
    LYCEE_SIRET,
    SUPPLIER_ID,
    VALIDATOR_SIRET,
    pdf_submission,
)


def make_available(supplier, emulator, **fields):
    submitted = supplier.supplier.submit(pdf_submission(supplier, **fields))
    emulator.set_status(submitted.invoice_id, "MISE_A_DISPOSITION")
    return submitted


def test_a_recipient_suspends_and_the_supplier_completes(supplier, lycee, emulator):
    submitted = make_available(supplier, emulator)

    received = lycee.recipient.search(ReceivedInvoiceSearch(
        statuses=(InvoiceStatus.MISE_A_DISPOSITION,), invoice_number=submitted.invoice_number))
    assert [item.invoice_id for item in received.items] == [submitted.invoice_id]
    assert received.items[0].supplier_identifier == "12345678200010"
    assert lycee.recipient.get(submitted.invoice_id).invoice_number == submitted.invoice_number

    treated = lycee.recipient.treat(submitted.invoice_id, InvoiceStatus.SUSPENDUE,
                                    motive="Bon de commande manquant")
    assert treated.status == InvoiceStatus.SUSPENDUE
    assert treated.treated_on is not None

    history = supplier.supplier.history(submitted.invoice_id)
    assert history.current_status == InvoiceStatus.SUSPENDUE
    assert history.statuses[0].comment == "Bon de commande manquant"

    completed = supplier.supplier.complete(submitted.invoice_id,
                                           comment="Bon de commande joint")
    assert completed.status == InvoiceStatus.COMPLETEE
    assert supplier.supplier.history(submitted.invoice_id).current_status == (
        InvoiceStatus.COMPLETEE)

    done = lycee.recipient.treat(submitted.invoice_id, InvoiceStatus.SERVICE_FAIT)
    assert done.status == InvoiceStatus.SERVICE_FAIT


def test_a_forbidden_transition_is_rejected_with_code_20002(supplier, lycee, emulator):
    submitted = make_available(supplier, emulator)
    lycee.recipient.treat(submitted.invoice_id, InvoiceStatus.MISE_EN_PAIEMENT)

    with pytest.raises(ChorusRejectedError) as caught:
        lycee.recipient.treat(submitted.invoice_id, InvoiceStatus.MANDATEE,
                              mandate_number="M-1")

    assert caught.value.code == 20002
    assert caught.value.operation == "factures/v1/traiter/recue"


def test_recycling_is_no_longer_offered_nor_accepted_from_a_recipient(supplier, lycee,
                                                                     emulator):
    submitted = make_available(supplier, emulator)

    assert InvoiceStatus.A_RECYCLER not in lycee.transverses.possible_statuses(
        InvoiceStatus.MISE_A_DISPOSITION)
    with pytest.raises(ChorusRejectedError) as caught:
        lycee.recipient.treat(submitted.invoice_id, InvoiceStatus.A_RECYCLER,
                              motive="Mauvais service")

    assert caught.value.code == 20002
    assert lycee.recipient.history(submitted.invoice_id).current_status == (
        InvoiceStatus.MISE_A_DISPOSITION)


def test_a_suspension_without_motive_is_refused_before_sending(lycee, recorded):
    with pytest.raises(ValueError, match="motive"):
        lycee.recipient.treat(1, InvoiceStatus.SUSPENDUE)
    assert recorded.exchanges == []


def test_a_recipient_downloads_then_filters_on_downloaded(supplier, lycee, emulator):
    submitted = make_available(supplier, emulator)

    content = lycee.recipient.download([submitted.invoice_id])

    assert content
    downloaded = lycee.recipient.search(ReceivedInvoiceSearch(
        invoice_number=submitted.invoice_number, downloaded=True))
    assert [item.invoice_id for item in downloaded.items] == [submitted.invoice_id]
    assert downloaded.items[0].downloaded is True


def test_another_recipient_does_not_see_the_invoice(supplier, make_client, emulator):
    submitted = make_available(supplier, emulator)
    commune = make_client(COMMUNE_SIRET)

    page = commune.recipient.search(ReceivedInvoiceSearch(
        invoice_number=submitted.invoice_number))

    assert page.items == []


def submit_for_validation(supplier, emulator):
    submitted = supplier.supplier.submit(pdf_submission(
        supplier, recipient_siret=LYCEE_SIRET,
        framework=BillingFramework.A9_FACTURE_SOUSTRAITANT,
        validator_structure_code=VALIDATOR_SIRET))
    emulator.set_status(submitted.invoice_id, "A_VALIDER_1")
    return submitted


def test_a_validator_validates_an_invoice(supplier, validator, emulator):
    submitted = submit_for_validation(supplier, emulator)

    page = validator.validator.search(ValidatorInvoiceSearch(
        statuses=(InvoiceStatus.A_VALIDER_1,)))
    assert submitted.invoice_id in [item.invoice_id for item in page.items]
    item = next(i for i in page.items if i.invoice_id == submitted.invoice_id)
    assert item.supplier_id == SUPPLIER_ID
    details = validator.validator.get(submitted.invoice_id)
    assert details.framework == BillingFramework.A9_FACTURE_SOUSTRAITANT

    result = validator.validator.treat(submitted.invoice_id, ValidatorAction.VALIDATION)

    assert result.status == InvoiceStatus.VALIDEE_1
    assert supplier.supplier.history(submitted.invoice_id).current_status == (
        InvoiceStatus.VALIDEE_1)


def test_a_validator_refuses_an_invoice_with_a_reason(supplier, validator, emulator):
    submitted = submit_for_validation(supplier, emulator)
    reason = validator.transverses.validator_refusal_reasons(
        BillingFramework.A9_FACTURE_SOUSTRAITANT)[0]

    result = validator.validator.treat(submitted.invoice_id, ValidatorAction.REFUS,
                                       refusal_reason=reason.code, comment="Montant erroné")

    assert result.status == InvoiceStatus.REFUSEE_1
    every = list(validator.validator.iter_search(ValidatorInvoiceSearch(
        statuses=(InvoiceStatus.REFUSEE_1,)), page_size=2))
    assert submitted.invoice_id in [item.invoice_id for item in every]

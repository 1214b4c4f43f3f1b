"""Every Transverses reference list, the directory, attachments, the account's attachments and
the payment-request search, through the typed client against the emulator."""

import io
import zipfile
from decimal import Decimal

import pytest

from chorus_client import (
    AccountFiles,
    AttachmentObjectType,
    AttachmentSearch,
    AttachmentUpload,
    BankDetailsFiles,
    BillingFramework,
    ChorusRejectedError,
    CommitmentFiles,
    DepositMode,
    FlowFormat,
    FlowSyntax,
    IdentifierType,
    InvoiceStatus,
    MandateFiles,
    PageRequest,
    PaymentRequestSearch,
    PaymentRequestType,
    RecipientSearch,
    SolicitationCategorySearch,
    SolicitationSubcategorySearch,
    StructureFiles,
    StructureKind,
    UserRole,
)

from .conftest import (
    COMMUNE_ID,
    COMMUNE_SIRET,
    LYCEE_SIRET,
    SUPPLIER_ID,
    SUPPLIER_SIRET,
    pdf_submission,
)


def test_code_lists_come_as_the_client_s_enumerations(supplier):
    lists = supplier.transverses

    assert IdentifierType.SIRET in lists.identifier_types()
    assert lists.structure_kinds() == [StructureKind.PUBLIQUE, StructureKind.PRIVEE]
    assert lists.payment_request_types() == [PaymentRequestType.FACTURE,
                                             PaymentRequestType.FACTURE_TRAVAUX]
    assert DepositMode.UPLOAD_API in lists.deposit_modes()
    assert FlowSyntax.IN_DP_E1_CII_16B in lists.flow_syntaxes()
    assert lists.flow_formats() == [FlowFormat.IN_DP_E1_STRUCT, FlowFormat.IN_DP_E2_MIXTE,
                                    FlowFormat.IN_DP_E2_FACTURX]
    assert "PROJET_DECOMPTE_MENSUEL" in lists.works_invoice_types()


def test_states_and_frameworks_depend_on_the_kind_of_payment_request(supplier):
    lists = supplier.transverses

    works = lists.billing_frameworks(payment_request_type=PaymentRequestType.FACTURE_TRAVAUX)
    assert BillingFramework.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR in works
    assert InvoiceStatus.A_VALIDER_2 in lists.payment_request_states()
    assert InvoiceStatus.PRISE_EN_COMPTE_MOA in lists.payment_request_states(
        PaymentRequestType.FACTURE_TRAVAUX)


def test_labelled_lists_follow_the_language(supplier):
    lists = supplier.transverses

    assert {c.code: c.label for c in lists.currencies()}["CHF"] == "Franc suisse"
    assert {c.code: c.label for c in lists.currencies(language="EN")}["CHF"] == "Swiss franc"
    assert {c.code: c.label for c in lists.countries(language="EN")}["DE"] == "Germany"
    types = lists.attachment_types(AttachmentObjectType.STRUCTURE)
    assert {t.object_type for t in types} == {AttachmentObjectType.STRUCTURE}
    assert "STRUCTURE_KBIS" in [t.code for t in types]


def test_solicitation_categories_and_subcategories(supplier):
    lists = supplier.transverses

    page = lists.solicitation_categories(SolicitationCategorySearch(active=True),
                                         PageRequest(page_size=2))
    assert (page.total, page.pages, len(page.items)) == (3, 2, 2)
    technical = lists.solicitation_categories(SolicitationCategorySearch(code="TECHNIQUE"))
    [category] = technical.items
    subs = lists.solicitation_subcategories(SolicitationSubcategorySearch(
        category_id=category.id, language="EN"))
    assert [s.code for s in subs.items] == ["RACCORDEMENT_API", "FLUX_EDI"]
    assert subs.items[0].category.id == category.id
    assert subs.items[0].category.label == "Technical problem"
    assert subs.items[0].label == "API connection" and subs.items[0].active
    assert subs.items[0].created_at is not None


def test_active_structures_of_each_space(supplier, lycee):
    assert [s.id for s in supplier.transverses.active_supplier_structures()] == [SUPPLIER_ID]
    assert supplier.transverses.active_recipient_structures() == []
    # The works space is a habilitation of its own: the Lycée has none, Atelier Numérique (a
    # co-contractor of the works contract) has it.
    assert lycee.transverses.active_works_structures() == []
    [works] = supplier.transverses.active_works_structures()
    assert (works.id, works.identifier) == (SUPPLIER_ID, "12345678200010")


def test_recipients_are_searched_and_iterated(supplier):
    page = supplier.transverses.search_recipients(RecipientSearch(siret=COMMUNE_SIRET))
    [commune] = page.items
    assert (commune.id, commune.name) == (COMMUNE_ID, "Commune de Villeneuve")
    every = list(supplier.transverses.iter_recipients(RecipientSearch(), page_size=2))
    assert len(every) == 6 and len({r.id for r in every}) == 6


def test_siret_information(supplier):
    info = supplier.transverses.siret_information(LYCEE_SIRET)
    assert (info.siret, info.siren, info.active) == (LYCEE_SIRET, LYCEE_SIRET[:9], True)
    assert info.company_name == "Lycée Jean Moulin"
    with pytest.raises(ChorusRejectedError) as caught:
        supplier.transverses.siret_information("99999999999999")
    assert caught.value.code == 20020


def test_the_recipient_directory_downloads_as_a_zip(supplier):
    content = supplier.transverses.download_recipient_directory()

    archive = zipfile.ZipFile(io.BytesIO(content))
    text = archive.read(archive.namelist()[0]).decode("utf-8")
    assert text.startswith("identifiantStructure;")
    assert COMMUNE_SIRET in text and SUPPLIER_SIRET not in text


def test_account_and_structure_attachments_are_searched(supplier):
    stored = supplier.transverses.upload_attachment(AttachmentUpload(
        file_name="devis.pdf", content=b"%PDF-1.4 devis"))

    mine = supplier.transverses.search_account_attachments(AttachmentSearch(designation="devis"))
    [attachment] = mine.items
    assert (attachment.id, attachment.extension) == (stored, "PDF")
    kbis = next(t for t in supplier.transverses.attachment_types() if t.code == "STRUCTURE_KBIS")
    found = supplier.transverses.search_structure_attachments(
        SUPPLIER_ID, AttachmentSearch(type_id=kbis.id))
    [document] = found.items
    assert (document.designation, document.structure_identifier) == ("Extrait Kbis 2026",
                                                                     SUPPLIER_SIRET)


@pytest.mark.parametrize("target", [
    StructureFiles(structure_id=SUPPLIER_ID),
    BankDetailsFiles(identifier=SUPPLIER_SIRET, identifier_type=IdentifierType.SIRET),
    CommitmentFiles(commitment_number="EJ-2026-0001"),
])
def test_the_files_of_each_object_are_downloaded(supplier, target):
    content = supplier.transverses.download_attachment(target)

    assert content[:4] in (b"%PDF", b"PK\x03\x04")


def test_the_account_s_own_file_and_an_absent_mandate(supplier):
    supplier.transverses.upload_attachment(AttachmentUpload(file_name="a.txt", content=b"abc"))

    assert supplier.transverses.download_attachment(AccountFiles()) == b"abc"
    with pytest.raises(ChorusRejectedError):
        supplier.transverses.download_attachment(MandateFiles(structure_id=SUPPLIER_ID))


def test_the_account_s_structures_and_a_user_s_services(commune, supplier):
    [attached] = commune.users.attached_structures().items
    assert (attached.structure_id, attached.identifier) == (COMMUNE_ID, COMMUNE_SIRET)
    assert attached.attachment_status == "ACTIF"
    assert "SERV_TECH" in [s.code for s in attached.services]
    assert attached.services[0].starts_at is not None

    own = commune.structures.user_service_attachments(structure_id=COMMUNE_ID,
                                                      page=PageRequest(page_size=2))
    assert (own.structure_id, own.name) == (COMMUNE_ID, "Commune de Villeneuve")
    assert (own.services.total, len(own.services.items)) == (4, 2)
    assert own.services.items[0].attachment_status == "ACTIF"
    other = commune.structures.user_service_attachments(
        structure_identifier=COMMUNE_SIRET, identifier_type=IdentifierType.SIRET,
        user_login=supplier.config.technical_login)
    assert other.services.items == []


def test_payment_requests_of_every_space(supplier, lycee, emulator):
    submitted = supplier.supplier.submit(pdf_submission(supplier))
    emulator.set_status(submitted.invoice_id, "MISE_A_DISPOSITION")

    issued = supplier.payment_requests.search(PaymentRequestSearch())
    received = list(lycee.payment_requests.iter_search(PaymentRequestSearch(
        role=UserRole.DESTINATAIRE, status=InvoiceStatus.MISE_A_DISPOSITION), page_size=1))

    [request] = issued.items
    assert (request.payment_request_id, request.number) == (submitted.invoice_id,
                                                            submitted.invoice_number)
    assert request.total_incl_tax == Decimal("120.00") and not request.archived
    assert [r.payment_request_id for r in received] == [submitted.invoice_id]
    assert received[0].recipient_identifier == LYCEE_SIRET
    assert supplier.payment_requests.search(PaymentRequestSearch(archived=True)).items == []

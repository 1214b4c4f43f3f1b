"""Offline: what client.works sends, and how strictly it reads works answers."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from chorus_client import (
    BillingFramework,
    ChorusProtocolError,
    InvoiceStatus,
    InvoiceTotals,
    MainAttachment,
    WorksInvoiceSearch,
    WorksInvoiceType,
    WorksParty,
    WorksSubmission,
    WorksUserRole,
)
from chorus_client.wire import CHORUS_TZ, Reader, dumps
from chorus_client.works_parsing import search_body, submission_body, works_details, works_summary

# The shape PAS-W's fixture shows for an MOA search (contract-works §1.4.3), id as a string.
PAS_W_ITEM = {
    "idFactureTravaux": "4100169", "numeroFactureTravaux": "20190711-1",
    "statutFactureTravaux": "A_ASSOCIER_MOA", "typeFactureTravaux": "PROJET_DECOMPTE_MENSUEL",
    "typeDemandePaiement": "FACTURE_TRAVAUX", "dateDepot": "2019-07-11",
    "dateFactureTravaux": "2019-07-11", "dateHeureEtatCourant": "2019-07-11T15:45:39.674+02:00",
    "idDestinataire": 25784152, "identifiantDestinataire": "00000000013456",
    "designationDestinataire": "DESTINATAIRE", "identifiantFournisseur": "00000000012345",
    "typeIdentifiantFournisseur": "SIRET", "designationFournisseur": "FOURNISSEUR",
    "devise": "EUR", "montantHT": 100, "montantTTC": 120, "montantAPayer": 120,
    "factureTelechargeeParDestinataire": False,
}


def reader(data):
    return Reader(data, operation="facturesTravaux/v1/rechercher")


def test_it_reads_a_search_item_with_a_textual_id():
    item = works_summary(reader(PAS_W_ITEM))

    assert item.works_invoice_id == 4100169
    assert item.status == InvoiceStatus.A_ASSOCIER_MOA
    assert item.works_type == WorksInvoiceType.PROJET_DECOMPTE_MENSUEL
    assert item.status_changed_at.isoformat() == "2019-07-11T15:45:39.674000+02:00"
    assert item.total_incl_tax == Decimal(120)
    assert item.billing_file_id is None and item.framework is None


@pytest.mark.parametrize(("change", "problem"), [
    ({"idFactureTravaux": None}, "idFactureTravaux"),
    ({"statutFactureTravaux": "STATUT_INVENTE"}, "statutFactureTravaux"),
    ({"typeFactureTravaux": "DEVIS"}, "typeFactureTravaux"),
    ({"montantTTC": "douze"}, "montantTTC"),
])
def test_it_refuses_an_item_that_breaks_the_contract(change, problem):
    with pytest.raises(ChorusProtocolError, match=problem):
        works_summary(reader({**PAS_W_ITEM, **change}))


def test_it_reads_a_consultation_with_one_element_lists_as_objects():
    details = works_details(Reader({"codeRetour": 0, "libelle": "TRA_MSG_00.000",
                                    "factureTravaux": {
        **PAS_W_ITEM,
        "cadreDeFacturation": {"codeCadreFacturation": "A15_ETAT_ACOMPTE_MOE",
                               "idMoe": 26000005, "identifiantMoe": "79812345100014",
                               "typeIdentifiantMoe": "SIRET", "raisonSocialeMoe": "Durand"},
        "piecePrecedente": {"idPiecePrecedente": 4100168,
                            "cadreFacturationPiecePrecedente":
                                "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"},
        "delais": {"dateLimitePaiement": "2019-08-10T15:45:39.674+02:00"},
        "historiquesDesStatuts": {"histoStatut": {
            "histoStatutCode": "A_ASSOCIER_MOA", "histoStatutDatePassage": "2019-07-11 15:45"}},
        "listeDesPiecesJointes": {"pieceJointe": {"pieceJointeId": 77}},
    }}, operation="facturesTravaux/v1/consulter"))

    assert details.project_manager.name == "Durand"
    assert details.project_owner is None
    assert details.previous_piece.framework == (
        BillingFramework.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR)
    assert details.next_piece is None
    assert details.deadlines.payment_due_at.isoformat() == "2019-08-10T15:45:39.674000+02:00"
    assert details.deadlines.project_manager_due_at is None
    assert [s.changed_at for s in details.statuses] == [
        datetime(2019, 7, 11, 15, 45, tzinfo=CHORUS_TZ)]
    assert [a.attachment_id for a in details.attachments] == [77]


def test_a_first_piece_is_sent_with_its_parties_and_amounts_digit_for_digit():
    body = submission_body(WorksSubmission(
        framework=BillingFramework.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR,
        invoice_number="SIT-03", invoice_date=date(2026, 3, 31), supplier_id=26000004,
        recipient_siret="21750001600019", recipient_service_code="SERV_TECH",
        project_manager=WorksParty(identifier="79812345100014"),
        totals=InvoiceTotals(total_excl_tax=Decimal("84250.50"), total_vat=Decimal("16850.10"),
                             total_incl_tax=Decimal("101100.60"),
                             amount_due=Decimal("101100.60")),
        main_attachment=MainAttachment(attachment_id=6921001, designation="sit.pdf")))

    assert body["cadreDeFacturation"] == {
        "codeCadreFacturation": "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"}
    assert body["moe"] == {"identifiantMoe": "79812345100014", "typeIdentifiantMoe": "SIRET"}
    assert "moa" not in body and "idPiecePrecedente" not in body
    assert body["pieceJointePrincipale"] == [{"pieceJointePrincipaleDesignation": "sit.pdf",
                                              "pieceJointePrincipaleId": 6921001}]
    assert '"montantHtTotal":84250.50' in dumps(body)


def test_a_search_sends_its_role_and_lists():
    body = search_body(WorksInvoiceSearch(
        role=WorksUserRole.MOA, statuses=(InvoiceStatus.A_ASSOCIER_MOA,),
        works_types=(WorksInvoiceType.ETAT_ACOMPTE,), only_without_next_piece=True))

    assert body == {"roleUtilisateur": "MOA", "listeStatutCourant": ["A_ASSOCIER_MOA"],
                    "listeTypeFactureTravaux": ["ETAT_ACOMPTE"],
                    "uniquementSansPieceSuivante": True}

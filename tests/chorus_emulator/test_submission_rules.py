import base64
import json

import pytest

from tests.chorus_emulator.conftest import (
    COMMUNE,
    DISSOLVED,
    DRFIP,
    LYCEE,
    UNIVERSITE,
    invoice_body,
    submit,
)


def refused(caller, body) -> dict:
    payload = caller.call("factures/v1/soumettre", body)
    assert payload["codeRetour"] != 0, payload
    assert "identifiantFactureCPP" not in payload
    return payload


def upload(caller, name="facture.pdf", content=b"%PDF-1.4 test", extension="PDF") -> int:
    return caller.ok(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": base64.b64encode(content).decode(),
            "pieceJointeNom": name,
            "pieceJointeTypeMime": "application/pdf",
            "pieceJointeExtension": extension,
        },
    )["pieceJointeId"]


def test_it_accepts_a_consistent_invoice_and_answers_like_the_sandbox(supplier):
    payload = submit(supplier, number="FA-2026-0001")

    assert payload["libelle"] == "GCU_MSG_01_000"
    assert payload["statutFacture"] == "DEPOSEE"
    assert payload["numeroFacture"] == "FA-2026-0001"
    assert payload["identifiantStructure"] == "12345678200010"
    assert 1000000 <= payload["identifiantFactureCPP"] <= 9999999
    assert len(base64.b64decode(payload["empreinteCertificatDepot"])) == 32


def test_it_refuses_an_unknown_recipient(supplier):
    assert refused(supplier, invoice_body(recipient="99999999999999"))["codeRetour"] == 20005


def test_it_refuses_an_inactive_recipient(supplier):
    assert refused(supplier, invoice_body(recipient=DISSOLVED))["codeRetour"] == 20006


def test_it_refuses_a_missing_service_code(supplier):
    payload = refused(supplier, invoice_body(recipient=COMMUNE))

    assert payload["codeRetour"] == 20007
    assert "code service" in payload["libelle"]


def test_it_refuses_a_service_of_another_recipient(supplier):
    assert (
        refused(supplier, invoice_body(recipient=COMMUNE, service="INTENDANCE"))["codeRetour"]
        == 20008
    )


def test_it_refuses_an_inactive_service(supplier):
    assert (
        refused(supplier, invoice_body(recipient=COMMUNE, service="SERV_ANCIEN"))["codeRetour"]
        == 20009
    )


def test_it_accepts_an_active_service_of_the_recipient(supplier):
    submit(supplier, recipient=COMMUNE, service="SERV_TECH")


def test_it_refuses_factures_publiques_for_a_private_supplier(supplier):
    payload = refused(supplier, invoice_body(recipient=COMMUNE, service="FACTURES_PUBLIQUES"))

    assert payload["codeRetour"] == 20012


def test_it_accepts_factures_publiques_between_public_entities(lycee):
    body = invoice_body(recipient=COMMUNE, service="FACTURES_PUBLIQUES")
    body["fournisseur"] = {"idFournisseur": 25000004}

    assert lycee.ok("factures/v1/soumettre", body)["statutFacture"] == "DEPOSEE"


def test_it_refuses_a_missing_commitment_when_the_structure_requires_one(supplier):
    assert refused(supplier, invoice_body(recipient=DRFIP))["codeRetour"] == 20010


def test_it_refuses_an_unknown_commitment(supplier):
    assert refused(supplier, invoice_body(recipient=DRFIP, ej="EJ-9999"))["codeRetour"] == 20011


def test_it_accepts_an_existing_commitment(supplier):
    submit(supplier, recipient=DRFIP, ej="EJ-2026-0001")


def test_it_refuses_a_commitment_given_to_another_supplier(as_account):
    other = as_account("44306184100013")
    body = invoice_body(recipient=DRFIP, ej="EJ-2026-0001")
    body["fournisseur"] = {"idFournisseur": 26000002}

    assert refused(other, body)["codeRetour"] == 20011


def test_it_refuses_a_missing_commitment_when_the_service_requires_one(supplier):
    payload = refused(supplier, invoice_body(recipient=COMMUNE, service="SERV_CULTURE"))

    assert payload["codeRetour"] == 20010
    assert "SERV_CULTURE" in payload["libelle"]


def test_it_accepts_the_service_level_commitment(supplier):
    submit(supplier, recipient=COMMUNE, service="SERV_CULTURE", ej="EJ-CULT-0007")


@pytest.mark.parametrize(("service", "ej"), [("SERV_RECHERCHE", None), (None, "EJ-2026-0100")])
def test_it_accepts_either_a_service_or_a_commitment_when_either_is_enough(supplier, service, ej):
    submit(supplier, recipient=UNIVERSITE, service=service, ej=ej)


def test_it_refuses_neither_service_nor_commitment_when_either_is_required(supplier):
    assert refused(supplier, invoice_body(recipient=UNIVERSITE))["codeRetour"] == 20007


def test_it_refuses_a_supplier_the_account_is_not_attached_to(supplier):
    body = invoice_body()
    body["fournisseur"] = {"idFournisseur": 26000002}

    assert refused(supplier, body)["codeRetour"] == 20014


def test_it_refuses_a_duplicate_invoice_number_for_the_same_supplier(supplier):
    submit(supplier, number="FA-DOUBLON")

    payload = refused(supplier, invoice_body(number="FA-DOUBLON"))

    assert payload["codeRetour"] == 20015


def test_it_refuses_lines_that_do_not_add_up_to_the_ht_total(supplier):
    body = invoice_body()
    body["lignePoste"][0]["lignePosteQuantite"] = 3

    assert refused(supplier, body)["codeRetour"] == 20303


def test_it_refuses_vat_lines_that_do_not_add_up_to_the_vat_total(supplier):
    body = invoice_body()
    body["ligneTva"][0]["ligneTvaMontantTvaParTaux"] = 49

    assert refused(supplier, body)["codeRetour"] == 20304


def test_it_refuses_a_ttc_total_other_than_ht_plus_vat(supplier):
    body = invoice_body()
    body["montantTotal"]["montantTtcTotal"] = 300.02

    assert refused(supplier, body)["codeRetour"] == 20305


def test_it_tolerates_a_rounding_difference_of_one_cent(supplier):
    body = invoice_body()
    body["montantTotal"]["montantTtcTotal"] = 300.01

    assert supplier.ok("factures/v1/soumettre", body)["statutFacture"] == "DEPOSEE"


def test_it_requires_a_main_attachment_in_pdf_mode(supplier):
    body = invoice_body(modeDepot="DEPOT_PDF_API")

    assert refused(supplier, body)["codeRetour"] == 20013


def test_it_refuses_a_main_attachment_uploaded_by_another_account(supplier, lycee):
    foreign = upload(lycee)
    body = invoice_body(
        modeDepot="DEPOT_PDF_API",
        pieceJointePrincipale=[
            {"pieceJointePrincipaleDesignation": "Facture", "pieceJointePrincipaleId": foreign}
        ],
    )

    assert refused(supplier, body)["codeRetour"] == 20013


def test_it_accepts_a_pdf_invoice_with_its_uploaded_main_attachment(supplier):
    own = upload(supplier)
    body = invoice_body(
        modeDepot="DEPOT_PDF_API",
        pieceJointePrincipale=[
            {"pieceJointePrincipaleDesignation": "Facture", "pieceJointePrincipaleId": own}
        ],
    )

    payload = supplier.ok("factures/v1/soumettre", body)
    detail = supplier.ok(
        "factures/v1/consulter/fournisseur",
        {"identifiantFactureCPP": payload["identifiantFactureCPP"]},
    )

    assert detail["facture"]["pieceJointePrincipale"]["idPieceJointePrincipale"] == own


def test_it_generates_a_number_when_saisie_api_gives_none(supplier):
    body = invoice_body()
    del body["numeroFactureSaisi"]

    payload = supplier.ok("factures/v1/soumettre", body)

    assert len(payload["numeroFacture"]) == 20 and payload["numeroFacture"].isdigit()


def test_it_refuses_an_unknown_billing_framework(supplier):
    body = invoice_body(cadreDeFacturation={"codeCadreFacturation": "A99_INVENTE"})

    assert refused(supplier, body)["codeRetour"] == 20017


def test_it_requires_a_validator_for_a_subcontractor_invoice(supplier):
    body = invoice_body(cadreDeFacturation={"codeCadreFacturation": "A9_FACTURE_SOUSTRAITANT"})

    assert refused(supplier, body)["codeRetour"] == 20018


def test_it_refuses_bank_details_of_another_supplier(supplier):
    body = invoice_body()
    body["fournisseur"]["codeCoordonneesBancairesFournisseur"] = 31000003

    assert refused(supplier, body)["codeRetour"] == 20019


def test_it_answers_400_for_a_wrong_field_type(supplier):
    body = invoice_body()
    body["fournisseur"]["idFournisseur"] = {"oops": 1}

    assert supplier.post("factures/v1/soumettre", body).status_code == 400


def test_it_reports_a_missing_mandatory_field(supplier):
    body = invoice_body()
    del body["montantTotal"]

    assert refused(supplier, body)["codeRetour"] == 20017


def test_lycee_has_no_routing_rule(supplier):
    assert submit(supplier, recipient=LYCEE)["statutFacture"] == "DEPOSEE"


@pytest.mark.parametrize("amount", [float("nan"), float("inf")])
def test_it_answers_400_for_an_amount_that_is_not_a_number(supplier, amount):
    body = invoice_body()
    body["montantTotal"]["montantTtcTotal"] = amount
    text = json.dumps(body)  # NaN / Infinity in the JSON text, as a careless client sends them

    response = supplier.session.post(
        f"{supplier.emulator.api_base_url}/cpro/factures/v1/soumettre",
        data=text.encode(),
        headers=supplier.headers(),
        timeout=30,
    )

    assert response.status_code == 400
    assert "montantTtcTotal" in response.json()["libelle"]


@pytest.mark.slow
def test_it_refuses_an_invoice_over_100_mb_with_its_files(supplier):
    # Annex §1.3: 100 MB for an invoice. Ten supporting files of 10 MB (each allowed) plus the
    # main document go a few bytes over; one file less is accepted.
    main_id = upload(supplier)
    ten_mb = b"%PDF-1.4 " + b"0" * (10 * 1024 * 1024 - 9)
    supporting = [
        {
            "pieceJointeComplementaireId": upload(supplier, f"annexe-{n}.pdf", ten_mb),
            "pieceJointeComplementaireDesignation": f"Annexe {n}",
        }
        for n in range(10)
    ]
    body = invoice_body(
        modeDepot="DEPOT_PDF_API",
        pieceJointePrincipale=[
            {"pieceJointePrincipaleId": main_id, "pieceJointePrincipaleDesignation": "Facture"}
        ],
        pieceJointeComplementaire=supporting,
    )

    payload = refused(supplier, body)

    assert payload["codeRetour"] == 20003
    assert "100 Mo" in payload["libelle"]
    del body["pieceJointeComplementaire"][-1]
    assert supplier.ok("factures/v1/soumettre", body)["statutFacture"] == "DEPOSEE"

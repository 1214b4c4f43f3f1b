"""Attachments searched and downloaded by object, the caller's attachments to structures, and
the payment-request search, raw (contract §3.9, §3.13, §4.5, §5.14)."""

import base64
import io
import zipfile

import pytest

from tests.chorus_emulator.conftest import (
    COMMUNE,
    COMMUNE_ID,
    LYCEE,
    LYCEE_ID,
    SUPPLIER,
    SUPPLIER_ID,
    VALIDATOR,
    submit,
)

DOWNLOAD = "transverses/v1/telecharger/pieceJointe"


def upload(caller, name="bon-de-commande.pdf", content=b"%PDF-1.4 bon") -> int:
    return caller.ok(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": base64.b64encode(content).decode(),
            "pieceJointeNom": name,
            "pieceJointeTypeMime": "application/pdf",
            "pieceJointeExtension": "PDF",
        },
    )["pieceJointeId"]


def test_my_account_s_files_are_what_it_uploaded(supplier, lycee):
    first = upload(supplier)
    upload(supplier, "devis-2026.pdf")

    payload = supplier.ok(
        "transverses/v1/rechercher/pj/moncompte",
        {
            "pieceJointeDesignation": "BON",
            "pieceJointeTypeId": 0,
            "parametresRecherche": {"nbResultatsParPage": 5},
        },
    )

    [item] = payload["listePiecesJointes"]
    assert (item["pieceJointeId"], item["pieceJointeDesignation"]) == (first, "bon-de-commande.pdf")
    assert item["pieceJointeExtension"] == "PDF"
    assert item["pieceJointeTypeCode"] == "UTILISATEUR_PJ"
    assert isinstance(item["pieceJointeUtilisateurId"], int)
    assert payload["parametresRetour"]["total"] == 1
    assert lycee.ok("transverses/v1/rechercher/pj/moncompte", {})["listePiecesJointes"] == []


def test_a_structure_s_documents_are_found_by_its_users_only(supplier, lycee):
    payload = supplier.ok("transverses/v1/rechercher/pj/structure", {"idStructureCPP": SUPPLIER_ID})

    assert [p["pieceJointeDesignation"] for p in payload["listePiecesJointes"]] == [
        "Extrait Kbis 2026",
        "Attestation URSSAF",
    ]
    first = payload["listePiecesJointes"][0]
    assert (first["pieceJointeStructureId"], first["pieceJointeStructureCode"]) == (
        SUPPLIER_ID,
        SUPPLIER,
    )
    assert first["pieceJointeTypeCode"] == "STRUCTURE_KBIS"
    only_kbis = supplier.ok(
        "transverses/v1/rechercher/pj/structure",
        {"idStructureCPP": SUPPLIER_ID, "pieceJointeTypeId": 6},
    )
    assert len(only_kbis["listePiecesJointes"]) == 1
    assert (
        lycee.call("transverses/v1/rechercher/pj/structure", {"idStructureCPP": SUPPLIER_ID})[
            "codeRetour"
        ]
        == 20020
    )


def downloaded(caller, body) -> bytes:
    return base64.b64decode(caller.ok(DOWNLOAD, body)["pieceJointe"])


def test_a_structure_s_documents_download_as_a_zip(supplier):
    content = downloaded(
        supplier,
        {"objetPieceJointe": "STRUCTURE_PIECEJOINTE", "structure": {"idStructure": SUPPLIER_ID}},
    )

    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert names == ["Extrait Kbis 2026.pdf", "Attestation URSSAF.pdf"]


def test_bank_details_download_as_ribs(supplier):
    content = downloaded(
        supplier,
        {
            "objetPieceJointe": "STRUCTURE_COORDONNEE_BANCAIRE",
            "structure": {"identifiantStructure": SUPPLIER, "typeIdentifiantStructure": "SIRET"},
        },
    )

    assert zipfile.ZipFile(io.BytesIO(content)).namelist() == [
        "RIB_31000001.pdf",
        "RIB_31000002.pdf",
    ]


def test_a_commitment_downloads_as_a_pdf_for_its_parties_only(supplier, lycee):
    content = downloaded(
        supplier,
        {
            "objetPieceJointe": "ENGAGEMENT_JURIDIQUE",
            "engagementJuridique": {"numeroEngagementJuridique": "EJ-2026-0001"},
        },
    )

    assert content.startswith(b"%PDF")
    refused = lycee.call(
        DOWNLOAD,
        {
            "objetPieceJointe": "ENGAGEMENT_JURIDIQUE",
            "engagementJuridique": {"numeroEngagementJuridique": "EJ-2026-0001"},
        },
    )
    assert refused["codeRetour"] == 20011


def test_my_own_files_download_as_they_were_uploaded(supplier):
    upload(supplier, content=b"%PDF-1.4 only one")

    assert downloaded(supplier, {"objetPieceJointe": "UTILISATEUR"}) == b"%PDF-1.4 only one"


def test_invoice_files_still_download_through_demande_paiement(supplier):
    invoice_id = submit(supplier)["identifiantFactureCPP"]

    content = downloaded(
        supplier,
        {
            "objetPieceJointe": "DEMANDE_PAIEMENT",
            "demandePaiement": {
                "avecPiecesJointesComplementaires": "NON",
                "format": "PDF",
                "listeFacture": [{"idFacture": invoice_id}],
            },
        },
    )

    assert content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"objetPieceJointe": "STRUCTURE_MANDAT", "structure": {"idStructure": SUPPLIER_ID}},
            20017,
        ),
        ({"objetPieceJointe": "SOLLICITATION", "sollicitation": {"idSollicitation": 4}}, 20017),
        ({"objetPieceJointe": "UTILISATEUR"}, 20017),
        (
            {"objetPieceJointe": "STRUCTURE_PIECEJOINTE", "structure": {"idStructure": LYCEE_ID}},
            20020,
        ),
        ({"objetPieceJointe": "AUTRE_CHOSE"}, 20017),
    ],
)
def test_what_cannot_be_downloaded_is_explained(supplier, body, code):
    payload = supplier.call(DOWNLOAD, body)

    assert payload["codeRetour"] == code
    assert "None" not in payload["libelle"] and "émulateur" not in payload["libelle"]


def test_my_account_lists_its_structures_with_their_services(commune):
    payload = commune.ok(
        "utilisateurs/v1/monCompte/recuperer/rattachements",
        {"parametresRecherche": {"nbResultatsParPage": 10}},
    )

    [attachment] = payload["listeStructureRattachement"]
    assert (attachment["idStructure"], attachment["identifiantStructure"]) == (COMMUNE_ID, COMMUNE)
    assert attachment["statutRattachementStructure"] == "ACTIF"
    codes = [s["codeService"] for s in attachment["listeServicesRattache"]]
    assert codes == ["FACTURES_PUBLIQUES", "SERV_TECH", "SERV_CULTURE", "SERV_ANCIEN"]
    assert payload["parametresRetour"]["total"] == 1


def test_a_manager_lists_a_user_s_attachments_to_its_structure(commune, supplier):
    own = commune.ok("structures/v1/lister/rattachementsutilisateur", {"idStructure": COMMUNE_ID})
    other = commune.ok(
        "structures/v1/lister/rattachementsutilisateur",
        {
            "identifiantStructure": COMMUNE,
            "typeIdentifiantStructure": "SIRET",
            "adresseEmailConnexionUtilisateur": supplier.login,
        },
    )

    assert (own["idStructure"], own["designationStructure"]) == (
        COMMUNE_ID,
        "Commune de Villeneuve",
    )
    assert [s["codeService"] for s in own["listeServices"]][:2] == [
        "FACTURES_PUBLIQUES",
        "SERV_TECH",
    ]
    assert own["listeServices"][0]["statutRattachement"] == "ACTIF"
    assert own["parametresRetour"]["total"] == 4
    assert other["listeServices"] == [] and other["premierService"] is False
    assert (
        supplier.call("structures/v1/lister/rattachementsutilisateur", {"idStructure": COMMUNE_ID})[
            "codeRetour"
        ]
        == 20020
    )


def test_payment_requests_of_every_space_in_one_search(emulator, supplier, lycee):
    sent = submit(supplier)["identifiantFactureCPP"]
    emulator.advance(10)
    submit(
        supplier,
        cadreDeFacturation={
            "codeCadreFacturation": "A9_FACTURE_SOUSTRAITANT",
            "codeStructureValideur": VALIDATOR,
        },
    )

    mine = supplier.ok("factures/v1/rechercher/demandePaiement", {})["listeDemandePaiement"]
    received = lycee.ok(
        "factures/v1/rechercher/demandePaiement", {"roleUtilisateur": "DESTINATAIRE"}
    )["listeDemandePaiement"]

    assert len(mine) == 2 and {m["nombreResultatTotal"] for m in mine} == {"2"}
    assert [r["idDemandePaiement"] for r in received] == [sent]
    item = received[0]
    assert (item["etatCourant"], item["dpOuDpArchive"]) == (
        "MISE_A_DISPOSITION",
        "DEMANDE_PAIEMENT",
    )
    assert (item["identifiantStructureFournisseur"], item["identifiantStructureDestinataire"]) == (
        SUPPLIER,
        LYCEE,
    )
    assert item["idStructureValideur1"] is None
    validated = [m for m in mine if m["idStructureValideur1"]]
    assert validated and validated[0]["cadreFacturation"] == "A9_FACTURE_SOUSTRAITANT"


def test_payment_requests_are_filtered_like_invoices(emulator, supplier):
    submit(supplier)
    second = submit(supplier)["identifiantFactureCPP"]
    emulator.set_status(second, "REJETEE", motif="Doublon")

    def found(**body):
        return [
            r["idDemandePaiement"]
            for r in supplier.ok("factures/v1/rechercher/demandePaiement", body)[
                "listeDemandePaiement"
            ]
        ]

    assert found(statutCourant="REJETEE") == [second]
    assert found(structureDestinataire={"idStructureDestinataire": LYCEE_ID}) != []
    assert found(dpOuDpArchive="DP_ARCHIVE") == []
    assert found(typeDemandePaiement="FACTURE_TRAVAUX") == []
    assert found(roleUtilisateur="DESTINATAIRE") == []
    assert (
        supplier.call("factures/v1/rechercher/demandePaiement", {"roleUtilisateur": "PILOTE"})[
            "codeRetour"
        ]
        == 20017
    )

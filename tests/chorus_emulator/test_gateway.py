"""What PISTE answers before Chorus Pro sees a request (annexe v6.1 §1.7), and small wire points
any client written from the contract relies on. Raw requests, as a client nobody here wrote."""

import base64

import pytest
import requests

from tests.chorus_emulator.conftest import JSON, LYCEE, OTHER_SUPPLIER, invoice_body
from tests.chorus_emulator.samples import cii_xml

RATES = "transverses/v1/recuperer/tauxtva"


def test_an_unknown_resource_is_a_403_from_the_gateway(lycee):
    response = lycee.post("factures/v1/nimporte/quoi", {})

    assert response.status_code == 403
    assert "/cpro/factures/v1/nimporte/quoi" in response.json()["error_description"]


def test_an_unknown_resource_is_403_even_without_a_token(emulator):
    response = requests.post(
        f"{emulator.api_base_url}/cpro/transverses/v1/inconnu", json={}, timeout=10
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    "accept",
    [
        "application/json;charset=utf-8",
        "application/json",
        "*/*",
        "application/*",
        "text/html, application/json;q=0.5",
        "APPLICATION/JSON; charset=UTF-8",
    ],
)
def test_an_accept_header_admitting_json_is_served(lycee, accept):
    response = lycee.post(RATES, {}, Accept=accept)

    assert response.status_code == 200
    assert response.json()["codeRetour"] == 0


@pytest.mark.parametrize(
    "accept",
    ["text/html", "application/xml", "application/json;q=0", "application/json;charset=iso-8859-1"],
)
def test_an_accept_header_refusing_json_is_415(lycee, accept):
    response = lycee.post(RATES, {}, Accept=accept)

    assert response.status_code == 415
    assert "application/json" in response.json()["error_description"]


def test_the_health_check_also_negotiates_its_answer(lycee):
    url = f"{lycee.emulator.api_base_url}/cpro/transverses/v1/health-check"
    bearer = {"Authorization": f"Bearer {lycee.token}"}

    assert (
        requests.get(url, headers={**bearer, "Accept": "text/plain"}, timeout=10).status_code == 415
    )
    assert (
        requests.get(url, headers={**bearer, "Accept": "application/json"}, timeout=10).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("header", "value", "status"),
    [
        ("Accept-Charset", "utf-8", 200),
        ("Accept-Charset", "iso-8859-1, *;q=0.1", 200),
        ("Accept-Charset", "iso-8859-1", 406),
        ("Accept-Charset", "utf-8;q=0", 406),
        ("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.8", 200),
        ("Accept-Language", "en-GB", 200),
        ("Accept-Language", "de-DE", 406),
    ],
)
def test_charset_and_language_that_cannot_be_served_are_406(lycee, header, value, status):
    assert lycee.post(RATES, {}, **{header: value}).status_code == status


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/xml", "application/json;charset=iso-8859-1"]
)
def test_a_body_not_declared_as_utf8_json_is_415(lycee, content_type):
    response = lycee.session.post(
        f"{lycee.emulator.api_base_url}/cpro/{RATES}",
        data=b"{}",
        headers=lycee.headers(**{"Content-Type": content_type}),
        timeout=10,
    )

    assert response.status_code == 415


def test_the_content_type_without_charset_is_accepted(lycee):
    assert lycee.post(RATES, {}, **{"Content-Type": "application/json"}).status_code == 200


@pytest.mark.parametrize(
    ("value", "sees_other_supplier"),
    [
        (False, True),
        ("false", True),
        ("FALSE", True),
        (True, False),
        ("true", False),
        (None, False),
    ],
)
def test_restreindre_structures_privees_reads_booleans_and_their_text(
    supplier, value, sees_other_supplier
):
    body = {
        "structure": {"identifiantStructure": OTHER_SUPPLIER, "typeIdentifiantStructure": "SIRET"}
    }
    if value is not None:
        body["restreindreStructuresPrivees"] = value

    found = supplier.ok("structures/v1/rechercher", body)["listeStructures"]

    assert bool(found) is sees_other_supplier


def test_a_main_attachment_without_its_id_is_explained_without_none(supplier):
    payload = supplier.call(
        "factures/v1/soumettre",
        invoice_body(
            modeDepot="DEPOT_PDF_API",
            pieceJointePrincipale=[{"pieceJointePrincipaleDesignation": "facture.pdf"}],
        ),
    )

    assert payload["codeRetour"] == 20013
    assert "None" not in payload["libelle"]
    assert "pièce jointe principale" in payload["libelle"]


def test_a_flow_document_without_supplier_is_explained_without_none(emulator, supplier):
    deposited = supplier.ok(
        "factures/v1/deposer/flux",
        {
            "fichierFlux": base64.b64encode(cii_xml("SANS-VENDEUR-1", LYCEE, seller="")).decode(),
            "nomFichier": "sans_vendeur.xml",
            "syntaxeFlux": "IN_DP_E1_CII_16B",
        },
    )
    emulator.advance(20)

    report = supplier.ok(
        "transverses/v1/consulterCRDetaille", {"numeroFluxDepot": deposited["numeroFluxDepot"]}
    )

    assert report["etatCourantDepotFlux"] == "IN_REJETE"
    [error] = report["listeErreurDP"]
    assert "None" not in error["libelleErreurDP"]
    assert "fournisseur" in error["libelleErreurDP"]


def test_every_answer_is_utf8_json(lycee):
    response = lycee.post(RATES, {})

    assert response.headers["Content-Type"] == JSON

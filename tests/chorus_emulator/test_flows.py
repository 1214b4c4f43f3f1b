"""deposer/flux: files really read, integrated by the clock, reported by consulterCR(Detaille)."""

import base64
import tracemalloc

import pytest

from chorus_emulator.invoice_files import parse_flow
from tests.chorus_emulator.conftest import COMMUNE, LYCEE
from tests.chorus_emulator.samples import (
    MEGABYTE,
    cii_xml,
    facturx_pdf,
    plain_pdf,
    tar_gz,
    tar_gz_bomb,
    ubl_xml,
)

FLOW_STEPS = 20  # four clock steps of 5 s: IN_RECU → … → final


def deposit(caller, content: bytes, name: str, syntax: str) -> str:
    payload = caller.ok(
        "factures/v1/deposer/flux",
        {
            "fichierFlux": base64.b64encode(content).decode(),
            "nomFichier": name,
            "syntaxeFlux": syntax,
            "avecSignature": False,
        },
    )
    assert payload["syntaxeFlux"] == syntax
    assert payload["numeroFluxDepot"].startswith("CPP") and len(payload["numeroFluxDepot"]) == 25
    return payload["numeroFluxDepot"]


def report(caller, flow: str) -> dict:
    return caller.ok("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": flow})


def flow_invoices(caller, flow: str) -> list[dict]:
    return caller.ok("factures/v1/rechercher/fournisseur", {"numeroFluxDepot": flow})[
        "listeFactures"
    ]


def test_a_facturx_pdf_becomes_an_invoice_the_recipient_receives(emulator, supplier, lycee):
    pdf = facturx_pdf("FX-2026-001", LYCEE)
    flow = deposit(supplier, pdf, "factur-x_FX-2026-001.pdf", "IN_DP_E2_CII_FACTURX")

    assert report(supplier, flow)["etatCourantDepotFlux"] == "IN_RECU"
    emulator.advance(5)
    assert report(supplier, flow)["etatCourantDepotFlux"] == "IN_TRAITE_SE_CPP"
    emulator.advance(FLOW_STEPS - 5)
    final = report(supplier, flow)

    assert final["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert final["listeErreurDP"] == [] and final["listeErreurTechnique"] == []
    [invoice] = flow_invoices(supplier, flow)
    assert invoice["numeroFacture"] == "FX-2026-001"
    assert invoice["modeDepot"] == "UPLOAD_API"
    assert invoice["montantTTC"] == 240
    emulator.advance(10)
    received = lycee.ok("factures/v1/rechercher/recipiendaire", {"numeroFacture": "FX-2026-001"})
    invoice_id = received["listeFactures"][0]["idFacture"]
    download = lycee.ok(
        "factures/v1/telecharger/groupe",
        {"listeFacture": [{"idFacture": invoice_id}], "format": "PDF"},
    )
    assert base64.b64decode(download["fichierResultat"]) == pdf


def test_a_cii_flow_follows_the_recipient_routing_rules(emulator, supplier):
    good = deposit(
        supplier, cii_xml("CII-001", COMMUNE, service="SERV_TECH"), "cii.xml", "IN_DP_E1_CII_16B"
    )
    bad = deposit(supplier, cii_xml("CII-002", COMMUNE), "cii2.xml", "IN_DP_E1_CII_16B")
    emulator.advance(FLOW_STEPS)

    assert report(supplier, good)["etatCourantDepotFlux"] == "IN_INTEGRE"
    rejected = report(supplier, bad)
    assert rejected["etatCourantDepotFlux"] == "IN_REJETE"
    assert rejected["listeErreurDP"][0]["numeroDP"] == "CII-002"
    assert "code service" in rejected["listeErreurDP"][0]["libelleErreurDP"]
    assert flow_invoices(supplier, bad) == []


def test_a_ubl_invoice_flow_is_integrated(emulator, supplier):
    flow = deposit(supplier, ubl_xml("UBL-001", LYCEE), "ubl.xml", "IN_DP_E1_UBL_INVOICE")
    emulator.advance(FLOW_STEPS)

    assert report(supplier, flow)["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert [i["numeroFacture"] for i in flow_invoices(supplier, flow)] == ["UBL-001"]


@pytest.mark.parametrize(
    ("document", "syntax", "expected"),
    [
        (lambda n: facturx_pdf(n, LYCEE, payment_means="30"), "IN_DP_E2_CII_FACTURX", "VIREMENT"),
        (lambda n: ubl_xml(n, LYCEE, payment_means="49"), "IN_DP_E1_UBL_INVOICE", "PRELEVEMENT"),
        (lambda n: cii_xml(n, LYCEE, payment_means="ZZZ"), "IN_DP_E1_CII_16B", "AUTRE"),
        (lambda n: cii_xml(n, LYCEE), "IN_DP_E1_CII_16B", None),
    ],
    ids=["facturx-transfer", "ubl-direct-debit", "other-code", "none"],
)
def test_the_file_payment_means_becomes_the_invoice_payment_mode(
    emulator, supplier, document, syntax, expected
):
    number = f"PM-{syntax[-5:]}-{expected}"
    flow = deposit(supplier, document(number), "facture.xml", syntax)
    emulator.advance(FLOW_STEPS)
    [invoice] = flow_invoices(supplier, flow)

    consulted = supplier.ok(
        "factures/v1/consulter/fournisseur",
        {"identifiantFactureCPP": invoice["identifiantFactureCPP"]},
    )["facture"]
    assert consulted["references"].get("modePaiement") == expected


def test_a_tar_gz_of_several_invoices_is_partially_integrated(emulator, supplier):
    bundle = tar_gz(
        {
            "a.xml": cii_xml("LOT-001", LYCEE),
            "b.xml": ubl_xml("LOT-002", LYCEE),
            "c.pdf": facturx_pdf("LOT-003", LYCEE),
            "d.xml": ubl_xml("LOT-004", "99999999999999"),
            "e.xml": cii_xml("LOT-005", LYCEE, ttc="999.00"),
        }
    )
    flow = deposit(supplier, bundle, "lot.tar.gz", "IN_DP_E1_CII_16B")
    emulator.advance(FLOW_STEPS)

    final = report(supplier, flow)
    assert final["etatCourantDepotFlux"] == "IN_INTEGRE_PARTIEL"
    assert sorted(e["numeroDP"] for e in final["listeErreurDP"]) == ["LOT-004", "LOT-005"]
    assert sorted(i["numeroFacture"] for i in flow_invoices(supplier, flow)) == [
        "LOT-001",
        "LOT-002",
        "LOT-003",
    ]


def test_a_number_already_used_is_listed_as_a_rejected_invoice(emulator, supplier):
    deposit(supplier, cii_xml("DUP-001", LYCEE), "first.xml", "IN_DP_E1_CII_16B")
    emulator.advance(FLOW_STEPS)
    again = deposit(supplier, cii_xml("DUP-001", LYCEE), "again.xml", "IN_DP_E1_CII_16B")
    emulator.advance(FLOW_STEPS)

    final = report(supplier, again)
    assert final["etatCourantDepotFlux"] == "IN_REJETE"
    assert final["listeErreurDP"][0]["numeroDP"] == "DUP-001"


def test_a_malformed_file_is_rejected_with_a_readable_technical_error(emulator, supplier):
    flow = deposit(supplier, b"<Invoice><unclosed>", "broken.xml", "IN_DP_E1_UBL_INVOICE")
    emulator.advance(FLOW_STEPS)

    final = report(supplier, flow)
    assert final["etatCourantDepotFlux"] == "IN_REJETE"
    [error] = final["listeErreurTechnique"]
    assert error["codeErreur"] == "XML_MAL_FORME"
    assert "mal formé" in error["libelleErreur"]


def test_a_pdf_without_facturx_xml_is_rejected(emulator, supplier):
    flow = deposit(supplier, plain_pdf(), "plain.pdf", "IN_DP_E2_CII_FACTURX")
    emulator.advance(FLOW_STEPS)

    final = report(supplier, flow)
    assert final["etatCourantDepotFlux"] == "IN_REJETE"
    assert final["listeErreurTechnique"][0]["codeErreur"] == "PDF_SANS_XML"


def test_a_bundle_with_a_malformed_member_integrates_the_rest(emulator, supplier):
    bundle = tar_gz({"ok.xml": cii_xml("MIX-001", LYCEE), "ko.txt": b"not an invoice"})
    flow = deposit(supplier, bundle, "mix.tar.gz", "IN_DP_E1_CII_16B")
    emulator.advance(FLOW_STEPS)

    final = report(supplier, flow)
    assert final["etatCourantDepotFlux"] == "IN_INTEGRE_PARTIEL"
    assert "ko.txt" in final["listeErreurTechnique"][0]["libelleErreur"]


def test_a_corrupt_archive_is_rejected(emulator, supplier):
    flow = deposit(supplier, b"\x1f\x8b" + b"garbage" * 10, "lot.tar.gz", "IN_DP_E1_CII_16B")
    emulator.advance(FLOW_STEPS)

    assert report(supplier, flow)["listeErreurTechnique"][0]["codeErreur"] == "ARCHIVE_ILLISIBLE"


@pytest.mark.parametrize("amount", ["NaN", "1E+30", "-INF", "1,5"])
def test_an_amount_that_is_not_a_decimal_number_rejects_the_file(emulator, supplier, amount):
    # EN 16931 amounts are xs:decimal: Chorus Pro's schema check refuses the file outright.
    flow = deposit(supplier, cii_xml("NAN-001", LYCEE, ttc=amount), "nan.xml", "IN_DP_E1_CII_16B")
    emulator.advance(FLOW_STEPS)

    final = report(supplier, flow)
    assert final["etatCourantDepotFlux"] == "IN_REJETE"
    [error] = final["listeErreurTechnique"]
    assert error["codeErreur"] == "MONTANT_INVALIDE"
    assert amount in error["libelleErreur"]
    assert flow_invoices(supplier, flow) == []


def test_a_decompression_bomb_is_rejected_without_being_unpacked(emulator, supplier):
    bomb = tar_gz_bomb([1200])  # 1.2 GB of zeros in one member
    assert len(bomb) < 2 * MEGABYTE
    flow = deposit(supplier, bomb, "lot.tar.gz", "IN_DP_E1_CII_16B")
    emulator.advance(FLOW_STEPS)

    final = report(supplier, flow)
    assert final["etatCourantDepotFlux"] == "IN_REJETE"
    [error] = final["listeErreurTechnique"]
    assert error["codeErreur"] == "TAILLE_DEPASSEE"
    assert "0-facture.xml" in error["libelleErreur"] and "100 Mo" in error["libelleErreur"]

    tracemalloc.start()
    try:
        parse_flow(bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * MEGABYTE  # the member's header was enough to refuse it


def test_an_archive_unpacking_beyond_100_mb_in_all_is_rejected(emulator, supplier):
    flow = deposit(supplier, tar_gz_bomb([60, 60]), "lot.tar.gz", "IN_DP_E1_CII_16B")
    emulator.advance(FLOW_STEPS)

    [error] = report(supplier, flow)["listeErreurTechnique"]
    assert error["codeErreur"] == "TAILLE_DEPASSEE"
    assert "L'archive dépasse" in error["libelleErreur"]


def test_an_archive_inside_the_archive_is_not_unpacked(emulator, supplier):
    inner = tar_gz({"b.xml": cii_xml("NEST-002", LYCEE)})
    bundle = tar_gz({"a.xml": cii_xml("NEST-001", LYCEE), "inner.tar.gz": inner})
    flow = deposit(supplier, bundle, "lot.tar.gz", "IN_DP_E1_CII_16B")
    emulator.advance(FLOW_STEPS)

    final = report(supplier, flow)
    assert final["etatCourantDepotFlux"] == "IN_INTEGRE_PARTIEL"
    assert "inner.tar.gz" in final["listeErreurTechnique"][0]["libelleErreur"]
    assert [i["numeroFacture"] for i in flow_invoices(supplier, flow)] == ["NEST-001"]


def test_consulter_cr_reports_the_flow_state_with_a_pdf_report(emulator, supplier):
    flow = deposit(supplier, cii_xml("CR-001", LYCEE), "cr.xml", "IN_DP_E1_CII_16B")
    emulator.advance(FLOW_STEPS)

    payload = supplier.ok("transverses/v1/consulterCR", {"numeroFluxDepot": flow})

    assert payload["etatCourantFlux"] == "IN_INTEGRE"
    assert base64.b64decode(payload["fichierCR"]).startswith(b"%PDF")


def test_another_account_cannot_read_the_flow_report(emulator, supplier, lycee):
    flow = deposit(supplier, cii_xml("CR-002", LYCEE), "cr.xml", "IN_DP_E1_CII_16B")

    assert (
        lycee.call("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": flow})["codeRetour"]
        == 20021
    )


def test_an_unknown_syntax_is_refused(supplier):
    payload = supplier.call(
        "factures/v1/deposer/flux",
        {
            "fichierFlux": base64.b64encode(b"<x/>").decode(),
            "nomFichier": "x.xml",
            "syntaxeFlux": "IN_DP_E9_INVENTE",
        },
    )

    assert payload["codeRetour"] == 20022


def test_deposer_pdf_reads_the_facturx_data_and_feeds_soumettre(emulator, supplier):
    from tests.chorus_emulator.conftest import invoice_body

    pdf = facturx_pdf("PDF-001", LYCEE)
    payload = supplier.ok(
        "factures/v1/deposer/pdf",
        {
            "fichierFacture": base64.b64encode(pdf).decode(),
            "nomFichier": "PDF-001.pdf",
            "formatDepot": "PDF_NON_SIGNE",
        },
    )

    assert payload["numeroFacture"] == "PDF-001"
    assert payload["codeDestinataire"] == LYCEE
    assert payload["montantAPayer"] == 240
    body = invoice_body(
        number="PDF-001",
        modeDepot="DEPOT_PDF_API",
        pieceJointePrincipale=[
            {
                "pieceJointePrincipaleDesignation": "Facture",
                "pieceJointePrincipaleId": payload["pieceJointeId"],
            }
        ],
    )
    assert supplier.ok("factures/v1/soumettre", body)["numeroFacture"] == "PDF-001"

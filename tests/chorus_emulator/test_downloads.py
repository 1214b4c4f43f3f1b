"""telecharger/groupe and telecharger/pieceJointe return real content."""

import base64
import io
import zipfile

from lxml import etree

from tests.chorus_emulator.conftest import LYCEE, invoice_body, submit


def upload(caller, name: str, content: bytes) -> int:
    return caller.ok(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": base64.b64encode(content).decode(),
            "pieceJointeNom": name,
            "pieceJointeTypeMime": "application/octet-stream",
            "pieceJointeExtension": name.rsplit(".", 1)[1].upper(),
        },
    )["pieceJointeId"]


def download(caller, ids, **options) -> bytes:
    payload = caller.ok(
        "factures/v1/telecharger/groupe",
        {"listeFacture": [{"idFacture": i} for i in ids], "format": "PDF", **options},
    )
    return base64.b64decode(payload["fichierResultat"])


def available(emulator, supplier, **kwargs) -> int:
    invoice_id = submit(supplier, **kwargs)["identifiantFactureCPP"]
    emulator.advance(10)
    return invoice_id


def test_it_returns_the_main_attachment_of_a_pdf_invoice(emulator, supplier, lycee):
    pdf = b"%PDF-1.4 the supplier's own invoice"
    main = upload(supplier, "facture.pdf", pdf)
    invoice_id = supplier.ok(
        "factures/v1/soumettre",
        invoice_body(
            modeDepot="DEPOT_PDF_API",
            pieceJointePrincipale=[
                {"pieceJointePrincipaleDesignation": "Facture", "pieceJointePrincipaleId": main}
            ],
        ),
    )["identifiantFactureCPP"]
    emulator.advance(10)

    assert download(lycee, [invoice_id]) == pdf


def test_it_generates_a_pdf_for_an_invoice_without_one(emulator, supplier, lycee):
    invoice_id = available(emulator, supplier, number="GEN-001")

    content = download(lycee, [invoice_id])

    assert content.startswith(b"%PDF")
    from pypdf import PdfReader

    assert "GEN-001" in PdfReader(io.BytesIO(content)).pages[0].extract_text()


def test_it_zips_several_invoices(emulator, supplier, lycee):
    first = submit(supplier, number="ZIP-001")["identifiantFactureCPP"]
    second = submit(supplier, number="ZIP-002")["identifiantFactureCPP"]
    emulator.advance(10)

    archive = zipfile.ZipFile(io.BytesIO(download(lycee, [first, second])))

    assert sorted(archive.namelist()) == ["ZIP-001.pdf", "ZIP-002.pdf"]


def test_it_zips_complementary_attachments_when_asked(emulator, supplier, lycee):
    extra = upload(supplier, "annexe.txt", b"detail des prestations")
    invoice_id = available(
        emulator,
        supplier,
        number="PJ-001",
        pieceJointeComplementaire=[
            {"pieceJointeComplementaireId": extra, "pieceJointeComplementaireDesignation": "Annexe"}
        ],
    )

    alone = download(lycee, [invoice_id], avecPiecesJointesComplementaires="NON")
    bundle = zipfile.ZipFile(
        io.BytesIO(download(lycee, [invoice_id], avecPiecesJointesComplementaires="OUI"))
    )

    assert alone.startswith(b"%PDF")
    names = bundle.namelist()
    assert "PJ-001.pdf" in names
    assert any(n.endswith("annexe.txt") for n in names)


def test_pivot_format_is_an_xml_document(emulator, supplier, lycee):
    invoice_id = available(emulator, supplier, number="PIV-001")

    content = download(lycee, [invoice_id], format="PIVOT")
    root = etree.fromstring(content)

    assert root.tag == "CPPFactures"
    assert root.findtext("CPPFacturePivotUnitaire/Facture/NumeroFacture") == "PIV-001"


def test_downloading_flips_the_downloaded_flag_and_records_the_action(emulator, supplier, lycee):
    invoice_id = available(emulator, supplier)
    download(lycee, [invoice_id])

    item = lycee.ok("factures/v1/rechercher/recipiendaire", {})["listeFactures"][0]
    history = supplier.ok("factures/v1/consulter/historique", {"idFacture": invoice_id})

    assert item["factureTelechargeeParDestinataire"] is True
    assert history["derniereAction"]["derniereActionCode"] == "TELECHARGEMENT_FACTURE"


def test_a_supplier_download_does_not_flip_the_recipient_flag(emulator, supplier, lycee):
    invoice_id = available(emulator, supplier)
    download(supplier, [invoice_id])

    item = lycee.ok("factures/v1/rechercher/recipiendaire", {})["listeFactures"][0]

    assert item["factureTelechargeeParDestinataire"] is False


def test_it_answers_413_beyond_the_maximum_bundle_size(emulator, supplier, lycee):
    emulator.configure(maxDownloadBytes=2000)
    extra = upload(supplier, "gros.txt", b"x" * 5000)
    invoice_id = available(
        emulator, supplier, pieceJointeComplementaire=[{"pieceJointeComplementaireId": extra}]
    )

    response = lycee.post(
        "factures/v1/telecharger/groupe",
        {
            "listeFacture": [{"idFacture": invoice_id}],
            "format": "PDF",
            "avecPiecesJointesComplementaires": "OUI",
        },
    )

    assert response.status_code == 413


def test_a_recipient_cannot_download_an_invoice_of_another_recipient(emulator, supplier, commune):
    invoice_id = available(emulator, supplier)

    payload = commune.call(
        "factures/v1/telecharger/groupe",
        {"listeFacture": [{"idFacture": invoice_id}], "format": "PDF"},
    )

    assert payload["codeRetour"] == 20001


def test_telecharger_piece_jointe_returns_the_invoice_document(emulator, supplier, lycee):
    invoice_id = available(emulator, supplier)

    payload = lycee.ok(
        "transverses/v1/telecharger/pieceJointe",
        {
            "objetPieceJointe": "DEMANDE_PAIEMENT",
            "demandePaiement": {
                "avecPiecesJointesComplementaires": "NON",
                "format": "PDF",
                "listeFacture": [{"idFacture": invoice_id}],
            },
        },
    )

    assert base64.b64decode(payload["pieceJointe"]).startswith(b"%PDF")


def test_the_recipient_sees_the_attachment_name_given_by_the_supplier(emulator, supplier, lycee):
    attachment = supplier.ok(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": base64.b64encode(b"%PDF-1.4").decode(),
            "pieceJointeNom": "devis-signe.pdf",
            "pieceJointeTypeMime": "application/pdf",
            "pieceJointeExtension": "PDF",
        },
    )["pieceJointeId"]
    invoice_id = supplier.ok(
        "factures/v1/soumettre",
        invoice_body(
            recipient=LYCEE,
            pieceJointeComplementaire=[
                {
                    "pieceJointeComplementaireId": attachment,
                    "pieceJointeComplementaireDesignation": "Devis signé",
                }
            ],
        ),
    )["identifiantFactureCPP"]
    emulator.advance(10)

    detail = lycee.ok("factures/v1/consulter/recipiendaire", {"identifiantFactureCPP": invoice_id})[
        "facture"
    ]

    assert [
        p["pieceJointeDesignation"] for p in detail["listeDesPiecesJointes"]["pieceJointe"]
    ] == ["Devis signé"]

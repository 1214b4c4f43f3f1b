"""Exchanges reported to the hook, and errors, never carry secrets or file contents."""

import base64
import json

import pytest

from chorus_client import (
    AttachmentUpload,
    ChorusError,
    DownloadFormat,
    FlowDeposit,
    FlowSyntax,
)

from .conftest import PDF_BYTES, SUPPLIER_SIRET, pdf_submission, secrets_of


def test_the_hook_receives_redacted_exchanges(supplier, emulator, recorded):
    upload = AttachmentUpload(file_name="justificatif.pdf", content=PDF_BYTES)
    supplier.transverses.upload_attachment(upload)
    submitted = supplier.supplier.submit(pdf_submission(supplier))
    supplier.supplier.deposit_flow(FlowDeposit(file_name="flux.xml", content=b"<Invoice/>" * 50,
                                               syntax=FlowSyntax.IN_DP_E1_UBL_INVOICE))
    emulator.add_fault("expired_token", operation="factures/v1/consulter/historique")
    supplier.supplier.history(submitted.invoice_id)
    token = supplier.transport.token()

    text = "\n".join(repr(exchange) for exchange in recorded.exchanges)
    for secret in [*secrets_of(emulator, SUPPLIER_SIRET), token]:
        assert secret not in text
    encoded = base64.b64encode(PDF_BYTES).decode()
    assert encoded[:40] not in text
    assert base64.b64encode(b"<Invoice/>" * 50).decode()[:40] not in text

    uploads = [e for e in recorded.exchanges if e.operation == "transverses/v1/ajouter/fichier"]
    assert json.loads(uploads[0].request_body)["pieceJointeFichier"] == (
        f"<redacted {len(PDF_BYTES)} bytes>")
    assert json.loads(uploads[0].request_body)["pieceJointeNom"] == "justificatif.pdf"
    token_call = next(e for e in recorded.exchanges if e.operation == "oauth/token")
    assert json.loads(token_call.request_body)["client_secret"] == "<redacted>"
    assert json.loads(token_call.response_body)["access_token"] == "<redacted>"
    submit = next(e for e in recorded.exchanges if e.operation == "factures/v1/soumettre")
    assert (submit.http_status, submit.return_code, submit.attempt) == (200, 0, 1)
    assert submit.started_at.tzinfo is not None
    assert json.loads(submit.response_body)["identifiantFactureCPP"] == submitted.invoice_id
    assert {e.attempt for e in recorded.exchanges
            if e.operation == "factures/v1/consulter/historique"} == {1, 2}


def test_downloaded_files_are_redacted_in_the_response_body(lycee, supplier, emulator,
                                                            recorded):
    submitted = supplier.supplier.submit(pdf_submission(supplier))
    emulator.set_status(submitted.invoice_id, "MISE_A_DISPOSITION")

    content = lycee.recipient.download([submitted.invoice_id], file_format=DownloadFormat.PDF)

    assert content
    download = recorded.exchanges[-1]
    assert download.operation == "factures/v1/telecharger/groupe"
    assert json.loads(download.response_body)["fichierResultat"] == (
        f"<redacted {len(content)} bytes>")


def test_errors_never_show_secrets(make_client, emulator, recorded):
    client = make_client(technical_password="Wrong-Password-99")
    with pytest.raises(ChorusError) as caught:
        client.structures.get_structure(26000001)
    for text in (str(caught.value), repr(caught.value), repr(client), repr(client.config),
                 recorded.text()):
        assert "Wrong-Password-99" not in text
        assert emulator.client_secret not in text

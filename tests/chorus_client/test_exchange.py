"""Offline tests of the redaction applied to exchanges."""

import base64
import json
import logging
from datetime import UTC, datetime

from chorus_client import Exchange
from chorus_client.exchange import body_text, redact, report


def test_it_replaces_file_contents_by_their_decoded_size():
    content = base64.b64encode(b"x" * 1234).decode()
    cleaned = redact({"pieceJointeFichier": content, "pieceJointeNom": "a.pdf",
                      "nested": [{"fichierFlux": content}]})
    assert cleaned == {"pieceJointeFichier": "<redacted 1234 bytes>", "pieceJointeNom": "a.pdf",
                       "nested": [{"fichierFlux": "<redacted 1234 bytes>"}]}


def test_it_keeps_attachment_lists_that_share_a_file_field_name():
    # In consultations "pieceJointe" is a list of descriptions, not a file.
    value = {"listeDesPiecesJointes": {"pieceJointe": [{"pieceJointeId": 5}]}}
    assert redact(value) == value


def test_it_redacts_secret_fields_and_literal_secrets_in_text():
    text = body_text({"client_secret": "s3cr3t", "access_token": "tok", "note": "pw=hunter2"},
                     ["hunter2"])
    assert text is not None
    data = json.loads(text)
    assert data == {"client_secret": "<redacted>", "access_token": "<redacted>",
                    "note": "pw=<redacted>"}


def test_a_failing_hook_is_logged_and_does_not_raise(caplog):
    def broken(exchange):
        raise RuntimeError("storage down")

    exchange = Exchange(operation="factures/v1/soumettre", method="POST",
                        started_at=datetime.now(UTC), duration_ms=3, http_status=200,
                        return_code=0, message="GCU_MSG_01_000", request_body="{}",
                        response_body="{}", attempt=1, error_kind=None)
    with caplog.at_level(logging.ERROR, logger="chorus_client"):
        report(broken, exchange)
    assert "exchange hook failed" in caplog.text

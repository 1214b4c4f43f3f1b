"""What the transport puts on the wire, checked offline with a recording session."""

import base64
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from chorus_client import (
    ChorusClient,
    ChorusConfig,
    ChorusProtocolError,
    ChorusRejectedError,
    ChorusTransientError,
)


class RecordingSession(requests.Session):
    """Answers like PISTE and Chorus Pro would, and keeps every request it was given."""

    def __init__(self, token_delay: float = 0.0):
        super().__init__()
        self.sent: list[dict] = []
        self.token_delay = token_delay
        self._lock = threading.Lock()
        self._tokens = 0

    def _answer(self, status: int, body: dict) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        return response

    def post(self, url, data=None, **kwargs):
        with self._lock:
            self.sent.append({"method": "POST", "url": url, "data": data, **kwargs})
            self._tokens += 1
            number = self._tokens
        time.sleep(self.token_delay)
        return self._answer(200, {"access_token": f"token-{number}", "token_type": "Bearer",
                                  "expires_in": 3600, "scope": "openid"})

    def request(self, method, url, data=None, headers=None, **kwargs):
        with self._lock:
            self.sent.append({"method": method, "url": url, "data": data, "headers": headers,
                              **kwargs})
        return self._answer(200, {"codeRetour": 0, "libelle": "TRA_MSG_00.000",
                                  "listeModePaiement": [{"modePaiement": "VIREMENT"}],
                                  "statusCode": "200"})


def make(session: RecordingSession) -> ChorusClient:
    config = ChorusConfig(token_url="https://oauth.test/api/oauth/token",
                          api_base_url="https://api.test/", client_id="app",
                          client_secret="s3cret", technical_login="TECH_1_123@cpro.fr",
                          technical_password="Mötdepasse:2026", connect_timeout=3,
                          read_timeout=30)
    return ChorusClient(config, session=session)


def test_it_asks_piste_for_a_client_credentials_token_with_scope_openid():
    session = RecordingSession()
    make(session).transverses.payment_modes()

    token_request = session.sent[0]
    assert token_request["url"] == "https://oauth.test/api/oauth/token"
    assert token_request["data"] == {"grant_type": "client_credentials", "client_id": "app",
                                     "client_secret": "s3cret", "scope": "openid"}
    assert token_request["timeout"] == (3, 30)


def test_every_api_call_carries_bearer_account_content_type_and_timeouts():
    session = RecordingSession()
    make(session).transverses.payment_modes()

    call = session.sent[1]
    assert call["url"] == "https://api.test/cpro/transverses/v1/recuperer/modereglements"
    assert call["method"] == "POST"
    assert call["data"] == b"{}"  # an empty body is sent as {}
    assert call["timeout"] == (3, 30)
    headers = call["headers"]
    assert headers["Authorization"] == "Bearer token-1"
    assert headers["Content-Type"] == "application/json;charset=utf-8"
    assert base64.b64decode(headers["cpro-account"]).decode("utf-8") == (
        "TECH_1_123@cpro.fr:Mötdepasse:2026")


def test_the_health_check_is_a_get_without_body():
    session = RecordingSession()
    assert make(session).transverses.health_check().ok

    call = session.sent[1]
    assert (call["method"], call["data"]) == ("GET", None)
    assert call["url"] == "https://api.test/cpro/transverses/v1/health-check"


def test_concurrent_calls_share_a_single_token_fetch():
    session = RecordingSession(token_delay=0.05)
    client = make(session)
    threads = [threading.Thread(target=client.transverses.payment_modes) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    token_requests = [s for s in session.sent if s["url"].endswith("/oauth/token")]
    assert len(token_requests) == 1
    assert len(session.sent) == 9


class ScriptedSession(RecordingSession):
    """API calls answer with the given status, body and headers."""

    def __init__(self, status: int, body: dict | None, headers: dict | None = None,
                 token_body: dict | None = None):
        super().__init__()
        self.status, self.body, self.headers = status, body, headers or {}
        self.token_body = token_body

    def post(self, url, data=None, **kwargs):
        if self.token_body is not None:
            return self._answer(200, self.token_body)
        return super().post(url, data=data, **kwargs)

    def request(self, method, url, data=None, headers=None, **kwargs):
        response = self._answer(self.status, self.body or {})
        if self.body is None:
            response._content = b""
        response.headers.update(self.headers)
        return response


def test_a_400_with_a_return_code_is_a_rejection():
    session = ScriptedSession(400, {"codeRetour": 400, "libelle": "Requête mal formatée"})
    with pytest.raises(ChorusRejectedError) as caught:
        make(session).transverses.payment_modes()
    assert (caught.value.code, caught.value.message) == (400, "Requête mal formatée")


def test_a_retry_after_given_as_a_date_becomes_seconds():
    moment = datetime.now(UTC) + timedelta(seconds=90)
    session = ScriptedSession(429, None, {"Retry-After": format_datetime(moment, usegmt=True)})
    with pytest.raises(ChorusTransientError) as caught:
        make(session).transverses.payment_modes()
    assert caught.value.retry_after is not None
    assert 80 <= caught.value.retry_after <= 90


def test_a_success_without_a_return_code_is_a_protocol_error():
    session = ScriptedSession(200, {"listeModePaiement": []})
    with pytest.raises(ChorusProtocolError, match="codeRetour"):
        make(session).transverses.payment_modes()


def test_a_token_answer_without_a_usable_token_is_a_protocol_error():
    session = ScriptedSession(200, {}, token_body={"access_token": "", "expires_in": 3600,
                                                    "token_type": "Bearer"})
    with pytest.raises(ChorusProtocolError, match="token"):
        make(session).transverses.payment_modes()

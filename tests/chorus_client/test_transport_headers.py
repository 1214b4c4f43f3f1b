"""What the transport puts on the wire, checked offline with a recording session."""

import base64
import json
import threading
import time

import requests

from chorus_client import ChorusClient, ChorusConfig


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

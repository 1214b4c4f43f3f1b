"""Raw HTTP, as any client written from the doc would send it (no facturation_pro_client)."""

import json

import pytest
import requests

ATELIER, BUREAU = 48201, 48202
USER_AGENT = "Tests du portail (tests@portail-chorus.test)"
JSON = "application/json; charset=utf-8"


class Caller:
    """One API key: HTTP Basic, the User-Agent the doc asks for, paths below the base URL."""

    def __init__(self, fpro, firm_id: int):
        account = fpro.accounts[firm_id]
        self.base_url = fpro.base_url
        self.firm_id = firm_id
        self.auth = (account.api_id, account.api_key)
        self.session = requests.Session()

    def request(self, method: str, path: str, *, auth=True, headers=None,
                **kwargs) -> requests.Response:
        path = path.replace("FIRM_ID", str(self.firm_id))
        return self.session.request(
            method, self.base_url + path, auth=self.auth if auth is True else auth or None,
            headers={"User-Agent": USER_AGENT, **(headers or {})}, allow_redirects=False,
            timeout=30, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def send(self, method: str, path: str, body, **kwargs) -> requests.Response:
        """A JSON body with the Content-Type the doc's curl examples use."""
        return self.request(method, path, data=json.dumps(body),
                            headers={"Content-Type": JSON, **kwargs.pop("headers", {})},
                            **kwargs)

    def ok(self, path: str, **params):
        response = self.get(path, params=params or None)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def atelier(fpro) -> Caller:
    return Caller(fpro, ATELIER)


@pytest.fixture
def bureau(fpro) -> Caller:
    return Caller(fpro, BUREAU)

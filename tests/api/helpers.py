"""What the API tests share: a JSON client with a key, and a draft's body."""

import json

ATELIER = "12345678200010"  # the demo supplier (Atelier Numérique), with its Chorus Pro account
COMMUNE = "21750001600019"  # the demo commune: recipient, service code required


class ApiClient:
    """The Django test client speaking JSON with an API key."""

    def __init__(self, client, secret: str | None) -> None:
        self.client = client
        self.secret = secret

    def _headers(self, extra):
        headers = dict(extra)
        if self.secret is not None:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.secret}")
        return headers

    def get(self, path, params=None, **extra):
        return self.client.get(_url(path), params or {}, **self._headers(extra))

    def post(self, path, body=None, **extra):
        if isinstance(body, dict) and "files" in extra:
            extra.pop("files")
            return self.client.post(_url(path), body, **self._headers(extra))
        data = body if isinstance(body, str | bytes) else json.dumps(body or {})
        content_type = extra.pop("content_type", "application/json")
        return self.client.post(_url(path), data, content_type=content_type, **self._headers(extra))

    def upload(self, path, fields: dict, **extra):
        """A multipart/form-data POST (files as SimpleUploadedFile)."""
        return self.client.post(_url(path), fields, **self._headers(extra))

    def patch(self, path, body, **extra):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.patch(
            _url(path), data, content_type="application/json", **self._headers(extra)
        )

    def delete(self, path, **extra):
        return self.client.delete(_url(path), **self._headers(extra))


def _url(path: str) -> str:
    return path if path.startswith("/api/") else f"/api/v1/{path.lstrip('/')}"


def draft_body(**fields) -> dict:
    body = {
        "number": "API-0001",
        "recipient_siret": COMMUNE,
        "service_code": "SERV_TECH",
        "issue_date": "2026-11-20",
        "due_date": "2026-12-20",
        "payment_mode": "transfer",
        "lines": [
            {
                "description": "Maintenance",
                "quantity": "3",
                "unit": "DAY",
                "unit_price": "450.00",
                "vat_rate": "20",
            },
            {"description": "Pièces", "quantity": 2, "unit_price": "12.50", "vat_rate": "5.5"},
        ],
    }
    body.update(fields)
    return body

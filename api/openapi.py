"""The OpenAPI 3 description of the API, served at /api/v1/openapi.json (docs/api.md)."""

from copy import deepcopy

from django.conf import settings

from api.openapi_paths import PATHS, V1
from api.openapi_schemas import SCHEMAS


def _nullable(node):
    """OpenAPI 3.0 spells a nullable type ``nullable: true``, not ``type: [x, "null"]``."""
    if isinstance(node, dict):
        node = {key: _nullable(value) for key, value in node.items()}
        kind = node.get("type")
        if isinstance(kind, list) and "null" in kind:
            node["type"] = next(k for k in kind if k != "null")
            node["nullable"] = True
        return node
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    return node


def openapi_document(*, server_url: str = V1) -> dict:
    return _nullable(
        {
            "openapi": "3.0.3",
            "info": {
                "title": "Portail Chorus – integrator API",
                "version": "1.0.0",
                "description": "JSON in snake_case; lists paged with X-Pagination; errors as "
                '{"errors": {field: [messages]}}; per key '
                f"{settings.API_RATE_LIMIT_5_MINUTES} requests / 5 minutes and "
                f"{settings.API_RATE_LIMIT_DAY} / day (X-RateLimit-*, 429 + Retry-After). "
                "See docs/api.md.",
            },
            "servers": [{"url": server_url}],
            "security": [{"bearer": []}],
            "paths": deepcopy(PATHS),
            "components": {
                "schemas": deepcopy(SCHEMAS),
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer", "description": "An API key."}
                },
            },
        }
    )

"""The OpenAPI description is served, names every address the API answers, and the API fuzzed
from it (schemathesis, against a live server) never answers a 5xx."""

import os

import pytest
from django.urls import get_resolver

from api.openapi import openapi_document


def test_the_description_is_served_without_a_key(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/invoices" in document["paths"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_api_address_is_described():
    resolver = get_resolver()
    api_patterns = next(p for p in resolver.url_patterns if str(p.pattern) == "api/v1/")
    routes = {
        str(pattern.pattern).replace("<id:", "{").replace("<str:", "{").replace(">", "}")
        for pattern in api_patterns.url_patterns
        if not str(pattern.pattern).startswith("^")
    }
    routes -= {"openapi.json"}
    described = {path.lstrip("/") for path in openapi_document()["paths"]}
    assert routes == described


@pytest.mark.slow
def test_fuzzing_every_operation_finds_no_server_error(live_server, settings, atelier, make_key):
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings

    settings.API_RATE_LIMIT_5_MINUTES = 100_000
    settings.API_RATE_LIMIT_DAY = 100_000
    base_url = f"{live_server.url}/api/v1"
    schema = schemathesis.openapi.from_dict(openapi_document(server_url=base_url))
    headers = {"Authorization": f"Bearer {make_key(atelier)}"}
    failures = []

    def fuzz_operation(operation) -> None:
        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "12")),
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            response = case.call(base_url=base_url, headers=headers, timeout=30)
            if response.status_code >= 500:
                failures.append(
                    (operation.label, case.path_parameters, case.query, response.text[:300])
                )

        fuzz()

    for result in schema.get_all_operations():
        fuzz_operation(result.ok())
    assert failures == []

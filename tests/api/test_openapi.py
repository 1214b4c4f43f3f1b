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
def test_fuzzing_every_operation_finds_no_server_error(
    live_server, settings, atelier, commune, make_key, make_invoice
):
    """Each operation with generated input, often pointed at real objects of the key's
    structure (a draft with an attachment, a flow, a suspended invoice) rather than unknown
    ids; the received invoices' operations with a recipient's key too. API_FUZZ_EXAMPLES sets
    the examples per operation (8 by default: under a minute on the 2-core machine);
    API_FUZZ_SHOW=1 prints the answers counted by operation and status."""
    import schemathesis
    from django.core.files.uploadedfile import SimpleUploadedFile
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from api.models import ApiKey
    from tests.api.helpers import ApiClient, draft_body
    from tests.chorus_emulator.samples import cii_xml

    settings.API_RATE_LIMIT_5_MINUTES = 100_000
    settings.API_RATE_LIMIT_DAY = 100_000
    base_url = f"{live_server.url}/api/v1"
    schema = schemathesis.openapi.from_dict(openapi_document(server_url=base_url))
    supplier_key = make_key(atelier)
    recipient_key = make_key(commune, role=ApiKey.Role.RECIPIENT)
    from django.test import Client

    seeding = ApiClient(Client(), supplier_key)
    draft = seeding.post("invoices", draft_body()).json()
    attachment = seeding.upload(
        f"invoices/{draft['id']}/attachments",
        {"file": SimpleUploadedFile("devis.pdf", b"%PDF-1.7\n%%EOF\n")},
    ).json()
    flow = seeding.upload(
        "flows", {"files": [SimpleUploadedFile("a.xml", cii_xml("FZ-1", "19350936100013"))]}
    ).json()["flows"][0]
    received = make_invoice(
        atelier,
        commune,
        status="received",
        chorus_invoice_id=880001,
        chorus_status="MISE_A_DISPOSITION",
    )
    suspended = make_invoice(
        atelier,
        commune,
        status="submitted",
        chorus_invoice_id=880002,
        chorus_status="SUSPENDUE",
    )
    # The objects a case may be pointed at (none: the generated ids, mostly unknown).
    real_ids = {
        supplier_key: [
            {
                "invoice_id": draft["id"],
                "attachment_id": attachment["id"],
                "flow_id": flow["id"],
            },
            {"invoice_id": suspended.pk},
        ],
        recipient_key: [{"invoice_id": received.pk}],
    }
    failures = []
    seen = []
    examples = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))

    def fuzz_operation(operation, key: str) -> None:
        @given(case=operation.as_strategy(), real=st.integers(0, len(real_ids[key])))
        @hypothesis_settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case, real):
            parameters = case.path_parameters or {}
            for index, objects in enumerate(real_ids[key], 1):
                for name, value in objects.items():
                    if name not in parameters:
                        continue
                    if operation.method.upper() == "DELETE":
                        # The real objects stay for the other operations.
                        if parameters[name] == value:
                            parameters[name] = 10**12
                    elif real == index:
                        parameters[name] = value
            response = case.call(
                base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60
            )
            seen.append((operation.label, response.status_code))
            if response.status_code >= 500:
                failures.append(
                    (operation.label, case.path_parameters, case.query, response.text[:300])
                )

        fuzz()

    for result in schema.get_all_operations():
        operation = result.ok()
        fuzz_operation(operation, supplier_key)
        if operation.path.startswith("/received-invoices"):
            fuzz_operation(operation, recipient_key)
    if os.environ.get("API_FUZZ_SHOW"):
        from collections import Counter

        print(sorted(Counter(seen).items()))
    assert failures == []

"""The API's description (OpenAPI, no key needed), the key in use, and a JSON 404 for any other
address under /api/."""

from django.conf import settings
from django.views.decorators.http import require_GET

from api.endpoint import api_endpoint
from api.http import error, error_response, json_response
from api.openapi import openapi_document
from api.views.invoices import READ

ACTS_AS = {"supplier_agent": "supplier", "recipient_agent": "recipient", "validator": "validator"}


@require_GET
def openapi_json(request):
    return json_response(openapi_document(server_url=request.build_absolute_uri("/api/v1")))


@api_endpoint(methods={"GET": READ})
def me(request):
    api_key = request.api_key
    return json_response(
        {
            "name": api_key.name,
            "scope": api_key.scope,
            "acts_as": ACTS_AS[api_key.role],
            "structure": {"siret": api_key.structure.siret, "name": api_key.structure.name},
            "rate_limits": {
                "per_5_minutes": settings.API_RATE_LIMIT_5_MINUTES,
                "per_day": settings.API_RATE_LIMIT_DAY,
            },
        }
    )


def not_found(request, rest: str = ""):
    return error_response(error(404, "No such address in the API; see /api/v1/openapi.json."))

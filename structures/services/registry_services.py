"""A public structure's manager creates a service of the structure in Chorus Pro.

The view records the request (what was typed) and queues it; a worker creates the service
through the directory seam (``POST /cpro/organisations/v1/services``, the Référentiel des
Organisations' only way to create one, whichever source reads the directory), then stores the
service locally. The page polls the request's state; a refusal is explained in plain words and
the typed values come back in the form.

What the Référentiel can write (contract-works-and-new-apis §2.1 [S]): a new service with its
own routing parameter (``numeroEj``: a commitment number is required on its invoices), and the
structure's EDI settings. The structure's routing rules (service code required, commitment
required, either) and an existing service's settings have no write operation: they are changed
in Chorus Pro's own portal, and the portal reads them back at the next directory refresh.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_noop

from chorus_client import ChorusError, ChorusRejectedError
from chorus_client.types_organisations import ServiceCreation
from portal.jobs import enqueue
from structures.chorus import chorus_client_for, error_verdict
from structures.directory_source import directory_source_for
from structures.models import ChorusConnection, Service, Structure

SERVICE_CREATE_TASK = "structures.service_create"
# A request not picked up within this time (worker stopped) is shown as stalled and may be
# asked again; its outcome is kept this long for the page.
SERVICE_CREATE_WAIT_SECONDS = 60
SERVICE_CREATE_KEEP_SECONDS = 3600
# §2.0: the Référentiel's error names ([U] beyond NotFoundReference: the emulator's choice).
_ALREADY_EXISTS = "AlreadyExistingReference"

CODE_TAKEN = gettext_noop("Chorus Pro already has a service with this code for your structure.")
NOT_ALLOWED = (
    gettext_noop("Chorus Pro does not let this technical account create services here."),
    gettext_noop(
        "Check in Chorus Pro that the technical account is attached to your structure, and "
        "that the structure is active."
    ),
)


def _key(structure: Structure) -> str:
    return f"chorus-service-create:{structure.pk}"


def service_create_state(*, structure: Structure) -> dict[str, Any] | None:
    """The last creation request of the structure: ``{"state": "pending" | "stalled" | "done",
    "ok": bool, "data": {what was typed}, "message", "advice", "field", "code"}``, or None."""
    state = cache.get(_key(structure))
    if state is None:
        return None
    if state["state"] == "pending":
        waited = timezone.now().timestamp() - state["requested_at"]
        if waited > SERVICE_CREATE_WAIT_SECONDS:
            return {**state, "state": "stalled"}
    return state


def service_create_request(
    *, connection: ChorusConnection, data: dict[str, Any], requested_by: str
) -> bool:
    """Record a creation request and queue it; False when one is already pending."""
    structure = connection.structure
    current = service_create_state(structure=structure)
    if current is not None and current["state"] == "pending":
        return False
    request = {
        "state": "pending",
        "id": secrets.token_hex(8),
        "data": data,
        "requested_by": requested_by,
        "requested_at": timezone.now().timestamp(),
    }
    cache.set(_key(structure), request, timeout=SERVICE_CREATE_KEEP_SECONDS)
    enqueue(SERVICE_CREATE_TASK, connection.pk, request["id"])
    return True


def _finish(structure: Structure, request: dict, **outcome: Any) -> dict:
    finished = {**request, "state": "done", **outcome}
    cache.set(_key(structure), finished, timeout=SERVICE_CREATE_KEEP_SECONDS)
    return finished


def service_create_run(*, connection: ChorusConnection, request_id: str) -> dict | None:
    """Create the requested service in Chorus Pro (task side), then keep it locally. Safe to
    run twice: a request already done, or replaced by a newer one, is left alone."""
    structure = connection.structure
    request = cache.get(_key(structure))
    if request is None or request.get("id") != request_id or request["state"] != "pending":
        return None
    data = request["data"]
    creation = ServiceCreation(
        structure=structure.siret,
        code=data["code"],
        label=data["label"],
        description=data.get("description") or None,
        commitment_required=bool(data.get("commitment_required")),
    )
    try:
        with chorus_client_for(connection) as client:
            created = directory_source_for(client, connection.environment).create_service(creation)
    except ChorusRejectedError as refused:
        if refused.reason == _ALREADY_EXISTS:
            return _finish(structure, request, ok=False, message=CODE_TAKEN, field="code")
        if refused.http_status == 403:
            message, advice = NOT_ALLOWED
            return _finish(structure, request, ok=False, message=message, advice=advice)
        verdict = error_verdict(refused)
        detail = refused.message or ""
        return _finish(
            structure,
            request,
            ok=False,
            message=verdict.message,
            advice=verdict.advice,
            detail=detail[:300],
        )
    except ChorusError as error:
        verdict = error_verdict(error)
        return _finish(structure, request, ok=False, message=verdict.message, advice=verdict.advice)
    Service.objects.update_or_create(
        structure=structure,
        code=created.code[:100],
        defaults={
            "label": created.label[:200],
            "is_active": created.active,
            "commitment_required": created.commitment_required,
        },
    )
    return _finish(structure, request, ok=True, code=created.code)

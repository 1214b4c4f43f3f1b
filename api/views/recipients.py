"""The recipient directory by SIRET: routing rules and services, from the local copy while it
is fresh, otherwise read from Chorus Pro by a worker (202 with Retry-After meanwhile)."""

from api.endpoint import api_endpoint
from api.http import error, json_response
from api.representations import recipient_json
from api.views.invoices import READ
from structures.forms import DirectorySearchForm
from structures.selectors import connection_for_structure, directory_entries_for_supplier
from structures.services import directory_lookup

RETRY_SECONDS = "3"
ERRORS = {
    "no_connection": "Your structure has no Chorus Pro connection to look this SIRET up with.",
    "authentication": "Chorus Pro refused your structure's technical account.",
    "transient": "Chorus Pro did not answer; try again in a minute.",
    "refused": "Chorus Pro refused the lookup.",
}


@api_endpoint(methods={"GET": READ})
def recipient_by_siret(request, siret: str):
    form = DirectorySearchForm({"q": siret})
    query = form.query() if form.is_valid() else None
    if query is None or not query.siret:
        raise error(422, "A valid SIRET: 14 digits with a valid check digit.", "siret")
    structure = request.space.structure
    outcome = directory_lookup(
        connection=connection_for_structure(structure=structure), query=query
    )
    if outcome.state == "pending":
        return json_response(
            {"status": "pending", "detail": "Chorus Pro is being asked; ask again."},
            202,
            {"Retry-After": RETRY_SECONDS},
        )
    if outcome.state == "not_found":
        raise error(404, "Chorus Pro knows no structure with this SIRET.")
    if outcome.state == "error":
        status = 409 if outcome.error == "no_connection" else 503
        raise error(status, ERRORS.get(outcome.error, "The lookup failed."))
    entries = directory_entries_for_supplier(supplier=structure, structures=outcome.structures)
    return json_response(recipient_json(entries[0]))

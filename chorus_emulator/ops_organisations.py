"""Référentiel des Organisations (``/cpro/organisations/v1``, contract-works-and-new-apis §2): the
19 resources of ANNEX table §4.1, served from the same world as the Structures API.

Verbs: §2.1 [S: ZMOG-RO] for the resources it used; GET for every other read and POST for the
SIREN search and the service creation [U], as the contract proposes.
"""

from chorus_emulator import referentiel as ref
from chorus_emulator import rest, rest_search
from chorus_emulator.clock import histo_stamp
from chorus_emulator.operations import RawResponse, resource

BASE = "organisations/v1"
MAX_SERVICE_CODE = 100  # [U] the length limit of a service code is not documented
MAX_SERVICE_LABEL = 255  # [U]


def _listing(items: list, kind: str, reference: str) -> list:
    """§2.0 [S]: an empty attachment list is a 400 NotFoundReference, not []; we answer the
    same for bank accounts, the other "consulter" sub-resource [U]."""
    if not items:
        raise rest.not_found(kind, reference)
    return items


def _attachment(structures: list[dict], attachment_id: str, *, kind: str) -> dict:
    for structure, bank in ref.banks_of(structures):
        if ref.rib_uuid(bank) == attachment_id:
            return ref.attachment_shape(structure, bank, with_data=True)
    raise rest.not_found(kind, attachment_id)


# SIREN ----------------------------------------------------------------------------------------
@resource("GET", f"{BASE}/siren/{{uuid_identifiant}}")
def consulter_siren(ctx, request):
    siren, structures = ref.resolve_legal_unit(ctx, request.params["uuid_identifiant"])
    return ref.legal_unit_shape(siren, structures)


@resource("GET", f"{BASE}/siren/{{uuid_identifiant}}/structures")
def rechercher_structures_par_siren(ctx, request):
    _, structures = ref.resolve_legal_unit(ctx, request.params["uuid_identifiant"])
    return [ref.structure_shape(s) for s in structures]


@resource("GET", f"{BASE}/siren/{{uuid_identifiant}}/pieces_jointes")
def pieces_jointes_siren(ctx, request):
    siren, structures = ref.resolve_legal_unit(ctx, request.params["uuid_identifiant"])
    return _listing([ref.attachment_shape(s, bank, with_data=False)
                     for s, bank in ref.banks_of(structures)], "PiecesJointes",
                    ref.siren_uuid(siren))


@resource("GET", f"{BASE}/siren/{{uuid_identifiant}}/pieces_jointes/{{uuid}}")
def piece_jointe_siren(ctx, request):
    _, structures = ref.resolve_legal_unit(ctx, request.params["uuid_identifiant"])
    return _attachment(structures, request.params["uuid"], kind="PiecesJointes")


@resource("GET", f"{BASE}/siren/{{uuid_identifiant}}/coordonnees_bancaires")
def coordonnees_bancaires_siren(ctx, request):
    siren, structures = ref.resolve_legal_unit(ctx, request.params["uuid_identifiant"])
    return _listing([ref.bank_shape(s, bank) for s, bank in ref.banks_of(structures)],
                    "CoordonneesBancaires", ref.siren_uuid(siren))


@resource("GET", f"{BASE}/siren/{{uuid_identifiant}}/coordonnees_bancaires/{{uuid_pj}}")
def rib_siren(ctx, request):
    _, structures = ref.resolve_legal_unit(ctx, request.params["uuid_identifiant"])
    return _attachment(structures, request.params["uuid_pj"], kind="PiecesJointes")


@resource("POST", f"{BASE}/siren/recherche")
def rechercher_siren(ctx, request):
    units = [ref.legal_unit_shape(siren, structures)
             for siren, structures in sorted(ref.legal_units(ctx).items())]
    return rest_search.run(units, request.body, ref.LEGAL_UNIT_FIELDS)


# Structures -----------------------------------------------------------------------------------
@resource("GET", f"{BASE}/structures/{{uuid_identifiant}}")
def consulter_structure(ctx, request):
    return ref.structure_shape(ref.resolve_structure(ctx, request.params["uuid_identifiant"]))


@resource("POST", f"{BASE}/structures/recherche")
def rechercher_structures(ctx, request):
    structures = sorted(ref.visible_structures(ctx), key=lambda s: s["idStructureCPP"])
    return rest_search.run([ref.structure_shape(s) for s in structures], request.body,
                           ref.STRUCTURE_FIELDS)


@resource("GET", f"{BASE}/structures/{{uuid_identifiant}}/services")
def services_structure(ctx, request):
    """§2.1 #9 [S]: a bare array, inactive services included (as rechercher/services); [U] an
    empty one for a structure without services."""
    structure = ref.resolve_structure(ctx, request.params["uuid_identifiant"])
    return [ref.service_shape(structure, s) for s in structure.get("services", [])]


@resource("GET", f"{BASE}/structures/{{uuid_identifiant}}/coordonnees_bancaires")
def coordonnees_bancaires_structure(ctx, request):
    structure = ref.resolve_structure(ctx, request.params["uuid_identifiant"])
    return _listing([ref.bank_shape(structure, bank)
                     for bank in structure.get("listeCoordonneeBancaire", [])],
                    "CoordonneesBancaires", ref.structure_uuid(structure))


@resource("GET", f"{BASE}/structures/{{uuid_identifiant}}/coordonnees_bancaires/{{uuid_pj}}")
def rib_structure(ctx, request):
    structure = ref.resolve_structure(ctx, request.params["uuid_identifiant"])
    return _attachment([structure], request.params["uuid_pj"], kind="PiecesJointes")


@resource("GET", f"{BASE}/structures/{{uuid_identifiant}}/pieces_jointes")
def pieces_jointes_structure(ctx, request):
    structure = ref.resolve_structure(ctx, request.params["uuid_identifiant"])
    return _listing([ref.attachment_shape(structure, bank, with_data=False)
                     for bank in structure.get("listeCoordonneeBancaire", [])],
                    "PiecesJointes", ref.structure_uuid(structure))


@resource("GET", f"{BASE}/structures/{{uuid_identifiant}}/pieces_jointes/{{uuid}}")
def piece_jointe_structure(ctx, request):
    structure = ref.resolve_structure(ctx, request.params["uuid_identifiant"])
    return _attachment([structure], request.params["uuid"], kind="PiecesJointes")


@resource("PATCH", f"{BASE}/structures/{{uuid_identifiant}}/parametres-edi")
def modifier_parametres_edi(ctx, request):
    """§2.1 #11 [S]: ``{"reception_edi": bool, "connexion_edi": bool}``, either optional; 403 for
    a structure the account may not modify (we allow the accounts attached to it [U]); 204."""
    structure = ref.resolve_structure(ctx, request.params["uuid_identifiant"])
    if structure["idStructureCPP"] not in ctx.account.roles:
        raise rest.forbidden("Le compte n'est pas autorisé à modifier cette structure.")
    reception = rest.flag(request.body, "reception_edi")
    connection = rest.flag(request.body, "connexion_edi")
    params = structure.setdefault("parametres", {})
    # §2.3 [U pairing]: the same settings the Structures API shows as recevoirDonneesViaEDI and
    # connexionEDI.
    if reception is not None:
        params["recevoirDonneesViaEDI"] = reception
    if connection is not None:
        params["connexionEDI"] = connection
    if reception is not None or connection is not None:
        structure["derniereMaj"] = rest.iso_seconds(ctx.clock.now())
        ctx.store.save_world(ctx.world.document)
    return rest.no_content()


# Services -------------------------------------------------------------------------------------
@resource("GET", f"{BASE}/services/{{uuid}}")
def consulter_service(ctx, request):
    return ref.service_shape(*ref.find_service(ctx, request.params["uuid"]))


@resource("POST", f"{BASE}/services/recherche")
def rechercher_services(ctx, request):
    shapes = [ref.service_shape(structure, service)
              for structure in sorted(ref.visible_structures(ctx),
                                      key=lambda s: s["idStructureCPP"])
              for service in structure.get("services", [])]
    return rest_search.run(shapes, request.body, ref.SERVICE_FIELDS)


@resource("POST", f"{BASE}/services")
def creer_service(ctx, request):
    """§2.1 #17 [U]: the body is a Service object (§2.2.2) without its uuid and dates:
    ``rattachementOrganisation`` (uuid, SIRET or VAT number), ``codeService``, ``libelle``,
    optional ``description``, ``numeroEj`` and address fields. 201 with the created Service.
    The service joins the structure's services, so the Structures API lists it too."""
    body = request.body
    owner = rest.text(body, "rattachementOrganisation", required=True)
    code = rest.text(body, "codeService", required=True, max_length=MAX_SERVICE_CODE)
    label = rest.text(body, "libelle", required=True, max_length=MAX_SERVICE_LABEL)
    description = rest.text(body, "description", max_length=MAX_SERVICE_LABEL)
    commitment_required = rest.flag(body, "numeroEj")
    address = {key: rest.text(body, key, max_length=MAX_SERVICE_LABEL) for key in (
        "adresse", "complementAdresse1", "complementAdresse2", "codePostal", "ville", "pays",
        "telephone")}
    structure = ref.resolve_structure(ctx, owner)
    if structure["idStructureCPP"] not in ctx.account.roles:
        raise rest.forbidden("Le compte n'est pas autorisé à créer un service pour cette "
                             "structure.")
    if structure["statut"] != "ACTIVE":
        raise rest.bad_request("Impossible de créer un service pour une structure inactive.",
                               rest.BUSINESS_RULE)
    if any(s["codeService"] == code for s in structure.get("services", [])):
        raise rest.bad_request(f"Le service {code} existe déjà pour cette structure.",
                               rest.ALREADY_EXISTS)
    now = ctx.clock.now()
    stamp = rest.iso_seconds(now)
    service = {
        "idService": max(ctx.world.services, default=10000000) + 1,
        "codeService": code, "libelleService": label, "descriptionService": description,
        "estActif": True,
        # §2.2.2 [S]: numeroEj is "uniquement pour les structures publiques".
        "numeroEngagement": bool(commitment_required)
        and structure["typeStructure"] == "PUBLIQUE",
        "idStructure": structure["idStructureCPP"],
        "dateCreation": stamp, "dateDebutActivation": stamp, "derniereMaj": stamp,
        "dateDbtService": histo_stamp(now),  # what structures/v1/rechercher/services shows
        **{key: value for key, value in address.items() if value is not None},
    }
    structure.setdefault("services", []).append(service)
    ctx.world.services[service["idService"]] = service
    ctx.store.save_world(ctx.world.document)
    return rest.created(ref.service_shape(structure, service))


@resource("GET", f"{BASE}/healthcheck")
def healthcheck(ctx, request):
    # §2.1 #16 [S]: 200 with an empty body (ZMOG-RO, Feb. 2024).
    return RawResponse(200, None)

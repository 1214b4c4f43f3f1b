"""facturesTravaux/v1/rechercher: works pieces seen in one role, filtered in SQL
(contract-works §1.4.3)."""

from chorus_emulator.protocol import (
    BadRequest,
    BusinessError,
    Page,
    get_bool,
    get_int,
    get_list,
    get_str,
)
from chorus_emulator.search import _moment
from chorus_emulator.works_rules import (
    BAD_ROLE,
    DESTINATAIRE,
    FOURNISSEUR,
    MOA,
    MOE,
    SEARCH_ROLES,
    VALIDEUR,
    WORKS_ROLE,
    frameworks_of_types,
)

SORT_COLUMNS = {
    "idfacturetravaux": "i.id", "numerofacturetravaux": "i.numero", "datedepot": "i.deposited_at",
    "datefacturetravaux": "i.date_facture", "statutfacturetravaux": "i.status",
    "statut": "i.status", "dateheureetatcourant": "i.status_at", "cadrefacturation": "i.cadre",
    "typefacturetravaux": "i.cadre", "montantttc": "CAST(i.montant_ttc AS REAL)",
    "montantht": "CAST(i.montant_ht AS REAL)",
    "montantapayer": "CAST(i.montant_a_payer AS REAL)",
    # COMM-API's sample sorts on TypeDemandePaiement, the same for every works piece.
    "typedemandepaiement": "i.id",
}


def _marks(values) -> str:
    return ",".join("?" * len(values))


def _scope(account, role: str | None) -> tuple[str, list]:
    """Which pieces ``roleUtilisateur`` opens to the account."""
    if role not in SEARCH_ROLES:
        raise BusinessError(BAD_ROLE, f"Le rôle utilisateur (roleUtilisateur) doit être l'un de "
                                      f"{', '.join(SEARCH_ROLES)}.")
    mine = account.structures_with({DESTINATAIRE: "DESTINATAIRE",
                                    VALIDEUR: "VALIDATEUR"}.get(role, WORKS_ROLE))
    if not mine:
        raise BusinessError(BAD_ROLE, f"Ce compte n'est rattaché à aucune structure pour le "
                                      f"rôle {role}.")
    ids = _marks(mine)
    if role == FOURNISSEUR:
        return f"i.supplier_id IN ({ids})", mine
    if role in (MOE, MOA):
        column = "w.moe_id" if role == MOE else "w.moa_id"
        return (f"{column} IN ({ids}) AND (w.routed = 1 OR w.depositor_id IN ({ids}))",
                [*mine, *mine])
    if role == DESTINATAIRE:
        return f"i.recipient_id IN ({ids}) AND w.routed = 1", mine
    return f"i.validator_id IN ({ids}) AND i.visible_to_validator = 1", mine


def _texts(body: dict, name: str) -> list[str]:
    # COMM-API's sample sends listeStatutCourant as one string despite its name [U]: both work.
    value = body.get(name)
    if isinstance(value, str):
        return [value] if value else []
    items = get_list(body, name)
    if not all(isinstance(item, str) for item in items):
        raise BadRequest(f"Requête mal formatée : {name} doit être une liste de codes.")
    return items


def search(store, account, body: dict, page: Page) -> tuple[list, int]:
    scope, args = _scope(account, get_str(body, "roleUtilisateur"))
    where = [scope]

    def add(clause: str, *values) -> None:
        where.append(clause)
        args.extend(values)

    statuses = _texts(body, "listeStatutCourant")
    if statuses:
        add(f"i.status IN ({_marks(statuses)})", *statuses)
    types = _texts(body, "listeTypeFactureTravaux")
    if types:
        frames = frameworks_of_types(types)
        add(f"i.cadre IN ({_marks(frames)})" if frames else "0", *frames)
    for field, clause in (("idStructureFournisseur", "i.supplier_id = ?"),
                          ("idServiceFournisseur", "i.supplier_service_id = ?"),
                          ("idStructureMoe", "w.moe_id = ?"),
                          ("idServiceMoe", "w.moe_service_id = ?"),
                          ("idStructureMoa", "w.moa_id = ?"),
                          ("idServiceMoa", "w.moa_service_id = ?"),
                          ("idDestinataire", "i.recipient_id = ?"),
                          ("idServiceExecutant", "i.service_id = ?"),
                          ("idStructureValideur", "i.validator_id = ?"),
                          ("idDossierFacturation", "w.dossier_id = ?")):
        value = get_int(body, field)
        if value is not None:
            add(clause, value)
    for field, clause in (("cadreFacturation", "i.cadre = ?"),
                          ("numeroFactureTravaux", "i.numero = ?"),
                          ("numeroMarche", "i.numero_marche = ?"),
                          ("numeroBonCommande", "i.numero_bon_commande = ?"),
                          ("numeroFluxDepot", "i.flow_numero = ?"),
                          ("modeDepot", "i.mode_depot = ?"),
                          ("numeroDossierFacturation", "w.dossier_numero = ?")):
        value = get_str(body, field)
        if value:
            add(clause, value)
    if get_bool(body, "uniquementSansPieceSuivante"):
        add("w.next_id IS NULL")
    downloaded = get_bool(body, "flagTelecharge")
    if downloaded is not None:
        add("i.downloaded = ?", int(downloaded))
    for prefix, column in (("periodeDateHeureEtatCourant", "i.status_at"),
                           ("periodeDateDepot", "i.deposited_at")):
        since = _moment(body, prefix + "Du", end=False)
        until = _moment(body, prefix + "Au", end=True)
        if since is not None:
            add(f"{column} >= ?", since)
        if until is not None:
            add(f"{column} <= ?", until)
    since = get_str(body, "periodeDateFactureTravauxDu")
    until = get_str(body, "periodeDateFactureTravauxAu")
    if since:
        add("i.date_facture >= ?", since[:10])
    if until:
        add("i.date_facture <= ?", until[:10])
    for field, column, operator in (("montantHTMin", "montant_ht", ">="),
                                    ("montantHTMax", "montant_ht", "<="),
                                    ("montantTTCMin", "montant_ttc", ">="),
                                    ("montantTTCMax", "montant_ttc", "<="),
                                    ("montantAPayerMin", "montant_a_payer", ">="),
                                    ("montantAPayerMax", "montant_a_payer", "<=")):
        value = body.get(field)
        if value not in (None, ""):
            # COMM-API's sample sends these bounds as strings ("0").
            try:
                bound = float(value)
            except (TypeError, ValueError) as error:
                raise BadRequest(f"Requête mal formatée : {field} doit être un montant.") \
                    from error
            add(f"CAST(i.{column} AS REAL) {operator} ?", bound)

    order = SORT_COLUMNS.get((page.sort_column or "").lower(), "i.id")
    direction = "DESC" if page.descending else "ASC"
    clause = " AND ".join(where)
    joined = "FROM invoices i JOIN works_pieces w ON w.id = i.id"
    with store.lock:
        total = store.conn.execute(f"SELECT COUNT(*) {joined} WHERE {clause}",
                                   args).fetchone()[0]
        rows = store.conn.execute(
            f"SELECT i.*, w.* {joined} WHERE {clause} ORDER BY {order} {direction}, "
            f"i.id {direction} LIMIT ? OFFSET ?", (*args, page.size, page.offset)).fetchall()
    return rows, total

"""Invoice searches for the three sides, filtered in SQL so 10,000 invoices page quickly."""

from chorus_emulator.clock import parse_moment
from chorus_emulator.protocol import BadRequest, Page, get_bool, get_int, get_list, get_str
from chorus_emulator.works_rules import payment_request_clause

SORT_COLUMNS = {
    "identifiantfacturecpp": "id", "idfacture": "id", "numerofacture": "numero",
    "datedepot": "deposited_at", "datefacture": "date_facture", "statut": "status",
    "dateheureetatcourant": "status_at", "montantttc": "CAST(montant_ttc AS REAL)",
    "montantht": "CAST(montant_ht AS REAL)", "montantapayer": "CAST(montant_a_payer AS REAL)",
    "codedestinataire": "recipient_id", "codefournisseur": "supplier_id",
}

# Per side: the role, then each (structure column, visibility flag) through which an invoice is
# the caller's; a validator sees its invoices as first or as second validator.
SIDES = {
    "supplier": ("FOURNISSEUR", (("supplier_id", None),)),
    "recipient": ("DESTINATAIRE", (("recipient_id", "visible_to_recipient"),)),
    "validator": ("VALIDATEUR", (("validator_id", "visible_to_validator"),
                                 ("validator2_id", "visible_to_validator2"))),
}


def _statuses(body: dict) -> list[str]:
    statuses = []
    for item in get_list(body, "statutCourant"):
        if isinstance(item, str):
            statuses.append(item)
        elif isinstance(item, dict):
            # Some clients wrap each status in an object; take its only string value.
            statuses.extend(v for v in item.values() if isinstance(v, str))
        else:
            raise BadRequest("Requête mal formatée : statutCourant doit être une liste de "
                             "statuts.")
    return statuses


def _moment(body: dict, name: str, *, end: bool) -> float | None:
    value = get_str(body, name)
    if value is None:
        return None
    try:
        return parse_moment(value, end_of_day=end)
    except ValueError as error:
        raise BadRequest(f"Requête mal formatée : {name} n'est pas une date valide.") from error


def search(store, account, side: str, body: dict, page: Page) -> tuple[list, int]:
    role, scopes = SIDES[side]
    structures = account.structures_with(role)
    if not structures:
        return [], 0
    where: list[str] = []
    args: list = []

    def add(clause: str, *values) -> None:
        where.append(clause)
        args.extend(values)

    def add_in(col: str, values: list) -> None:
        if values:
            add(f"{col} IN ({','.join('?' * len(values))})", *values)

    marks = ",".join("?" * len(structures))
    add(" OR ".join(f"({column} IN ({marks})" + (f" AND {flag} = 1)" if flag else ")")
                    for column, flag in scopes), *(structures * len(scopes)))
    where[-1] = f"({where[-1]})"
    kind = payment_request_clause(side, get_str(body, "typeDemandePaiement"),
                                  [t for t in get_list(body, "listeTypeFactureTravaux")
                                   if isinstance(t, str)])
    if kind:
        add(kind)
    add_in("status", _statuses(body))
    for field, clause in (("numeroFacture", "numero = ?"),
                          ("numeroFluxDepot", "flow_numero = ?"),
                          ("typeFacture", "type_facture = ?"),
                          ("cadreFacturation", "cadre = ?"),
                          ("modeDepot", "mode_depot = ?"),
                          ("numeroBonCommande", "numero_bon_commande = ?"),
                          ("numeroMarche", "numero_marche = ?")):
        value = get_str(body, field)
        if value:
            add(clause, value)
    for field, clause in (("idDestinataire", "recipient_id = ?"),
                          ("idFournisseur", "supplier_id = ?"),
                          ("idServiceExecutant", "service_id = ?"),
                          ("idServiceFournisseur", "supplier_service_id = ?")):
        value = get_int(body, field)
        if value is not None:
            add(clause, value)
    validator = get_int(body, "idStructureValideur")
    if validator is not None:
        add("(validator_id = ? OR validator2_id = ?)", validator, validator)
    for field, key, col in (("listeDestinataire", "idDestinataire", "recipient_id"),
                            ("listeFournisseurs", "idFournisseur", "supplier_id")):
        ids = [get_int(item, key) for item in get_list(body, field) if isinstance(item, dict)]
        add_in(col, [i for i in ids if i is not None])
    for field, clause in (("factureTelechargeeParDestinataire", "downloaded = ?"),
                          ("rejetTraite", "rejet_traite = ?")):
        flag = get_bool(body, field)
        if flag is not None:
            add(clause, int(flag))
    for prefix, col in (("periodeDateHeureEtatCourant", "status_at"),
                        ("periodeDateDepot", "deposited_at")):
        since = _moment(body, prefix + "Du", end=False)
        until = _moment(body, prefix + "Au", end=True)
        if since is not None:
            add(f"{col} >= ?", since)
        if until is not None:
            add(f"{col} <= ?", until)
    since, until = get_str(body, "periodeDateFactureDu"), get_str(body, "periodeDateFactureAu")
    if since:
        add("date_facture >= ?", since[:10])
    if until:
        add("date_facture <= ?", until[:10])
    for field, col, op in (("montantTTCMin", "montant_ttc", ">="),
                           ("montantTTCMax", "montant_ttc", "<="),
                           ("montantHTMin", "montant_ht", ">="),
                           ("montantHTMax", "montant_ht", "<="),
                           ("montantApayerMin", "montant_a_payer", ">="),
                           ("montantApayerMax", "montant_a_payer", "<="),
                           ("montantAPayerMin", "montant_a_payer", ">="),
                           ("montantAPayerMax", "montant_a_payer", "<=")):
        value = body.get(field)
        if value not in (None, ""):
            add(f"CAST({col} AS REAL) {op} ?", float(value))

    # contract §2 [U]: the default order is unknown; we sort by invoice id ascending so that
    # pages stay stable while new invoices arrive during a paged "changed since" poll.
    order = SORT_COLUMNS.get((page.sort_column or "").lower(), "id")
    direction = "DESC" if page.descending else "ASC"
    clause = " AND ".join(where)
    with store.lock:
        total = store.conn.execute(f"SELECT COUNT(*) FROM invoices WHERE {clause}",  # noqa: S608
                                   args).fetchone()[0]
        rows = store.conn.execute(
            f"SELECT * FROM invoices WHERE {clause} ORDER BY {order} {direction}, id "  # noqa: S608
            f"{direction} LIMIT ? OFFSET ?", (*args, page.size, page.offset)).fetchall()
    return rows, total

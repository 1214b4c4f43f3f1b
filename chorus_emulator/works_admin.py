"""``POST /_emulator/seed/works``: a works piece of a works contract of the world, at any status,
with the visibility and deadlines it would have had, so a test starts where it needs to and moves
the clock from there. No rule is checked: this is the admin API."""

from decimal import Decimal

from chorus_emulator import invoices, works_flow, works_pieces
from chorus_emulator.clock import day
from chorus_emulator.protocol import ApiError
from chorus_emulator.works_rules import (
    DESTINATAIRE,
    FOURNISSEUR,
    HOLDER_OF,
    MOE,
    PAYMENT_DAYS,
    VALIDEUR,
    WORKS_STATUSES,
    framework,
)

VALIDATOR_STAGE = ("A_VALIDER_1", "VALIDEE_1", "REFUSEE_1", "ABSENCE_VALIDATION_1_HORS_DELAI",
                   "ERREUR_FOURNISSEUR_SUR_VALIDEUR")
RECIPIENT_STAGE = ("MISE_A_DISPOSITION", "SUSPENDUE", "REJETEE", "SERVICE_FAIT", "MANDATEE",
                   "MISE_A_DISPOSITION_COMPTABLE", "COMPTABILISEE", "MISE_EN_PAIEMENT")
SUBCONTRACTOR_FRAMEWORKS = ("A10_", "A11_")
COCONTRACTOR_FRAMEWORKS = ("A13_", "A14_")


def _bad(message: str) -> ApiError:
    return ApiError(400, {"error": message})


def _contract(app, number: str | None) -> dict:
    contracts = app.world.document.get("marchesTravaux", [])
    for contract in contracts:
        if number in (None, contract["numeroMarche"]):
            return contract
    raise _bad(f"no works contract {number!r} in the world")


def _company(contract: dict, cadre: str) -> tuple[int, int | None]:
    """(the billing file's company, its validator) for a framework of this contract."""
    if cadre.startswith(SUBCONTRACTOR_FRAMEWORKS):
        party = contract["sousTraitants"][0]
        return party["idStructureCPP"], party["idStructureValideur"]
    if cadre.startswith(COCONTRACTOR_FRAMEWORKS):
        party = contract["cotraitants"][0]
        return party["idStructureCPP"], party["idStructureValideur"]
    return contract["idStructureTitulaire"], None


def _place(store, clock, invoice, piece, status: str | None) -> None:
    """Put a freshly created piece at ``status`` as if it had got there now; by default where it
    first waits (its validator, or its holder)."""
    frame = framework(invoice["cadre"])
    if status is None:
        holder = VALIDEUR if frame.validator else works_flow.first_holder(frame, piece)
        works_flow.arrive(store, clock, invoice, piece, holder, at=clock.now(),
                          login="emulator-admin")
        return
    if status == "DEPOSEE":
        return  # the clock routes it, as after soumettre
    if status == "EN_COURS_ACHEMINEMENT":
        invoices.set_status(store, clock, invoice, status, login="emulator-admin")
        return
    if status in VALIDATOR_STAGE:
        holder = VALIDEUR
    elif status in HOLDER_OF:
        holder = HOLDER_OF[status]
    elif status in RECIPIENT_STAGE:
        holder = DESTINATAIRE
    else:
        holder = works_flow.first_holder(frame, piece)
    reached = works_flow.arrive(store, clock, invoice, piece, holder, at=clock.now(),
                                login="emulator-admin")
    if status == reached:
        return
    updates = {"due_at": None, "due_action": None}
    if status == "A_COMPLETER":
        updates["resume_status"] = reached
    works_pieces.update(store, invoice["id"], **updates)
    step = {}
    if status == "ABSENCE_VALIDATION_1_HORS_DELAI" and piece["moe_id"]:
        step["next_step_at"] = clock.now() + clock.step_delay
    invoices.set_status(store, clock, store.invoice(invoice["id"]), status,
                        login="emulator-admin", **step)


def seed(app, body: dict) -> dict:
    """Body: ``cadre`` (default A4), ``statut`` (default where the piece first waits),
    ``marche`` (default the world's first works contract), ``numero``, ``montantHt`` (VAT 20 %),
    ``idPiecePrecedente`` (linked, and marked ASSOCIEE)."""
    contract = _contract(app, body.get("marche"))
    cadre = body.get("cadre", "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR")
    frame = framework(cadre)
    if frame is None:
        raise _bad(f"{cadre!r} is not a works billing framework")
    status = body.get("statut")
    if status is not None and status not in WORKS_STATUSES:
        raise _bad(f"unknown works status {status!r}")
    world, store, clock = app.world, app.store, app.clock
    previous_id = body.get("idPiecePrecedente")
    previous = store.invoice(previous_id) if previous_id is not None else None
    old_piece = works_pieces.piece(store, previous_id) if previous is not None else None
    if previous_id is not None and old_piece is None:
        raise _bad(f"no works piece {previous_id}")
    company, validator = _company(contract, cadre)
    if previous is not None:
        company, validator = previous["supplier_id"], None
    recipient = world.structures[contract["destinataire"]["idStructureCPP"]]
    service = world.service_by_code(recipient["idStructureCPP"],
                                    contract["destinataire"]["codeServiceExecutant"])
    moe_service = world.service_by_code(contract["idStructureMoe"], contract["codeServiceMoe"])
    moa_service = world.service_by_code(contract["idStructureMoa"], contract["codeServiceMoa"])
    depositor = {FOURNISSEUR: company, MOE: contract["idStructureMoe"]}.get(
        frame.deposited_by, contract["idStructureMoa"])
    ht = Decimal(str(body.get("montantHt", "10000.00")))
    tva = (ht * Decimal("0.20")).quantize(Decimal("0.01"))
    with store.transaction():
        dossier_id = old_piece["dossier_id"] if old_piece else store.next_id("works_dossier")
        now = clock.now()
        piece_id = works_flow.create(store, clock, {
            "numero": body.get("numero") or f"TRX-{store.next_id('generated_number'):06d}",
            "supplier_id": company, "recipient_id": recipient["idStructureCPP"],
            "service_id": service["idService"] if service else None, "validator_id": validator,
            "cadre": cadre, "type_facture": "FACTURE", "mode_depot": "DEPOT_PDF_API",
            "date_facture": day(now), "numero_marche": contract["numeroMarche"],
            "numero_bon_commande": contract.get("numeroEngagementJuridique"),
            "montant_ht": ht, "montant_tva": tva, "montant_ttc": ht + tva,
            "montant_a_payer": ht + tva,
        }, {
            "dossier_id": dossier_id,
            "dossier_numero": (old_piece or {}).get("dossier_numero")
            or f"DF{day(now)[:4]}{dossier_id:08d}",
            "depositor_id": depositor, "depositor_role": frame.deposited_by,
            "previous_id": previous_id, "moe_id": contract["idStructureMoe"],
            "moe_service_id": moe_service["idService"] if moe_service else None,
            "moa_id": contract["idStructureMoa"],
            "moa_service_id": moa_service["idService"] if moa_service else None,
            "subcontracted": int(frame.subcontracted),
            "payment_days": recipient.get("delaiGlobalPaiementJours", PAYMENT_DAYS),
            "payment_start_at": (old_piece or {}).get("payment_start_at"),
            "payment_due_at": (old_piece or {}).get("payment_due_at"),
            "general_due_at": (old_piece or {}).get("general_due_at"),
        }, login="emulator-admin")
        if previous is not None:
            works_flow.associate(store, clock, previous, piece_id, replaced=False,
                                 login="emulator-admin")
        _place(store, clock, store.invoice(piece_id), works_pieces.piece(store, piece_id),
               status)
        invoice = store.invoice(piece_id)
    return {"idFactureTravaux": piece_id, "numeroFactureTravaux": invoice["numero"],
            "statutFactureTravaux": invoice["status"], "idDossierFacturation": dossier_id}

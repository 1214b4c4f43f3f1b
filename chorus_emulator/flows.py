"""deposer/flux and deposer/pdf: flow files really read (Factur-X PDF, CII, UBL, tar.gz) and
integrated into the shared world by the clock (contract §5.2, §3.12, §9.11)."""

import base64
import json

from chorus_emulator import invoice_files, invoices, rules
from chorus_emulator.clock import day, iso_ms
from chorus_emulator.protocol import (
    OK_FACTURES,
    OK_TRANSVERSES,
    BusinessError,
    decode_base64,
    get_str,
    ok,
)
from chorus_emulator.rules import FLOW_SYNTAX, FLOW_UNKNOWN, TTC_TOTAL

# contract §9.11 [U on the exact path]: intermediate states, one clock step each.
FLOW_PATH = ("IN_RECU", "IN_TRAITE_SE_CPP", "IN_EN_ATTENTE_TRAITEMENT_CPP",
             "IN_EN_COURS_TRAITEMENT_CPP")
FINAL_STATES = ("IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE")
MAX_FLOW_BYTES = 30 * 1024 * 1024  # annexe §1.5: 30 MB per flow deposited through the API
# contract §3.12 [U]: the sample's interface code; we give the same one to every syntax.
INTERFACE_CODE = "FSO1110A"


def deposit(ctx, body: dict) -> dict:
    content = decode_base64(get_str(body, "fichierFlux", required=True), "fichierFlux")
    name = get_str(body, "nomFichier", required=True)
    syntax = get_str(body, "syntaxeFlux", required=True)
    # contract §9.6 [S]: the syntaxes deposerFlux accepts, the list recuperer/syntaxeflux serves.
    if syntax not in ctx.world.referentiels.get("syntaxesFlux", []):
        raise BusinessError(FLOW_SYNTAX, f"La syntaxe de flux {syntax} est inconnue.")
    if len(content) > MAX_FLOW_BYTES:
        # [U] no documented code for an oversized flow: we reuse the attachment size code.
        raise BusinessError(rules.ATTACHMENT_TOO_LARGE, "Le flux dépasse la taille maximale "
                                                        "autorisée de 30 Mo.")
    now = ctx.clock.now()
    numero = f"CPP{ctx.store.next_id('flow'):022d}"
    ctx.store.conn.execute(
        "INSERT INTO flows (numero, owner, file_name, syntaxe, state, state_at, deposited_at, "
        "next_step_at, content) VALUES (?, ?, ?, ?, 'IN_RECU', ?, ?, ?, ?)",
        (numero, ctx.login, name, syntax, now, now, now + ctx.clock.step_delay, content))
    return ok(OK_FACTURES, numeroFluxDepot=numero, dateDepot=day(now), syntaxeFlux=syntax)


def deposit_pdf(ctx, body: dict) -> dict:
    """deposerPDFFacture (contract §5.4): store the PDF as an attachment and, as a stand-in for
    Chorus's OCR, prefill the fields from an embedded Factur-X XML when there is one."""
    content = decode_base64(get_str(body, "fichierFacture", required=True), "fichierFacture")
    name = get_str(body, "nomFichier", required=True)
    fmt = get_str(body, "formatDepot") or "PDF_NON_SIGNE"
    if fmt not in ("PDF_NON_SIGNE", "PDF_SIGNE_PADES", "PDF_SIGNE_XADES"):
        raise BusinessError(rules.INVALID_VALUE, f"Le format de dépôt {fmt} est inconnu.")
    extension = rules.check_attachment(name, "PDF", len(content))
    attachment_id = ctx.store.insert_attachment(ctx.login, name, "application/pdf", extension,
                                                content, ctx.clock.now())
    fields = dict.fromkeys(("numeroFacture", "dateFacture", "codeDestinataire",
                            "codeServiceExecutant", "codeFournisseur", "codeDeviseFacture",
                            "typeTva", "numeroBonCommande", "montantTtcAvantRemiseGlobalTTC",
                            "montantAPayer", "montantHtTotal", "montantTVA"))
    fields["typeFacture"] = "FACTURE"
    try:
        parsed = invoice_files.parse_document(content)
    except invoice_files.UnreadableFile:
        parsed = []
    if parsed:
        draft = parsed[0]
        fields.update(numeroFacture=draft["numero"], dateFacture=draft["date_facture"],
                      codeDestinataire=draft["buyer_siret"],
                      codeServiceExecutant=draft["service_code"],
                      codeFournisseur=draft["seller_siret"], codeDeviseFacture=draft["devise"],
                      typeFacture=draft["type_facture"], numeroBonCommande=draft["order_ref"],
                      montantTtcAvantRemiseGlobalTTC=draft["ttc"],
                      montantAPayer=draft["to_pay"], montantHtTotal=draft["ht"],
                      montantTVA=draft["tva"])
    return ok(OK_FACTURES, pieceJointeId=attachment_id, **fields)


def report(ctx, numero: str, *, detailed: bool) -> dict:
    flow = ctx.store.flow(numero)
    if flow is None or flow["owner"] != ctx.login:
        raise BusinessError(FLOW_UNKNOWN, f"Le flux {numero} est inconnu pour ce compte.")
    if detailed:
        return ok(OK_TRANSVERSES, numeroFluxDepot=numero, nomFichier=flow["file_name"],
                  codeInterfaceDepotFlux=INTERFACE_CODE,
                  dateDepotFlux=iso_ms(flow["deposited_at"]),
                  dateHeureEtatCourantFlux=iso_ms(flow["state_at"]),
                  etatCourantDepotFlux=flow["state"],
                  listeErreurDP=json.loads(flow["errors_dp"]),
                  listeErreurTechnique=json.loads(flow["errors_tech"]))
    from chorus_emulator.documents import flow_report_pdf  # reportlab only when asked

    return ok(OK_TRANSVERSES, numeroFluxDepot=numero, etatCourantFlux=flow["state"],
              dateDepotFlux=iso_ms(flow["deposited_at"]),
              dateHeureEtatCourantFlux=iso_ms(flow["state_at"]), nomFichierFlux=flow["file_name"],
              codeInterfaceFlux=INTERFACE_CODE, codeAppliPartenaire=None,
              designationPartenaire=None,
              fichierCR=base64.b64encode(flow_report_pdf(flow)).decode())


# Integration ---------------------------------------------------------------------------------
def apply_due_steps(app, now: float) -> int:
    due = app.store.conn.execute(
        "SELECT * FROM flows WHERE next_step_at IS NOT NULL AND next_step_at <= ? "
        "ORDER BY next_step_at", (now,)).fetchall()
    for flow in due:
        at = flow["next_step_at"]
        position = FLOW_PATH.index(flow["state"])
        if position + 1 < len(FLOW_PATH):
            app.store.conn.execute(
                "UPDATE flows SET state = ?, state_at = ?, next_step_at = ? WHERE numero = ?",
                (FLOW_PATH[position + 1], at, at + app.clock.step_delay, flow["numero"]))
        else:
            state, errors_dp, errors_tech = integrate(app, flow, at)
            app.store.conn.execute(
                "UPDATE flows SET state = ?, state_at = ?, next_step_at = NULL, errors_dp = ?, "
                "errors_tech = ? WHERE numero = ?",
                (state, at, json.dumps(errors_dp, ensure_ascii=False),
                 json.dumps(errors_tech, ensure_ascii=False), flow["numero"]))
    return len(due)


def integrate(app, flow, at: float) -> tuple[str, list, list]:
    """Create one invoice per parsed document; a business failure becomes a listeErreurDP
    entry and an unreadable file a listeErreurTechnique entry."""
    drafts, errors_tech = invoice_files.parse_flow(flow["content"])
    account = app.world.accounts.get(flow["owner"])
    errors_dp, created = [], 0
    for draft in drafts:
        try:
            _create_from_draft(app, account, flow, draft, at)
            created += 1
        except BusinessError as error:
            errors_dp.append({"identifiantFournisseur": draft["seller_siret"],
                              "identifiantDestinataire": draft["buyer_siret"],
                              "numeroDP": draft["numero"],
                              "libelleErreurDP": f"{error.libelle} (code {error.code})"})
    if created == 0:
        return "IN_REJETE", errors_dp, errors_tech
    if errors_dp or errors_tech:
        return "IN_INTEGRE_PARTIEL", errors_dp, errors_tech
    return "IN_INTEGRE", errors_dp, errors_tech


def _create_from_draft(app, account, flow, draft: dict, at: float) -> None:
    world = app.world
    if not draft["seller_siret"]:
        raise BusinessError(rules.SUPPLIER_NOT_ALLOWED, "Le document ne désigne pas le "
                                                        "fournisseur par un identifiant.")
    supplier = world.structures_by_siret.get(draft["seller_siret"])
    if supplier is None or account is None or not account.has_role(
            supplier["idStructureCPP"], "FOURNISSEUR"):
        raise BusinessError(rules.SUPPLIER_NOT_ALLOWED,
                            f"Le fournisseur {draft['seller_siret']} est inconnu ou n'est pas "
                            f"rattaché au compte qui a déposé le flux.")
    recipient, service = invoices.check_routing(world, supplier, draft["buyer_siret"],
                                                draft["service_code"], draft["order_ref"])
    cadre = draft["cadre"] if draft["cadre"] in world.referentiels.get(
        "cadresFacturation", []) else "A1_FACTURE_FOURNISSEUR"
    validator = invoices.check_validator(world, cadre, draft.get("validator_siret"))
    if draft["ttc"] is None or draft["ht"] is None or draft["tva"] is None:
        raise BusinessError(TTC_TOTAL, "Les montants HT, TVA et TTC du document sont "
                                       "obligatoires.")
    rules.check_ttc(draft["ht"], draft["tva"], draft["ttc"])
    invoices.check_number_free(app.store, supplier["idStructureCPP"], draft["numero"])
    attachment_id = app.store.insert_attachment(
        flow["owner"], draft["file_name"][-50:], draft["mime"], draft["extension"],
        draft["content"], at)
    invoices.create(app.store, app.clock, {
        "numero": draft["numero"], "supplier_id": supplier["idStructureCPP"],
        "recipient_id": recipient["idStructureCPP"],
        "service_id": service["idService"] if service else None,
        "validator_id": validator["idStructureCPP"] if validator else None,
        "validator2_id": (second["idStructureCPP"] if (second := invoices.second_validator(
            world, recipient, validator)) else None),
        "cadre": cadre, "type_facture": draft["type_facture"], "mode_depot": "UPLOAD_API",
        "date_facture": draft["date_facture"], "flow_numero": flow["numero"],
        "devise": draft["devise"] or "EUR", "numero_bon_commande": draft["order_ref"],
        "numero_marche": draft["contract_ref"], "montant_ht": draft["ht"],
        "montant_tva": draft["tva"], "montant_ttc": draft["ttc"],
        "montant_a_payer": draft["to_pay"] if draft["to_pay"] is not None else draft["ttc"],
        "data": {"lignePoste": draft["lines"], "ligneTva": draft["vat_lines"],
                 "modePaiement": draft.get("mode_paiement")},
    }, login=flow["owner"], attachments=[(attachment_id, "01", draft["file_name"])], at=at)

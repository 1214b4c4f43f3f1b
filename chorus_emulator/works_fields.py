"""The fields only works pieces carry, as the consult outputs name them (annexe change log V3.0
for consulterFactureParRecipiendaire [C]; contract-works §1.0, §1.4.2)."""

from chorus_emulator import works_pieces
from chorus_emulator.clock import iso_ms
from chorus_emulator.works_rules import works_type


def _named(world, structure_id, service_id) -> tuple[dict, dict]:
    structure = world.structures.get(structure_id) or {} if structure_id else {}
    service = world.services.get(service_id) or {} if service_id else {}
    return structure, service


def parties(world, invoice, piece) -> dict:
    """The MOE, MOA and validator of a piece, in cadreDeFacturation."""
    moe, moe_service = _named(world, piece["moe_id"], piece["moe_service_id"])
    moa, moa_service = _named(world, piece["moa_id"], piece["moa_service_id"])
    validator, _ = _named(world, invoice["validator_id"], None)
    return {
        "codeCadreFacturation": invoice["cadre"],
        "idMoe": piece["moe_id"], "typeIdentifiantMoe": moe.get("typeIdentifiantStructure"),
        "identifiantMoe": moe.get("identifiantStructure"),
        "raisonSocialeMoe": moe.get("raisonSocialeStructure"), "nomMoe": None, "prenomMoe": None,
        "designationMoe": moe.get("designationStructure"),
        "idServiceMoe": piece["moe_service_id"], "codeServiceMoe": moe_service.get("codeService"),
        "nomServiceMoe": moe_service.get("libelleService"),
        "idMoa": piece["moa_id"], "typeIdentifiantMoa": moa.get("typeIdentifiantStructure"),
        "identifiantMoa": moa.get("identifiantStructure"),
        "raisonSocialeMoa": moa.get("raisonSocialeStructure"),
        "designationMoa": moa.get("designationStructure"),
        "idServiceMoa": piece["moa_service_id"], "codeServiceMoa": moa_service.get("codeService"),
        "nomServiceMoa": moa_service.get("libelleService"),
        "idStructureValideur": invoice["validator_id"],
        "codeStructureValideur": validator.get("identifiantStructure"),
        "designationStructureValideur": validator.get("designationStructure"),
    }


def chain(world, store, piece) -> dict:
    """piecePrecedente and pieceSuivante, or None where there is none."""
    previous = store.invoice(piece["previous_id"]) if piece["previous_id"] else None
    following = store.invoice(piece["next_id"]) if piece["next_id"] else None
    result = {"piecePrecedente": None, "pieceSuivante": None}
    if previous is not None:
        recipient, service = _named(world, previous["recipient_id"], previous["service_id"])
        result["piecePrecedente"] = {
            "idPiecePrecedente": previous["id"], "numeroPiecePrecedente": previous["numero"],
            "cadreFacturationPiecePrecedente": previous["cadre"],
            "idDestinatairePiecePrecedente": previous["recipient_id"],
            "identifiantDestinatairePiecePrecedente": recipient.get("identifiantStructure"),
            "raisonSocialeDestinatairePiecePrecedente": recipient.get("raisonSocialeStructure"),
            "idServiceExecutantPiecePrecedente": previous["service_id"],
            "codeServiceExecutantPiecePrecedente": service.get("codeService"),
            "nomServiceExecutantPiecePrecedente": service.get("libelleService"),
        }
    if following is not None:
        result["pieceSuivante"] = {
            "idPieceSuivante": following["id"], "numeroPieceSuivante": following["numero"],
            "cadreFacturationPieceSuivante": following["cadre"],
        }
    return result


def _stamp(moment):
    return iso_ms(moment) if moment is not None else None


def deadlines(piece) -> dict:
    """contract-works §1.5: the delays the clock keeps, as ISO stamps [U: names ours]."""
    return {
        "dateReceptionMoe": _stamp(piece["moe_received_at"]),
        "dateLimiteTraitementMoe": _stamp(piece["moe_due_at"]),
        "dateLimiteValidation": _stamp(piece["validator_due_at"]),
        "dateDebutDelaiPaiement": _stamp(piece["payment_start_at"]),
        "dateLimitePaiement": _stamp(piece["payment_due_at"]),
        "delaiGlobalPaiementJours": piece["payment_days"],
        "dateLimiteDecompteGeneral": _stamp(piece["general_due_at"]),
    }


def add_to_detail(world, store, invoice, detail: dict) -> dict:
    """The works fields of a received piece's consultation (consulter/recipiendaire|valideur)."""
    piece = works_pieces.piece(store, invoice["id"])
    if piece is None:
        return detail
    detail["cadreDeFacturation"] = {**detail.get("cadreDeFacturation", {}),
                                    **parties(world, invoice, piece)}
    detail["references"] = {**detail.get("references", {}),
                            "typeFactureTravaux": works_type(invoice["cadre"])}
    detail.update(chain(world, store, piece), typeDemandePaiement="FACTURE_TRAVAUX",
                  idDossierFacturation=piece["dossier_id"],
                  numeroDossierFacturation=piece["dossier_numero"])
    return detail

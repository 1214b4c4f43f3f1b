"""The works contract of the emulator's world (docs/emulator-world.md) and raw-HTTP helpers to
deposit its pieces, as any client written from the public contract would."""

import base64
import itertools
from types import SimpleNamespace

from tests.chorus_emulator.conftest import Caller, fetch_token

CONTRACTOR, CONTRACTOR_ID = "53217846400014", 26000004  # BTP Construction SAS, titulaire
MOE_SIRET, MOE_ID = "79812345100014", 26000005  # Durand Architectes Ingénierie SARL
SUBCONTRACTOR, SUBCONTRACTOR_ID = "81456230200012", 26000006  # Électricité Martin SARL
COCONTRACTOR, COCONTRACTOR_ID = "12345678200010", 26000001  # Atelier Numérique SAS
OWNER, OWNER_ID = "21750001600019", 25000001  # Commune de Villeneuve: MOA and destinataire
LYCEE = "19350936100013"
CONTRACT = "MT-2026-014"
COMMITMENT = "EJ-TRX-2026-014"
API = "facturesTravaux/v1/"
DAY = 86400
ROUTING = 10  # two clock steps of 5 s: DEPOSEE → EN_COURS_ACHEMINEMENT → the holder

A4 = "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"
A7 = "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR"
A8 = "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR"
A10 = "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT"
A13 = "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT"
A15 = "A15_ETAT_ACOMPTE_MOE"
A17 = "A17_PROJET_DECOMPTE_GENERAL_MOE"
A19 = "A19_ETAT_ACOMPTE_VALIDE_MOA"
A20 = "A20_DECOMPTE_GENERAL_MOA"
A22 = "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE"
A23 = "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR"

PDF = b"%PDF-1.4\n% situation de travaux\n" + bytes(range(256)) + b"\n%%EOF\n"
_numbers = itertools.count(1)


def contract_parties(emulator) -> SimpleNamespace:
    """The contract's parties as technical accounts. Their token outlives the days the tests
    move the clock by (tokens expire on the emulated clock)."""
    emulator.configure(tokenTtl=400 * DAY)
    token = fetch_token(emulator)
    return SimpleNamespace(
        **{
            name: Caller(emulator, siret, token)
            for name, siret in (
                ("contractor", CONTRACTOR),
                ("moe", MOE_SIRET),
                ("subcontractor", SUBCONTRACTOR),
                ("cocontractor", COCONTRACTOR),
                ("owner", OWNER),
                ("lycee", LYCEE),
            )
        }
    )


def upload(caller) -> int:
    return caller.ok(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": base64.b64encode(PDF).decode(),
            "pieceJointeNom": "piece.pdf",
            "pieceJointeTypeMime": "application/pdf",
            "pieceJointeExtension": "PDF",
        },
    )["pieceJointeId"]


def piece_body(
    caller,
    cadre: str = A4,
    *,
    previous: int | None = None,
    ht: int = 10000,
    number: str | None = None,
    supplier_id: int = CONTRACTOR_ID,
    **overrides,
) -> dict:
    """A works piece as contract-works §1.4.4 proposes it: a first piece names its company,
    destinataire, MOE and MOA; a following piece names the piece it answers."""
    body = {
        "cadreDeFacturation": {"codeCadreFacturation": cadre},
        "numeroFactureTravaux": number or f"TRX-{next(_numbers):05d}",
        "dateFactureTravaux": "2026-03-31",
        "references": {
            "numeroMarche": CONTRACT,
            "numeroBonCommande": COMMITMENT,
            "deviseFacture": "EUR",
            "typeTva": "TVA_SUR_DEBIT",
        },
        "montantTotal": {
            "montantHtTotal": ht,
            "montantTVA": ht // 5,
            "montantTtcTotal": ht * 6 // 5,
            "montantAPayer": ht * 6 // 5,
        },
        "pieceJointePrincipale": [
            {
                "pieceJointePrincipaleId": upload(caller),
                "pieceJointePrincipaleDesignation": "piece.pdf",
            }
        ],
    }
    if previous is None:
        body.update(
            fournisseur={"idFournisseur": supplier_id},
            destinataire={"codeDestinataire": OWNER, "codeServiceExecutant": "SERV_TECH"},
            moe={
                "identifiantMoe": MOE_SIRET,
                "typeIdentifiantMoe": "SIRET",
                "codeServiceMoe": "DIR_TRAVAUX",
            },
            moa={
                "identifiantMoa": OWNER,
                "typeIdentifiantMoa": "SIRET",
                "codeServiceMoa": "SERV_TECH",
            },
        )
    else:
        body["idPiecePrecedente"] = previous
    body.update(overrides)
    return body


def submit(caller, cadre: str = A4, **kwargs) -> dict:
    return caller.ok(API + "soumettre", piece_body(caller, cadre, **kwargs))


def deposit(emulator, caller, cadre: str = A4, **kwargs) -> int:
    """Submit and let the clock route the piece to whoever holds it next."""
    piece_id = submit(caller, cadre, **kwargs)["idFactureTravaux"]
    emulator.advance(ROUTING)
    return piece_id


def consult(caller, piece_id: int) -> dict:
    return caller.ok(API + "consulter", {"idFactureTravaux": piece_id})["factureTravaux"]


def status(caller, piece_id: int) -> str:
    return consult(caller, piece_id)["statutFactureTravaux"]


def code(caller, operation: str, body: dict) -> int:
    return caller.call(API + operation, body)["codeRetour"]

"""The seeded world: OAuth clients, technical accounts, structures, services, commitments and
reference lists, loaded from a JSON fixture (documented in ``README.md``).

The world is kept in memory and stored in SQLite as the resolved fixture document (relative
password expiries turned into dates at seeding time, so a restart keeps the same dates). The
legacy APIs only read it; the new REST APIs change it in place (services created, EDI settings,
commitments) and store it again (``Store.save_world``), always inside an operation's transaction.
"""

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from chorus_emulator import referentiels
from chorus_emulator.clock import PARIS

DEFAULT_FIXTURE = Path(__file__).parent / "fixtures" / "world.json"

ROLES = ("FOURNISSEUR", "DESTINATAIRE", "VALIDATEUR", "FACTURES_TRAVAUX")


@dataclass(frozen=True)
class Account:
    login: str
    password: str
    password_expires_at: datetime
    roles: dict[int, frozenset[str]]  # idStructureCPP -> roles
    nom: str = ""
    prenom: str = ""

    def structures_with(self, role: str) -> list[int]:
        return [sid for sid, roles in self.roles.items() if role in roles]

    def has_role(self, structure_id: int | None, role: str) -> bool:
        return structure_id is not None and role in self.roles.get(structure_id, frozenset())


@dataclass
class World:
    document: dict
    clients: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    structures: dict[int, dict] = field(default_factory=dict)
    structures_by_siret: dict[str, dict] = field(default_factory=dict)
    services: dict[int, dict] = field(default_factory=dict)
    bank_accounts: dict[int, dict] = field(default_factory=dict)
    commitments: list[dict] = field(default_factory=list)

    @property
    def referentiels(self) -> dict:
        return self.document.get("referentiels", {})

    def service_by_code(self, structure_id: int, code: str) -> dict | None:
        for service in self.structures[structure_id].get("services", []):
            if service["codeService"] == code:
                return service
        return None

    def commitment(self, number: str) -> dict | None:
        for commitment in self.commitments:
            if commitment["numeroEngagementJuridique"] == number:
                return commitment
        return None

    def structure_of_service(self, service_id: int) -> dict:
        return self.structures[self.services[service_id]["idStructure"]]


def resolve_fixture(document: dict, now: datetime | None = None) -> dict:
    """Turn relative fields into absolute ones, so the stored world no longer depends on when
    it is read. ``passwordExpiresInDays`` becomes ``passwordExpiresAt`` (ISO date-time)."""
    now = now or datetime.now(PARIS)
    resolved = copy.deepcopy(document)
    for account in resolved.get("comptesTechniques", []):
        if "passwordExpiresAt" not in account:
            days = account.get("passwordExpiresInDays", 424)  # contract §1.3: 424-day lifetime
            moment = now + timedelta(days=days)
            account["passwordExpiresAt"] = moment.replace(microsecond=0).isoformat()
    return resolved


def load_fixture(path: str | Path | None = None) -> dict:
    with open(path or DEFAULT_FIXTURE, encoding="utf-8") as handle:
        return json.load(handle, parse_float=Decimal)


def build_world(document: dict) -> World:
    document["referentiels"] = referentiels.with_defaults(document.get("referentiels", {}))
    world = World(document=document)
    for client in document.get("oauthClients", []):
        world.clients[client["clientId"]] = client["clientSecret"]
    for structure in document.get("structures", []):
        sid = structure["idStructureCPP"]
        world.structures[sid] = structure
        world.structures_by_siret[structure["identifiantStructure"]] = structure
        for service in structure.get("services", []):
            service["idStructure"] = sid
            world.services[service["idService"]] = service
        for bank in structure.get("listeCoordonneeBancaire", []):
            world.bank_accounts[bank["idCoordonneeBancaire"]] = {**bank, "idStructure": sid}
    for account in document.get("comptesTechniques", []):
        roles = {}
        for link in account.get("rattachements", []):
            sid = link["idStructureCPP"]
            if sid not in world.structures:
                raise ValueError(f"account {account['login']} is attached to unknown {sid}")
            unknown = set(link["roles"]) - set(ROLES)
            if unknown:
                raise ValueError(f"unknown roles {sorted(unknown)} for {account['login']}")
            roles[sid] = frozenset(link["roles"]) | roles.get(sid, frozenset())
        expires = datetime.fromisoformat(account["passwordExpiresAt"])
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=PARIS)
        world.accounts[account["login"]] = Account(
            login=account["login"],
            password=account["password"],
            password_expires_at=expires,
            roles=roles,
            nom=account.get("nom", ""),
            prenom=account.get("prenom", ""),
        )
    world.commitments = list(document.get("engagementsJuridiques", []))
    return world

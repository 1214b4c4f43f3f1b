"""Wire conventions shared by every operation: envelopes, errors, JSON with Decimal money,
typed field readers and pagination (contract §2)."""

import base64
import binascii
import json
import re
from decimal import Decimal, InvalidOperation

OK_FACTURES = "GCU_MSG_01_000"  # contract §8.1 [C]: success libelle of factures operations
OK_TRANSVERSES = "TRA_MSG_00.000"  # contract §8.1 [C]: transverses and structures

DEFAULT_PAGE_SIZE = 10  # contract §2 [S]
# contract §2 [U]: the real maximum page size is unknown; OCA asks for 10000 successfully.
MAX_PAGE_SIZE = 10000


class ApiError(Exception):
    """An answer other than success, carried up to the HTTP layer."""

    def __init__(self, status: int, body: dict, headers: dict | None = None):
        super().__init__(body)
        self.status = status
        self.body = body
        self.headers = headers or {}


class BusinessError(ApiError):
    """contract §2: business failures come back as HTTP 200 with a non-zero codeRetour."""

    def __init__(self, code: int, libelle: str, **extra):
        super().__init__(200, {"codeRetour": code, "libelle": libelle, **extra})
        self.code = code
        self.libelle = libelle


class BadRequest(ApiError):
    """contract §2 [U]: malformed JSON or a wrong type → HTTP 400 with {codeRetour, libelle}.
    We put 400 in codeRetour too, since no real sample exists."""

    def __init__(self, libelle: str):
        super().__init__(400, {"codeRetour": 400, "libelle": libelle})


def ok(libelle: str = OK_TRANSVERSES, **fields) -> dict:
    return {"codeRetour": 0, "libelle": libelle, **fields}


# JSON ---------------------------------------------------------------------------------------
_DECIMAL_MARK = "\u0000dec:"
_DECIMAL_RE = re.compile('"\\\\u0000dec:([-+0-9.Ee]+)"')


def _mark_decimals(value):
    if isinstance(value, Decimal):
        return _DECIMAL_MARK + format(value.normalize() if value == value.to_integral() else value,
                                      "f")
    if isinstance(value, dict):
        return {key: _mark_decimals(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mark_decimals(item) for item in value]
    return value


def dumps(payload) -> bytes:
    """JSON with Decimal amounts written as exact JSON numbers (never through float)."""
    text = json.dumps(_mark_decimals(payload), ensure_ascii=False)
    return _DECIMAL_RE.sub(r"\1", text).encode("utf-8")


def loads(raw: bytes) -> dict:
    if not raw.strip():
        # contract §2 [C]: clients must send {} for an empty body; we tolerate nothing at all.
        return {}
    try:
        payload = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRequest(f"Requête mal formatée : JSON invalide ({error}).") from error
    if not isinstance(payload, dict):
        raise BadRequest("Requête mal formatée : un objet JSON est attendu.")
    return payload


# Field readers ------------------------------------------------------------------------------
MISSING_FIELD = 20017  # see rules.py for the catalogue of codes


def _missing(name: str) -> BusinessError:
    return BusinessError(MISSING_FIELD, f"Le champ obligatoire {name} n'est pas renseigné.")


def get_obj(body: dict, name: str, *, required: bool = False) -> dict:
    value = body.get(name)
    if value is None:
        if required:
            raise _missing(name)
        return {}
    if not isinstance(value, dict):
        raise BadRequest(f"Requête mal formatée : {name} doit être un objet.")
    return value


def get_list(body: dict, name: str) -> list:
    value = body.get(name)
    if value is None:
        return []
    if isinstance(value, dict):
        # contract §2: one-element lists sometimes travel as bare objects; accept both.
        return [value]
    if not isinstance(value, list):
        raise BadRequest(f"Requête mal formatée : {name} doit être une liste.")
    return value


def get_str(body: dict, name: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _missing(name)
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadRequest(f"Requête mal formatée : {name} doit être une chaîne.")
    return str(value)


def get_int(body: dict, name: str, *, required: bool = False) -> int | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _missing(name)
        return None
    if isinstance(value, bool):
        raise BadRequest(f"Requête mal formatée : {name} doit être un entier.")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral():
        return int(value)
    raise BadRequest(f"Requête mal formatée : {name} doit être un entier.")


def get_bool(body: dict, name: str) -> bool | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "oui", "non"):
        return value.lower() in ("true", "oui")
    raise BadRequest(f"Requête mal formatée : {name} doit être un booléen.")


def get_amount(body: dict, name: str, *, required: bool = False) -> Decimal | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _missing(name)
        return None
    if isinstance(value, bool):
        raise BadRequest(f"Requête mal formatée : {name} doit être un montant.")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as error:
        raise BadRequest(f"Requête mal formatée : {name} doit être un montant.") from error
    # Python's JSON reader takes NaN and Infinity, which no JSON parser of Chorus Pro's would.
    if not amount.is_finite():
        raise BadRequest(f"Requête mal formatée : {name} doit être un montant.")
    return amount


def decode_base64(value: str, name: str) -> bytes:
    """A file sent as base64 text (ajouter/fichier, deposer/flux, deposer/pdf)."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError, TypeError) as error:
        raise BadRequest(f"Requête mal formatée : {name} n'est pas du base64 valide.") from error


def amount_out(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# Pagination ---------------------------------------------------------------------------------
class Page:
    """A 1-based page request (contract §2 [C])."""

    def __init__(self, params: dict, *, default_size: int = DEFAULT_PAGE_SIZE):
        self.number = max(get_int(params, "pageResultatDemandee") or 1, 1)
        size = get_int(params, "nbResultatsParPage") or default_size
        self.size = min(max(size, 1), MAX_PAGE_SIZE)
        self.sort_column = get_str(params, "triColonne")
        sens = get_str(params, "triSens") or get_str(params, "triSense")
        self.descending = (sens or "").strip() == "Descendant"
        self.explicit_sort = sens is not None

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def slice(self, items: list) -> list:
        return items[self.offset:self.offset + self.size]

    def info(self, total: int) -> dict:
        pages = (total + self.size - 1) // self.size
        return {"pageCourante": self.number, "pages": pages,
                "nbResultatsParPage": self.size, "total": total}

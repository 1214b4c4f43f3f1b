"""Conventions of the resource-style APIs (Référentiel des Organisations, Engagements): errors as
HTTP statuses with a ``[{error, message, detail}]`` body, no codeRetour envelope, typed readers of
request bodies, ISO dates with offset, and the filter language of the ``.../recherche`` searches.

contract-works-and-new-apis §2.0 [S: ZMOG-RO] for the Référentiel; §3.3 [U] says the Engagements
API follows the same style, which is what we do.
"""

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from chorus_emulator.clock import PARIS, to_paris
from chorus_emulator.operations import RawResponse
from chorus_emulator.protocol import ApiError

# §2.0 [S]: the two error names and messages ZMOG-RO's sandbox tests assert.
NOT_FOUND = "NotFoundReference"
INVALID_IDENTIFIER = "ParamsInvalidUuidStructures"
INVALID_IDENTIFIER_MESSAGE = ("L'identifiant passé en paramètre n'est ni un UUID, ni un SIRET, ni "
                              "un numéro de TVA Intracommunautaire.")
# §2.0 [U]: every other error name below is ours (listed in the README's [U] list).
INVALID_BODY = "InvalidBody"
INVALID_PARAMETER = "InvalidParameter"
MISSING_PARAMETER = "MissingParameter"
ALREADY_EXISTS = "AlreadyExistingReference"
FORBIDDEN = "Forbidden"
INVALID_STATUS = "InvalidStatusTransition"
BUSINESS_RULE = "BusinessRuleViolation"
UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType"
METHOD_NOT_ALLOWED = "MethodNotAllowed"
UNKNOWN_RESOURCE = "UnknownResource"

# §2.0 [S: ZMOG-RO tests]: a wrong cpro-account (bad login or bad password) answers this body.
BAD_ACCOUNT_BODY = {"ErrorCode": "401", "Description": "[invalid field]"}

# §2.2.4 [U]: pagination of the searches is not documented; we read _limit/_offset from the body
# and answer everything up to this cap by default.
MAX_RESULTS = 1000
OPERATORS = ("=", ">", "<", ">=", "<=", "IN", "CONTAINS")

# UUIDs are 32 lowercase hex characters (§2.0 [S]). Ours are derived from the legacy ids, so they
# are stable across resets and restarts and can be listed in docs/emulator-world.md.
_NAMESPACE = uuid.UUID("6f2d1c4e-8a57-4b0e-9a63-0c1e5d2b7a90")


class RestError(ApiError):
    def __init__(self, status: int, error: str, message: str, detail: str | None = None):
        super().__init__(status, [{"error": error, "message": message, "detail": detail}])
        self.error = error


def not_found(kind: str, reference) -> RestError:
    """§2.0 [S]: ``GET /services/not_exist_service`` answers exactly this, with ``kind`` the
    plural type name ("Services")."""
    return RestError(400, NOT_FOUND, f"Aucun {kind} trouvé",
                     f"Aucune donnée de type {kind} n'a pu être trouvée avec la référence "
                     f"{reference}")


def invalid_identifier() -> RestError:
    return RestError(400, INVALID_IDENTIFIER, INVALID_IDENTIFIER_MESSAGE)


def bad_request(message: str, error: str = INVALID_PARAMETER, detail: str | None = None):
    return RestError(400, error, message, detail)


def forbidden(message: str) -> RestError:
    return RestError(403, FORBIDDEN, message)


def created(payload) -> RawResponse:
    return RawResponse(201, payload)


def no_content() -> RawResponse:
    return RawResponse(204, None)


def derived_uuid(kind: str, key) -> str:
    return uuid.uuid5(_NAMESPACE, f"{kind}/{key}").hex


def iso_seconds(ts: float) -> str:
    """``2026-03-02T10:15:00+01:00``: the date-time format of these APIs (§2.0 [S])."""
    return to_paris(ts).replace(microsecond=0).isoformat()


def iso_day(day: str | None) -> str | None:
    """A fixture date (``YYYY-MM-DD``) as midnight Paris time with its offset; None stays None
    (empty dates come back as null, §2.0 [S])."""
    if not day:
        return None
    moment = datetime.fromisoformat(day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.replace(microsecond=0).isoformat()


# Body readers ---------------------------------------------------------------------------------
def text(body: dict, name: str, *, required: bool = False, max_length: int | None = None):
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise bad_request(f"Le paramètre {name} est obligatoire.", MISSING_PARAMETER)
        return None
    if not isinstance(value, str):
        raise bad_request(f"Le paramètre {name} doit être une chaîne de caractères.")
    if max_length is not None and len(value) > max_length:
        raise bad_request(f"Le paramètre {name} ne doit pas dépasser {max_length} caractères.")
    return value


def flag(body: dict, name: str) -> bool | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise bad_request(f"Le paramètre {name} doit être un booléen.")
    return value


def amount(body: dict, name: str, *, required: bool = False) -> Decimal | None:
    value = body.get(name)
    if value is None:
        if required:
            raise bad_request(f"Le paramètre {name} est obligatoire.", MISSING_PARAMETER)
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise bad_request(f"Le paramètre {name} doit être un montant.")
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise bad_request(f"Le paramètre {name} doit être un montant.") from error
    if not number.is_finite() or number < 0:
        raise bad_request(f"Le paramètre {name} doit être un montant positif.")
    return number


def obj(body: dict, name: str) -> dict:
    value = body.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_request(f"Le paramètre {name} doit être un objet.")
    return value


def items(body: dict, name: str) -> list[dict]:
    value = body.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise bad_request(f"Le paramètre {name} doit être une liste d'objets.")
    return value


def moment(body: dict, name: str) -> str | None:
    """An ISO date or date-time; answered back with its offset (Paris when none was given)."""
    value = text(body, name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise bad_request(f"Le paramètre {name} doit être une date ISO 8601.") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=PARIS)
    return parsed.replace(microsecond=0).isoformat()

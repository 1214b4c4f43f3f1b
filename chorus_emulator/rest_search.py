"""The filter language of the resource-style searches (``POST .../recherche``).

contract-works-and-new-apis §2.2.4 [S: ZMOG-RO]: each filter is a top-level key named after a
field of the answered object, with ``{"op": <operator>, "val": <value>}``; operators ``=``, ``>``,
``<``, ``>=``, ``<=``, ``IN``, ``CONTAINS``; plus ``_sort`` (fields to sort on), ``_desc`` (fields
sorted descending) and ``_fields`` (fields to return, empty = all). Filters apply to the objects as
they are answered, so any field of them can be filtered on.

[U] choices: a dotted name reaches a nested field (``emetteur.siret``); ``CONTAINS`` ignores case;
``=`` on texts is exact; date-times compare as instants; ``_limit``/``_offset`` in the body page
the answer (default and maximum ``MAX_RESULTS``); an unknown field or operator is a 400.
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from chorus_emulator.rest import MAX_RESULTS, OPERATORS, bad_request

CONTROL_KEYS = ("_sort", "_desc", "_fields", "_limit", "_offset")


def _value(item: dict, path: str):
    value = item
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _known(sample_fields: set[str], path: str) -> bool:
    return path in sample_fields or path.split(".", 1)[0] in sample_fields


def _comparable(value, reference):
    """Bring an item's value and a filter value to one comparable type, or (None, None)."""
    if value is None or reference is None:
        return None, None
    if isinstance(value, bool) or isinstance(reference, bool):
        if isinstance(reference, str) and reference.lower() in ("true", "false"):
            reference = reference.lower() == "true"
        return (value, reference) if isinstance(value, bool) and isinstance(
            reference, bool) else (None, None)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        try:
            return Decimal(value), Decimal(str(reference))
        except InvalidOperation:
            return None, None
    if isinstance(value, str) and isinstance(reference, str) and len(value) >= 10 \
            and value[4:5] == "-" and len(reference) >= 10 and reference[4:5] == "-":
        try:
            left, right = datetime.fromisoformat(value), datetime.fromisoformat(reference)
        except ValueError:
            return value, reference
        if (left.tzinfo is None) != (right.tzinfo is None):
            left, right = left.replace(tzinfo=None), right.replace(tzinfo=None)
        return left, right
    return str(value), str(reference)


def _matches(item: dict, path: str, op: str, reference) -> bool:
    value = _value(item, path)
    if op == "IN":
        options = reference if isinstance(reference, list) else [reference]
        return any(_matches(item, path, "=", option) for option in options)
    if op == "CONTAINS":
        return value is not None and str(reference).casefold() in str(value).casefold()
    if op == "=" and reference is None:
        return value is None
    left, right = _comparable(value, reference)
    if left is None:
        return False
    if op == "=":
        return left == right
    try:
        return {">": left > right, "<": left < right, ">=": left >= right,
                "<=": left <= right}[op]
    except TypeError:
        return False


def _names(body: dict, key: str) -> list[str]:
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise bad_request(f"Le paramètre {key} doit être une liste de noms de champs.")
    return value


def _bound(body: dict, key: str, default: int) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or value < 0:
        raise bad_request(f"Le paramètre {key} doit être un entier positif.")
    return int(value)


def run(objects: list[dict], body: dict, fields: set[str]) -> list[dict]:
    """Filter, sort, page and project ``objects`` (the answered shapes) as ``body`` asks."""
    found = list(objects)
    for key, condition in body.items():
        if key in CONTROL_KEYS:
            continue
        if not _known(fields, key):
            raise bad_request(f"Le champ {key} ne peut pas être utilisé comme filtre.")
        if not isinstance(condition, dict) or condition.get("op") not in OPERATORS:
            raise bad_request(f"Le filtre {key} doit être de la forme {{\"op\": <opérateur>, "
                              f"\"val\": <valeur>}} avec un opérateur parmi "
                              f"{', '.join(OPERATORS)}.")
        found = [item for item in found
                 if _matches(item, key, condition["op"], condition.get("val"))]
    sort, descending, projection = (_names(body, "_sort"), _names(body, "_desc"),
                                    _names(body, "_fields"))
    for name in [*sort, *descending, *projection]:
        if not _known(fields, name):
            raise bad_request(f"Le champ {name} n'existe pas.")
    # Sort by the last key first (stable sorts), so the first key of _sort decides.
    for name in reversed(sort + [name for name in descending if name not in sort]):
        present = [item for item in found if _value(item, name) is not None]
        absent = [item for item in found if _value(item, name) is None]
        present.sort(key=lambda item, name=name: _comparable(_value(item, name),
                                                             _value(item, name))[0],
                     reverse=name in descending)
        found = present + absent
    offset = _bound(body, "_offset", 0)
    limit = min(_bound(body, "_limit", MAX_RESULTS), MAX_RESULTS)
    found = found[offset:offset + limit]
    if projection:
        found = [{name: _value(item, name) for name in projection} for item in found]
    return found

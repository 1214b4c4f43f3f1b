"""The reference lists the Transverses API serves, read from data, never written in code.

``fixtures/referentiels.json`` holds the lists common to every world (currencies, countries,
attachment types, flow syntaxes...); a world fixture's own ``referentiels`` (VAT rates, billing
frameworks, payment modes...) are laid over it, key by key. An item's ``"en"`` object holds its
English labels, used when the request says ``codeLangue: "EN"`` and never sent as such.
"""

import json
from decimal import Decimal
from pathlib import Path

DEFAULTS = Path(__file__).parent / "fixtures" / "referentiels.json"


def with_defaults(own: dict) -> dict:
    with open(DEFAULTS, encoding="utf-8") as handle:
        defaults = json.load(handle, parse_float=Decimal)
    defaults.pop("_comment", None)
    return {**defaults, **own}


def language_of(code: str | None) -> str:
    """contract §9.10: FR or EN, clients also send lower case. [U] anything else reads as FR."""
    return "EN" if (code or "").strip().upper() == "EN" else "FR"


def localized(items: list, code: str | None = None) -> list:
    """The items as the API sends them, in the asked language."""
    english = language_of(code) == "EN"
    result = []
    for item in items:
        if not isinstance(item, dict):
            result.append(item)
            continue
        out = {key: value for key, value in item.items() if key != "en"}
        if english:
            out.update(item.get("en", {}))
        result.append(out)
    return result


def _label(items: list, key: str, code: str | None, label: str) -> str | None:
    if not code:
        return None
    return next((item.get(label) for item in items if item.get(key) == code), None)


def currency_label(world, code: str | None) -> str | None:
    return _label(world.referentiels.get("devises", []), "codeDevise", code, "libelleDevise")


def country_label(world, code: str | None) -> str | None:
    return _label(world.referentiels.get("pays", []), "codePays", code, "libellePays")


def exemption_label(world, code: str | None) -> str | None:
    return _label(world.referentiels.get("motifsExonerationTva", []),
                  "codeMotifExonerationTva", code, "libelleMotifExonerationTva")

"""Chorus Pro's reasons for refusing a works piece (recuperer/motifsrefus), kept in the cache.

They do not depend on the piece (the emulator serves one list; contract-works §1.4.9 [U]), so one
answer serves every user of a Chorus Pro environment. A web request never asks Chorus Pro: it
reads the cache and, when the list is missing, queues one worker fetch and says so.
"""

from django.core.cache import cache

from chorus_client import BillingFramework
from portal.jobs import enqueue
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection

REASONS_FETCH_TASK = "invoices.works.reasons_fetch"
KEPT_FOR = 12 * 3600
# contract-works §1.4.7 [C: KB0011867]: since 19/02/2025 an amount disagreement is not a refusal
# reason; the amount admitted goes in one's own piece. These are given by one party only.
NOT_A_REFUSAL = {"ERREUR_MONTANT"}
ONLY_BY = {"MAUVAISE_MOE": "moe", "MAUVAIS_VALIDEUR": "validator"}


def _key(environment: str) -> str:
    return f"works:refusal-reasons:{environment}"


def refusal_reasons(
    *, connection: ChorusConnection | None, role: str
) -> list[tuple[str, str]] | None:
    """(code, label) of the reasons ``role`` may give, or None while a worker fetches them."""
    if connection is None:
        return []
    reasons = cache.get(_key(connection.environment))
    if reasons is None:
        if cache.add(_key(connection.environment) + ":pending", 1, 60):
            enqueue(REASONS_FETCH_TASK, connection.pk)
        return None
    return [
        (code, label)
        for code, label in reasons
        if code not in NOT_A_REFUSAL and ONLY_BY.get(code, role) == role
    ]


def refusal_reasons_fetch(*, connection: ChorusConnection) -> int:
    """Worker side: read the list with ``connection``'s account and keep it."""
    with chorus_client_for(connection) as client:
        reasons = client.works.refusal_reasons(BillingFramework.A15_ETAT_ACOMPTE_MOE)
    cache.set(_key(connection.environment), [(r.code, r.label) for r in reasons], KEPT_FOR)
    return len(reasons)

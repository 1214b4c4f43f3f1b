"""A structure's own data in Chorus Pro, read with its own connection: identity, routing rules,
technical password expiry and, for a supplier, its valid bank accounts (cached for the editor)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone

from portal.jobs import enqueue
from structures.chorus import chorus_client_for
from structures.directory_source import directory_source_for
from structures.models import ChorusConnection, Structure
from structures.selectors import (
    BankAccountChoice,
    bank_accounts_cache_key,
    bank_accounts_for_supplier,
    connection_for_structure,
)
from structures.services.directory import StructureNotInChorus, structure_apply_from_chorus

OWN_STRUCTURE_REFRESH_TASK = "structures.own_structure_refresh"
BANK_ACCOUNTS_CACHE_SECONDS = 3 * 24 * 3600
# A refresh asked for and not come back within this time (refused account, worker down) is
# reported, and the page stops polling; another is asked for once the marker expires.
BANK_ACCOUNTS_WAIT_SECONDS = 60
BANK_ACCOUNTS_RETRY_SECONDS = 600


def directory_refresh_own_structure(*, connection: ChorusConnection) -> Structure:
    """Refresh the connection's own structure from Chorus Pro: Chorus Pro id, identity, routing
    rules, technical password expiry and (for a supplier) its valid bank accounts, kept in the
    cache for :func:`structures.selectors.bank_accounts_for_supplier`."""
    structure = connection.structure
    with chorus_client_for(connection) as client:
        source = directory_source_for(client, connection.environment)
        record = source.own_structure(structure.siret, public=structure.is_public)
        if record is None:
            raise StructureNotInChorus(structure.siret)
        accounts = None
        is_public = structure.is_public if record.is_public is None else record.is_public
        chorus_id = record.chorus_id or structure.chorus_id
        if not is_public and chorus_id is not None:
            accounts = client.transverses.valid_bank_accounts(chorus_id)
    structure_apply_from_chorus(structure, record, own_connection=connection)
    if accounts is not None:
        cache.set(
            bank_accounts_cache_key(structure.pk),
            [
                {"id": account.id, "label": account.name or str(account.id), "iban": account.iban}
                for account in accounts
            ],
            timeout=BANK_ACCOUNTS_CACHE_SECONDS,
        )
    return structure


@dataclass
class BankAccountsOutcome:
    """``state``: ``known`` (``accounts``, possibly none), ``pending`` (a worker reads them:
    poll), ``unavailable`` (it did not come back) or ``no_connection``."""

    state: str
    accounts: list[BankAccountChoice] = field(default_factory=list)


def supplier_bank_accounts(*, supplier: Structure) -> BankAccountsOutcome:
    """The supplier's valid bank accounts as Chorus Pro lists them, from the cache; when they
    were never read (or the cache expired), a worker is asked to read them (the own-structure
    refresh), once, and the page polls."""
    accounts = bank_accounts_for_supplier(supplier)
    if accounts is not None:
        return BankAccountsOutcome(state="known", accounts=accounts)
    connection = connection_for_structure(structure=supplier)
    if connection is None:
        return BankAccountsOutcome(state="no_connection")
    key = f"chorus-bank-accounts-requested:{supplier.pk}"
    now = timezone.now().timestamp()
    if cache.add(key, now, timeout=BANK_ACCOUNTS_RETRY_SECONDS):
        enqueue(OWN_STRUCTURE_REFRESH_TASK, connection.pk)
        return BankAccountsOutcome(state="pending")
    asked_at = cache.get(key, now)
    waiting = now - asked_at < BANK_ACCOUNTS_WAIT_SECONDS
    return BankAccountsOutcome(state="pending" if waiting else "unavailable")

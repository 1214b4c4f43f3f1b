"""Who an invoice synced from Chorus Pro is from and to: structures and services found or created.

A synced invoice needs a supplier Structure. Chorus Pro also knows suppliers by other identifiers
than a SIRET (EU VAT number, foreign, RIDET, TAHITI, private persons): those are kept under their
Chorus Pro identifier (Structure.IdentifierType.OTHER), so that no invoice is left out of an inbox.
"""

import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from stdnum.fr import siret as siret_number

from structures.models import Service, Structure

logger = logging.getLogger(__name__)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def siret_or_none(identifier: str | None) -> str | None:
    """The SIRET in ``identifier`` (spaces and dots tolerated), or None when it is not one."""
    if not identifier:
        return None
    compact = siret_number.compact(identifier)
    return compact if siret_number.is_valid(compact) else None


def supplier_key(identifier: str | None) -> str | None:
    """What a supplier is stored under: its SIRET, or else its Chorus Pro identifier."""
    siret = siret_or_none(identifier)
    if siret:
        return siret
    return (identifier or "").strip()[:32] or None


def structures_by_siret(
    wanted: dict[str, str], *, kind: str = Structure.Kind.PRIVATE
) -> dict[str, Structure]:
    """{SIRET: name} -> {SIRET: Structure}, creating the structures the portal does not know.

    Created ones take the name Chorus Pro gave; the directory refresh completes them later. One
    query for those we have; suppliers new to the portal are few per page, so they are created
    one by one (and a concurrent creation by another worker is simply re-read).
    """
    found = {s.siret: s for s in Structure.objects.filter(siret__in=list(wanted))}
    for siret, name in wanted.items():
        if siret in found:
            continue
        try:
            with transaction.atomic():
                found[siret] = Structure.objects.create(
                    siret=siret,
                    identifier_type=Structure.IdentifierType.SIRET
                    if siret_or_none(siret)
                    else Structure.IdentifierType.OTHER,
                    name=(name or siret)[:200],
                    kind=kind,
                )
        except IntegrityError:
            found[siret] = Structure.objects.get(siret=siret)
    return found


class ServiceDirectory:
    """A structure's services by code, loaded once per cycle.

    A code we do not know yet (a service created in Chorus Pro since the last directory refresh)
    becomes an inactive Service: the invoice keeps its routing, filters by service work, and the
    supplier's editor, which offers active services only, does not offer a service we have not
    seen in the directory. The next directory refresh sets ``is_active`` from Chorus Pro.
    """

    def __init__(self, structure: Structure) -> None:
        self.structure = structure
        self._by_code = {s.code: s for s in structure.services.all()}

    def get(self, code: str | None, label: str | None = None) -> Service | None:
        if not code:
            return None
        code = code[:100]
        if code not in self._by_code:
            self._by_code[code], _ = Service.objects.get_or_create(
                structure=self.structure,
                code=code,
                defaults={"label": (label or "")[:200], "is_active": False},
            )
        return self._by_code[code]


def amounts(
    excl: Decimal | None, incl: Decimal | None, due: Decimal | None
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(excl. VAT, VAT, incl. VAT, amount due) for the row's constraints (incl = excl + VAT, none
    negative). Credit notes may come signed: the kind carries the sign, the row the magnitude.
    A missing or inconsistent net amount keeps the total and shows no VAT until the details step
    reads the real breakdown."""
    incl = abs(incl).quantize(CENT) if incl is not None else None
    excl = abs(excl).quantize(CENT) if excl is not None else None
    if incl is None:
        incl = excl if excl is not None else ZERO
    if excl is None or excl > incl:
        excl = incl
    due = abs(due).quantize(CENT) if due is not None else incl
    return excl, incl - excl, incl, due

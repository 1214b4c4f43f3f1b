"""Every query on structures that a view makes, scoped to what the user may see."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from structures.models import ChorusConnection, Membership, Service, Structure, name_search_key

# A connection test still without report after this long is shown as stalled (workers down?).
CONNECTION_TEST_STALLED_AFTER = timedelta(minutes=2)


def membership_list_for_user(*, user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, structure__is_active=True)
        .select_related("structure")
        .order_by("structure__name", "role", "pk")
    )


def membership_for_user(*, user, membership_id: int) -> Membership:
    return get_object_or_404(membership_list_for_user(user=user), pk=membership_id)


def structure_list_for_user(*, user) -> QuerySet[Structure]:
    return Structure.objects.filter(memberships__user=user).distinct()


def structure_for_user(*, user, structure_id: int) -> Structure:
    return get_object_or_404(structure_list_for_user(user=user), pk=structure_id)


def structure_managed_by_user(*, user, structure_id: int) -> Structure:
    return get_object_or_404(
        Structure.objects.filter(
            memberships__user=user, memberships__role=Membership.Role.STRUCTURE_MANAGER
        ).distinct(),
        pk=structure_id,
    )


def connection_for_structure(*, structure: Structure) -> ChorusConnection | None:
    return ChorusConnection.objects.filter(structure=structure).first()


def service_list_for_structure(*, structure: Structure) -> QuerySet[Service]:
    return structure.services.order_by("-is_active", "code")


# --- Chorus Pro connection, directory, bank accounts -----------------------------------------


def connection_for_manager(*, user, structure_id: int) -> tuple[Structure, ChorusConnection | None]:
    """The structure the user manages (404 otherwise: another structure, or not a manager) and
    its Chorus Pro connection, if any."""
    structure = structure_managed_by_user(user=user, structure_id=structure_id)
    return structure, connection_for_structure(structure=structure)


@dataclass(frozen=True)
class PasswordWarning:
    """Shown when the technical password expires within CHORUS_PASSWORD_WARNING_DAYS."""

    days_left: int
    expires_on: date

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def connection_password_warning(*, connection: ChorusConnection | None) -> PasswordWarning | None:
    if connection is None or connection.password_expires_on is None:
        return None
    days_left = (connection.password_expires_on - timezone.localdate()).days
    if days_left > settings.CHORUS_PASSWORD_WARNING_DAYS:
        return None
    return PasswordWarning(days_left=days_left, expires_on=connection.password_expires_on)


def connection_test_state(*, connection: ChorusConnection | None) -> str:
    """``idle`` (never asked), ``pending`` (asked, no report yet: poll), ``stalled`` (asked long
    ago and still no report: the workers may be down) or ``done``."""
    if connection is None or connection.test_requested_at is None:
        return "done" if connection is not None and connection.last_test_report else "idle"
    tested_at = connection.last_tested_at
    if tested_at is not None and tested_at >= connection.test_requested_at:
        return "done"
    if timezone.now() - connection.test_requested_at > CONNECTION_TEST_STALLED_AFTER:
        return "stalled"
    return "pending"


def connection_ids_to_refresh() -> list[int]:
    """Connections whose own structure the daily refresh reads (active structures only)."""
    return list(
        ChorusConnection.objects.filter(structure__is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def connection_for_shared_reads() -> ChorusConnection | None:
    """A connection to read what Chorus Pro gives every account alike (reference lists, the
    recipient directory): the one that most recently talked to Chorus Pro successfully."""
    return (
        ChorusConnection.objects.select_related("structure")
        .order_by(F("last_success_at").desc(nulls_last=True), "pk")
        .first()
    )


def directory_max_age() -> timedelta:
    """How long a structure read from Chorus Pro is served from the local copy (setting
    CHORUS_DIRECTORY_MAX_AGE_DAYS)."""
    return timedelta(days=settings.CHORUS_DIRECTORY_MAX_AGE_DAYS)


def directory_structure_fresh(*, siret: str) -> Structure | None:
    """The local copy of the structure with this SIRET when it was read in full from Chorus Pro
    within the maximum age; None when unknown or stale."""
    return Structure.objects.filter(
        siret=siret, last_synced_at__gte=timezone.now() - directory_max_age()
    ).first()


def directory_structure_list(*, structure_ids: list[int]) -> list[Structure]:
    """Structures found by a directory lookup, in the order Chorus Pro gave them."""
    by_id = Structure.objects.in_bulk(structure_ids)
    return [by_id[pk] for pk in structure_ids if pk in by_id]


def structure_name_condition(text: str) -> Q | None:
    """Structures whose name holds every word of ``text``, accents and case ignored (on the
    folded ``search_name``, so alike on SQLite and PostgreSQL); None when ``text`` has no word."""
    words = name_search_key(text).split()
    if not words:
        return None
    return Q(*[Q(search_name__contains=word) for word in words])


def directory_structures_named(*, name: str, limit: int) -> list[Structure]:
    """Public structures of the local copy whose name matches ``name`` (see
    structure_name_condition), by name: what the portal already knows, whatever Chorus Pro's
    own search makes of accents."""
    condition = structure_name_condition(name)
    if condition is None:
        return []
    return list(
        Structure.objects.filter(condition, kind=Structure.Kind.PUBLIC).order_by("name")[:limit]
    )


def directory_structure_for_refresh(*, structure_id: int) -> Structure:
    """A public structure of the directory (directory data is public, whoever read it first)."""
    return get_object_or_404(Structure, pk=structure_id, kind=Structure.Kind.PUBLIC)


# FACTURES_PUBLIQUES is reserved to invoices between public entities: Chorus Pro refuses it from
# a private supplier (return code 20012).
PUBLIC_ONLY_SERVICE_CODE = "FACTURES_PUBLIQUES"


@dataclass(frozen=True)
class ServiceChoice:
    """A recipient service as the invoice editor offers it."""

    service_id: int
    code: str
    label: str
    commitment_required: bool
    disabled: bool
    reason: str

    def __str__(self) -> str:
        return f"{self.code} – {self.label}" if self.label else self.code


def recipient_services_for_supplier(
    *, supplier: Structure, recipient: Structure
) -> list[ServiceChoice]:
    """The recipient's active services a supplier may pick, with a disabled flag and its reason
    (FACTURES_PUBLIQUES for a private supplier). Inactive services are left out: Chorus Pro
    refuses them."""
    choices = []
    for service in recipient.services.filter(is_active=True).order_by("code"):
        reason = ""
        if service.code == PUBLIC_ONLY_SERVICE_CODE and not supplier.is_public:
            reason = gettext("Reserved for invoicing between public entities.")
        choices.append(
            ServiceChoice(
                service_id=service.pk,
                code=service.code,
                label=service.label,
                commitment_required=service.commitment_required or recipient.commitment_required,
                disabled=bool(reason),
                reason=reason,
            )
        )
    return choices


def bank_accounts_cache_key(structure_id: int) -> str:
    # v2: each account with its IBAN.
    return f"chorus-bank-accounts:v2:{structure_id}"


@dataclass(frozen=True)
class BankAccountChoice:
    """A supplier's bank account as Chorus Pro lists it; ``id`` is the submission's
    ``supplier_bank_account_id``."""

    id: int
    label: str
    iban: str = ""

    @property
    def text(self) -> str:
        return f"{self.label} – {self.iban}" if self.iban else self.label


def bank_accounts_for_supplier(structure: Structure) -> list[BankAccountChoice] | None:
    """The supplier's valid bank accounts in Chorus Pro, from the cache the own-structure refresh
    fills (``structures.tasks.own_structure_refresh``); None until it has run."""
    accounts = cache.get(bank_accounts_cache_key(structure.pk))
    if accounts is None:
        return None
    return [
        BankAccountChoice(id=int(account["id"]), label=account["label"], iban=account["iban"])
        for account in accounts
    ]


@dataclass(frozen=True)
class DirectoryEntry:
    """A structure as the directory shows it to a supplier: its rules when they were read in
    full from Chorus Pro, and the services the supplier may pick."""

    structure: Structure
    services: list[ServiceChoice]

    @property
    def rules_known(self) -> bool:
        return self.structure.last_synced_at is not None


def directory_entries_for_supplier(
    *, supplier: Structure, structures: list[Structure]
) -> list[DirectoryEntry]:
    return [
        DirectoryEntry(
            structure=structure,
            services=recipient_services_for_supplier(supplier=supplier, recipient=structure)
            if structure.last_synced_at is not None
            else [],
        )
        for structure in structures
    ]

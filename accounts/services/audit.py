"""The append-only record of who did what to whom, in which structure."""

from accounts.models import AuditEvent, AuditKind
from structures.models import Structure


def person_name(user) -> str:
    """How the audit and the members page name a person: their name, then their login."""
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


def audit_record(
    *,
    kind: AuditKind,
    actor,
    structure: Structure | None = None,
    subject=None,
    subject_name: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Add one event. ``subject_name`` names a subject without account (an invited address);
    a subject user is named from their account. ``actor`` is None for the portal itself."""
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_name=person_name(actor) if actor is not None else "Portail Chorus",
        subject=subject,
        subject_name=person_name(subject) if subject is not None else subject_name,
        structure=structure,
        details=details or {},
    )

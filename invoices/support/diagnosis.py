"""Why an invoice is where it is, and what would move it: support's diagnosis, read from the data.

Each rule below looks at the invoice's rows (its sending lease and due time, its actions, the
connection of the structure that acts for it, its Chorus Pro status) and says, in the reader's
language, what it finds and what to do, with the safe action that may help (views offer it).
Rules are independent; an invoice with nothing wrong gets none.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from invoices.models import ChorusStatus, Invoice, InvoiceAction
from invoices.retries import LOST_AFTER
from invoices.support.durations import duration_words
from invoices.support.refusals import refusal_meaning
from structures.models import ChorusConnection

# A task reaches a worker within seconds, and the sweep hands a lost one out again after
# LOST_AFTER: past twice that, no worker is taking work.
QUEUED_STUCK_AFTER = 2 * LOST_AFTER
# Accounts with invoices on their way are polled every minute, the others every 30 minutes
# (invoices/sending/status_sync.py): a sync older than this has been failing.
STATUS_SYNC_LATE_AFTER = timedelta(hours=1)
# Public entities have 30 days to pay (60 for health establishments): a week without a decision
# is worth saying; before, waiting is normal.
RECIPIENT_SLOW_AFTER = timedelta(days=7)
# Warn a little before the technical password expires (Chorus Pro: every 424 days).
PASSWORD_SOON = timedelta(days=7)

WAITING_FOR_RECIPIENT = {ChorusStatus.AVAILABLE, ChorusStatus.COMPLETED}
WAITING_FOR_VALIDATOR = {ChorusStatus.TO_VALIDATE_1, ChorusStatus.TO_VALIDATE_2}


@dataclass(frozen=True)
class Diagnosis:
    """``code`` names the rule (tests, CSS); ``level`` is ``problem``, ``warning`` or ``info``;
    ``finding`` says what is, ``advice`` what would move it; ``action`` a safe action's kind."""

    code: str
    level: str
    finding: str
    advice: str
    action: str | None = None


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def invoice_diagnoses(*, invoice: Invoice, now: datetime | None = None) -> list[Diagnosis]:
    """Every finding about ``invoice``, the most pressing first."""
    now = now or timezone.now()
    found = [
        *_sending(invoice, now),
        *_refused(invoice),
        *_actions(invoice, now),
        *_connection(invoice, now),
        *_waiting(invoice, now),
    ]
    order = {"problem": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda diagnosis: order[diagnosis.level])


def _sending(invoice: Invoice, now: datetime) -> list[Diagnosis]:
    if invoice.status not in (Invoice.Status.QUEUED, Invoice.Status.SENDING):
        return []
    lease, due = invoice.send_lease_until, invoice.send_next_attempt_at
    if lease is not None and lease < now:
        return [
            Diagnosis(
                "lease_expired",
                "problem",
                _(
                    "A worker took the sending and stopped answering: its hold ran out "
                    "%(ago)s ago (attempt %(attempt)d)."
                )
                % {"ago": duration_words(now - lease), "attempt": invoice.send_attempts},
                _(
                    "The sweep hands it to another worker within a minute; if it stays, check the "
                    "workers on the health page and send the submission again (never sent twice)."
                ),
                "submission_resend",
            )
        ]
    if lease is not None:
        return []  # a worker is sending it right now
    if due is not None and due > now:
        return [
            Diagnosis(
                "retry_scheduled",
                "info",
                _("Chorus Pro did not answer; attempt %(next)d is due at %(when)s.")
                % {"next": invoice.send_attempts + 1, "when": _when(due)},
                _("Nothing to do: the portal tries again by itself."),
            )
        ]
    waiting_since = due or invoice.updated_at
    if now - waiting_since >= QUEUED_STUCK_AFTER:
        return [
            Diagnosis(
                "queued_unclaimed",
                "problem",
                _("Queued for sending %(ago)s ago, and no worker took it.")
                % {"ago": duration_words(now - waiting_since)},
                _(
                    "Check that the workers are alive on the health page, then send the "
                    "submission again (never sent twice to Chorus Pro)."
                ),
                "submission_resend",
            )
        ]
    return []


def _refused(invoice: Invoice) -> list[Diagnosis]:
    if invoice.status != Invoice.Status.SUBMISSION_REFUSED:
        return []
    code = invoice.submission_error_code or "?"
    meaning = refusal_meaning(code)
    return [
        Diagnosis(
            "submission_refused",
            "problem",
            _("Chorus Pro refused the invoice with code %(code)s: %(meaning)s (“%(message)s”)")
            % {
                "code": code,
                "meaning": meaning.meaning,
                "message": invoice.submission_error_message or "—",
            },
            str(meaning.fix),
            meaning.action if meaning.action != "action_retry" else None,
        )
    ]


def _actions(invoice: Invoice, now: datetime) -> list[Diagnosis]:
    latest = invoice.actions.order_by("-created_at", "-pk").first()
    if latest is None:
        return []
    kind = latest.get_kind_display()
    if latest.status == InvoiceAction.Status.FAILED:
        meaning = refusal_meaning(latest.error_code)
        return [
            Diagnosis(
                "action_failed",
                "problem",
                _("“%(kind)s” failed with code %(code)s: %(meaning)s (“%(message)s”)")
                % {
                    "kind": kind,
                    "code": latest.error_code or "?",
                    "meaning": meaning.meaning,
                    "message": latest.error_message or "—",
                },
                str(meaning.fix),
                meaning.action or "action_retry",
            )
        ]
    if (
        latest.status == InvoiceAction.Status.RUNNING
        and latest.lease_until
        and latest.lease_until < now
    ):
        return [
            Diagnosis(
                "action_lease_expired",
                "problem",
                _("A worker took “%(kind)s” and stopped answering: its hold ran out %(ago)s ago.")
                % {"kind": kind, "ago": duration_words(now - latest.lease_until)},
                _("The sweep hands it to another worker within a minute; check the workers."),
            )
        ]
    if latest.status == InvoiceAction.Status.QUEUED and latest.lease_until is None:
        due = latest.next_attempt_at or latest.created_at
        if now - due >= QUEUED_STUCK_AFTER:
            return [
                Diagnosis(
                    "action_unclaimed",
                    "problem",
                    _("“%(kind)s” was queued %(ago)s ago, and no worker took it.")
                    % {"kind": kind, "ago": duration_words(now - due)},
                    _("Check that the workers are alive on the health page."),
                )
            ]
    return []


def acting_connection(invoice: Invoice) -> ChorusConnection | None:
    """The connection through which the portal follows the invoice: the supplier's for an
    invoice sent from the portal, else the recipient's."""
    sides = (invoice.supplier, invoice.recipient)
    if invoice.source == Invoice.Source.CHORUS:
        sides = (invoice.recipient, invoice.supplier)
    for structure in sides:
        if structure is None:
            continue
        connection = ChorusConnection.objects.filter(structure=structure).first()
        if connection is not None:
            return connection
    return None


def _connection(invoice: Invoice, now: datetime) -> list[Diagnosis]:
    connection = acting_connection(invoice)
    if connection is None:
        return []
    name = connection.structure.name
    found = []
    expires = connection.password_expires_on
    today = timezone.localdate(now)
    if expires is not None and expires < today:
        found.append(
            Diagnosis(
                "password_expired",
                "problem",
                _(
                    "The technical password of %(name)s expired on %(date)s: no exchange with "
                    "Chorus Pro works for this structure."
                )
                % {"name": name, "date": date_format(expires, "DATE_FORMAT")},
                _(
                    "Its manager renews the password in Chorus Pro and enters it in the portal "
                    "(structure page, Chorus Pro connection); then test the connection."
                ),
                "connection_test",
            )
        )
    elif expires is not None and expires - today <= PASSWORD_SOON:
        found.append(
            Diagnosis(
                "password_expires_soon",
                "warning",
                _("The technical password of %(name)s expires on %(date)s.")
                % {"name": name, "date": date_format(expires, "DATE_FORMAT")},
                _("Remind its manager to renew it in Chorus Pro before then."),
            )
        )
    followed = bool(invoice.chorus_invoice_id) and not invoice.is_final
    synced = (
        connection.statuses_synced_until
        if connection.structure_id == invoice.supplier_id
        else connection.received_synced_until
    )
    if followed and synced is not None and now - synced >= STATUS_SYNC_LATE_AFTER:
        found.append(
            Diagnosis(
                "status_sync_late",
                "warning",
                _("The status sync of %(name)s last succeeded %(ago)s ago (%(when)s).")
                % {"name": name, "ago": duration_words(now - synced), "when": _when(synced)},
                _(
                    "Re-read this invoice from Chorus Pro; if the sync keeps failing, test the "
                    "structure's connection (see its failures on the health page)."
                ),
                "invoice_resync",
            )
        )
    return found


def _waiting(invoice: Invoice, now: datetime) -> list[Diagnosis]:
    since = invoice.chorus_status_changed_at or invoice.made_available_at
    if since is None:
        return []
    if invoice.chorus_status in WAITING_FOR_RECIPIENT:
        who = invoice.recipient.name if invoice.recipient else _("the recipient")
        slow = now - since >= RECIPIENT_SLOW_AFTER
        return [
            Diagnosis(
                "waiting_for_recipient",
                "warning" if slow else "info",
                _("Waiting for %(who)s since %(days)s (made available on %(date)s).")
                % {"who": who, "days": duration_words(now - since), "date": _when(since)},
                _(
                    "The recipient must treat it (service certified, suspended or rejected); "
                    "the supplier may call them. Nothing is stuck in the portal."
                ),
            )
        ]
    if invoice.chorus_status in WAITING_FOR_VALIDATOR:
        return [
            Diagnosis(
                "waiting_for_validator",
                "info",
                _("Waiting for the validator's decision since %(days)s.")
                % {"days": duration_words(now - since)},
                _("The validator must validate or refuse it in Chorus Pro or the portal."),
            )
        ]
    if invoice.chorus_status == ChorusStatus.SUSPENDED:
        return [
            Diagnosis(
                "waiting_for_supplier",
                "info",
                _("Suspended by the recipient since %(days)s: waiting for the supplier.")
                % {"days": duration_words(now - since)},
                _("The supplier completes the invoice from its page (the motive says what)."),
            )
        ]
    return []

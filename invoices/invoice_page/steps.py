"""Where an invoice stands, as a line of steps: drafted, sent, made available, in treatment,
mandated, paid. Suspensions, rejections and refusals stop the line at the step they happened,
said in words and with a sign (never by colour alone)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from invoices.models import ChorusStatus, Invoice

DRAFTED, SENT, AVAILABLE, TREATMENT, MANDATED, PAID = range(6)
STEP_LABELS = [
    _("Drafted"),
    _("Sent"),
    _("Made available"),
    _("In treatment"),
    _("Mandated"),
    _("Paid"),
]
PORTAL_STEPS = {
    Invoice.Status.DRAFT: DRAFTED,
    Invoice.Status.QUEUED: SENT,
    Invoice.Status.SENDING: SENT,
    Invoice.Status.SUBMISSION_REFUSED: SENT,
    Invoice.Status.SUBMITTED: SENT,
    Invoice.Status.RECEIVED: SENT,
}
CHORUS_STEPS = {
    ChorusStatus.DEPOSITED: SENT,
    ChorusStatus.ROUTING: SENT,
    ChorusStatus.TO_VALIDATE_1: SENT,
    ChorusStatus.VALIDATED_1: SENT,
    ChorusStatus.TO_VALIDATE_2: SENT,
    ChorusStatus.VALIDATED_2: SENT,
    ChorusStatus.REFUSED_1: SENT,
    ChorusStatus.REFUSED_2: SENT,
    ChorusStatus.NO_VALIDATION_1: SENT,
    ChorusStatus.NO_VALIDATION_2: SENT,
    ChorusStatus.SUPPLIER_ERROR_ON_VALIDATOR: SENT,
    ChorusStatus.AVAILABLE: AVAILABLE,
    ChorusStatus.TO_RECYCLE: AVAILABLE,
    ChorusStatus.SUSPENDED: TREATMENT,
    ChorusStatus.COMPLETED: TREATMENT,
    ChorusStatus.SERVICE_DONE: TREATMENT,
    ChorusStatus.REJECTED: TREATMENT,
    ChorusStatus.MANDATED: MANDATED,
    ChorusStatus.AVAILABLE_TO_ACCOUNTANT: MANDATED,
    ChorusStatus.ACCOUNTED: MANDATED,
    ChorusStatus.PAID: PAID,
}
# Where the line stops, and why: the supplier (or nobody) must act before it goes on.
STOPPED = {
    Invoice.Status.SUBMISSION_REFUSED: _("refused by Chorus Pro"),
    ChorusStatus.SUSPENDED: _("suspended: waiting for the supplier"),
    ChorusStatus.REJECTED: _("rejected"),
    ChorusStatus.REFUSED_1: _("refused by the validator"),
    ChorusStatus.REFUSED_2: _("refused by the second validator"),
    ChorusStatus.SUPPLIER_ERROR_ON_VALIDATOR: _("wrong validator"),
    ChorusStatus.NO_VALIDATION_1: _("not validated in time"),
    ChorusStatus.NO_VALIDATION_2: _("not validated in time"),
    ChorusStatus.TO_RECYCLE: _("to be re-routed"),
    ChorusStatus.ABANDONED: _("abandoned"),
    ChorusStatus.DELETED: _("deleted"),
}
# Said beside the current step, the line going on.
NOTES = {
    Invoice.Status.QUEUED: _("being sent"),
    Invoice.Status.SENDING: _("being sent"),
    ChorusStatus.TO_VALIDATE_1: _("awaiting validation"),
    ChorusStatus.TO_VALIDATE_2: _("awaiting the second validation"),
    ChorusStatus.COMPLETED: _("completed by the supplier"),
    ChorusStatus.SERVICE_DONE: _("service certified"),
}


@dataclass
class Step:
    label: str
    state: str  # "done", "current", "stopped" or "todo"
    reached_at: object = None  # the first time the invoice reached it (an aware datetime)
    note: str = ""

    @property
    def is_current(self) -> bool:
        return self.state in {"current", "stopped"}


def invoice_status_now(invoice: Invoice) -> str:
    """The status the line shows: Chorus Pro's once it has one, the portal's before."""
    return invoice.chorus_status or invoice.status


def invoice_steps(*, invoice: Invoice, events) -> list[Step]:
    """The six steps of ``invoice``, from its status and its history (``events``, any order);
    the current step is the one of its status, a status that stops the line marks it stopped."""
    status = invoice_status_now(invoice)
    if status in CHORUS_STEPS or status in PORTAL_STEPS:
        current = CHORUS_STEPS.get(status, PORTAL_STEPS.get(status, DRAFTED))
    else:
        # Abandoned, deleted: stopped at the furthest step the history reached.
        reached = [CHORUS_STEPS.get(event.status) for event in events]
        current = max([step for step in reached if step is not None], default=SENT)
    first_reached = {}
    for event in sorted(events, key=lambda event: event.occurred_at):
        step = CHORUS_STEPS.get(event.status, PORTAL_STEPS.get(event.status))
        if step is not None:
            first_reached.setdefault(step, event.occurred_at)
    if DRAFTED not in first_reached:
        first_reached[DRAFTED] = invoice.created_at
    steps = []
    for index, label in enumerate(STEP_LABELS):
        if index < current:
            state = "done"
        elif index == current:
            state = "stopped" if status in STOPPED else "current"
        else:
            state = "todo"
        note = ""
        if index == current:
            note = STOPPED.get(status) or NOTES.get(status, "")
        steps.append(
            Step(label, state, first_reached.get(index) if state != "todo" else None, note)
        )
    return steps

"""A lived-in demo: four months of invoicing (portal/demo/stories.py) replayed in a few seconds
through the product's own services, against the running Chorus Pro emulator.

1. Nothing to do when the portal already has the demo supplier's invoices: a second start adds
   nothing. An emulator still holding invoices of an earlier database is reset first.
2. Both clocks go back to the first day: the emulator's through its admin API (Chorus Pro's
   routing and our polling would otherwise take days), the portal's by moving
   ``django.utils.timezone.now``, which every service reads, so that each side's stamps agree.
3. The stories' steps are played in date order. Each moves both clocks to its moment and acts as
   the user would (editor, send, treat, validate, complete, correct, deposit a flow),
   the worker's tasks running in this process (Celery eager). A quarter of an hour later the
   beat's work runs: status sync, inbox and validation syncs, flow reports, notifications.
4. Both clocks come back to the wall clock; the live worker and beat take over from there.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time

from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone

from chorus_emulator.admin_client import EmulatorAdmin, EmulatorAdminError
from invoices.models import Invoice
from portal.demo import steps, stories
from portal.demo.replay import Clocks, DemoHistoryError, Event, Replay
from portal.demo.works_history import works_history_play
from structures.models import Structure

# Longer than the history: the emulator's tokens outlive the replay's jumps in time.
REPLAY_SPAN = timedelta(days=200)


@dataclass
class HistoryReport:
    loaded: bool
    invoices: int
    seconds: float = 0.0
    complete: bool = True


def demo_history_load(*, emulator_url: str | None = None, wait: float = 30.0) -> HistoryReport:
    """Play the demo history once; a no-op when the portal already has it."""
    started = time.monotonic()
    atelier = Structure.objects.get(siret=steps.ATELIER)
    drafted = Invoice.objects.filter(supplier=atelier, source=Invoice.Source.PORTAL).count()
    if drafted:
        return HistoryReport(
            loaded=False,
            invoices=Invoice.objects.count(),
            # Fewer than the stories draft: an earlier load was interrupted (Ctrl-C).
            complete=drafted >= _drafted_in_portal(),
        )
    admin = EmulatorAdmin(emulator_url or settings.CHORUS_ENDPOINTS["emulator"]["api_base_url"])
    _wait_until_up(admin, wait)
    if admin.invoices():
        admin.reset()  # invoices of an earlier portal database: start from a clean world
    events = _plan(timezone.now())
    with ExitStack() as stack:
        clocks = stack.enter_context(_clocks(admin))
        stack.enter_context(_worker_in_process())
        # The history's e-mails were never news: keep them out of the terminal.
        stack.enter_context(
            override_settings(
                MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
            )
        )
        # The works contract's month-by-month statements, then the invoices' four months.
        works_history_play(clocks)
        Replay(clocks).play(events)
    return HistoryReport(
        loaded=True, invoices=Invoice.objects.count(), seconds=time.monotonic() - started
    )


def _drafted_in_portal() -> int:
    """How many invoices the stories draft in the portal's editor for the demo supplier."""
    editor = (steps.Send, steps.SaveDraft, steps.Correct, steps.CreditNote)
    return sum(
        1
        for story in stories.STORIES
        for _when, step in story.steps
        if isinstance(step, editor) and story.draft.supplier == steps.ATELIER
    )


def _wait_until_up(admin: EmulatorAdmin, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            admin.health()
            return
        except EmulatorAdminError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


# --- the timeline ------------------------------------------------------------------------------
def _moment(when: steps.When, now: datetime) -> datetime:
    if when.minutes:
        return now - timedelta(minutes=when.minutes)
    day = timezone.localdate(now)
    remaining = when.days
    while remaining:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    hour, minute = (int(part) for part in when.time.split(":"))
    return timezone.make_aware(datetime.combine(day, clock_time(hour, minute)))


def _plan(now: datetime) -> list[Event]:
    """Every step with its moment, in date order, and the numbers each supplier gives its
    invoices in the order it issues them."""
    by_key = {story.key: story for story in stories.STORIES}
    dated = sorted(
        (
            (_moment(when, now), index, story, step)
            for index, story in enumerate(stories.STORIES)
            for when, step in story.steps
        ),
        key=lambda item: (item[0], item[1]),
    )
    counters = {siret: start for siret, (_prefix, start) in steps.NUMBERING.items()}
    credit_notes = steps.CREDIT_NOTE_NUMBERING[1]
    events = []
    for moment, _index, story, step in dated:
        issued = timezone.localdate(moment)
        year = issued.year
        numbered = []
        if isinstance(step, (steps.Send, steps.SendOutside, steps.Correct)) or (
            isinstance(step, steps.SaveDraft) and story.draft.numbered
        ):
            numbered = [story]
        elif isinstance(step, steps.Deposit):
            numbered = [by_key[key] for key in step.stories]
        numbers = {}
        for item in numbered:
            prefix, _start = steps.NUMBERING[item.draft.supplier]
            numbers[item.key] = f"{prefix.format(year=year)}{counters[item.draft.supplier]:04d}"
            counters[item.draft.supplier] += 1
        if isinstance(step, steps.CreditNote):
            prefix = steps.CREDIT_NOTE_NUMBERING[0].format(year=year)
            numbers[story.key] = f"{prefix}{credit_notes:04d}"
            credit_notes += 1
        events.append(Event(moment, story, step, numbers, issued))
    if events and events[-1].moment >= now:
        raise DemoHistoryError(f"{events[-1].story.key}: a step is dated in the future")
    return events


# --- clocks and worker -------------------------------------------------------------------------
@contextmanager
def _clocks(admin: EmulatorAdmin) -> Iterator[Clocks]:
    real_now = timezone.now
    clocks = Clocks(admin, real_now)
    # Tokens expire on the emulated clock: with the clock jumping days, every first call of a
    # step would be refused and retried with a new token.
    token_ttl = admin.configure()["tokenTtl"]
    admin.configure(tokenTtl=int(REPLAY_SPAN.total_seconds()))
    # Every service reads the time from django.utils.timezone.now (model defaults, claims,
    # leases, watermarks): moved with the emulator's clock, both sides' stamps agree.
    timezone.now = clocks.now
    try:
        yield clocks
    finally:
        timezone.now = real_now
        admin.set_clock(real_now())
        admin.configure(tokenTtl=token_ttl)


@contextmanager
def _worker_in_process() -> Iterator[None]:
    """The tasks the services queue run at once in this process, as the worker would run them."""
    from portal.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    # The worker's own log lines (tasks done, the broker's address) are not the loader's news.
    loggers = {name: logging.getLogger(name) for name in ("celery", "kombu")}
    levels = {name: logger.level for name, logger in loggers.items()}
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    for logger in loggers.values():
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved
        for name, logger in loggers.items():
            logger.setLevel(levels[name])

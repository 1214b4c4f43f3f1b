"""When background work is tried again: leases, retry times, and the sweep for lost tasks.

Invoices being sent, decisions (actions), downloads and flows are each carried to Chorus Pro by a
task of their own, and follow the same rules (a :class:`WorkQueue` per kind of row):

1. A row waiting for a worker records when its next attempt is due: at once when it is queued;
   after a transient failure, the backoff of its attempt or Chorus Pro's Retry-After, whichever
   is longer. Its task is queued (or Celery's retry scheduled) for that moment.
2. A worker claims the row with a conditional UPDATE, only when it is due and nobody holds it,
   and holds it with a short lease that a thread renews while the work goes on. A killed worker
   stops renewing: its lease runs out within LEASE, not minutes later.
3. The beat's sweep hands out again only rows whose task is lost: an expired lease (the worker
   died), or a due time passed by more than LOST_AFTER (the broker lost the task, or the worker
   that held the scheduled retry died). A row waiting for its retry is never touched, so each
   row has one chain of attempts, on its own schedule.

The attempt count is the lease's fencing token: a worker renews or releases the row only while
the count is still the one its claim set, so a worker that lost its lease cannot extend the lease
of the one that took over.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError, connections, models
from django.db.models import F, Q
from django.utils import timezone

from chorus_client import (
    ChorusAuthenticationError,
    ChorusRejectedError,
    ChorusTransientError,
)

logger = logging.getLogger(__name__)

# A worker renews its lease every RENEW_EVERY; a killed one is taken over LEASE later at most.
LEASE = timedelta(seconds=30)
RENEW_EVERY = timedelta(seconds=10)
# A due time passed by this much means the task is lost: a queued task reaches a worker within
# seconds, a scheduled retry fires on time. The sweep runs every 15 s (portal/celery.py).
LOST_AFTER = timedelta(seconds=60)
# A Celery retry fires at its ETA, computed just after the due time was stored; the margin covers
# clocks a little apart between machines.
CLOCK_MARGIN = timedelta(seconds=1)
# Backoff of attempt n: 5 s, 10 s, 20 s... up to 10 minutes.
BACKOFF_FIRST_SECONDS = 5
BACKOFF_MAX_SECONDS = 600
# A Retry-After beyond this is cut: the broker's visibility timeout (portal/settings.py) must stay
# above the longest countdown, or Redis hands the waiting retry to a second worker.
RETRY_AFTER_MAX_SECONDS = 1800


# The Celery options of a task carrying work to Chorus Pro. Redis redelivers a task whose worker
# died (acks_late): the services are safe to run twice. Such a task retries until the work is done
# (no max_retries): the row holds when the next attempt is due, the service sets it (backoff,
# Retry-After), the task only waits for it. A time limit (per task) ends a worker stuck for good,
# and with it the lease it keeps.
WORK_TASK = {"bind": True, "acks_late": True, "max_retries": None, "ignore_result": True}


class RetryLater(Exception):
    """The attempt failed for a reason that may go away; the row's next attempt is due in
    ``delay`` seconds. Raised by the services, turned into a Celery retry by the tasks."""

    def __init__(self, delay: float, error: Exception) -> None:
        super().__init__(f"next attempt in {delay:.0f} s: {error}")
        self.delay = delay
        self.error = error


def retry_delay(*, attempt: int, retry_after: float | None = None) -> float:
    """Seconds before the attempt after ``attempt`` (1 for the first): the backoff, or Chorus
    Pro's Retry-After when it asks for longer."""
    backoff = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** max(attempt - 1, 0))
    return max(backoff, min(retry_after or 0, RETRY_AFTER_MAX_SECONDS))


@dataclass(frozen=True)
class WorkQueue:
    """The rows of ``model`` that ``pending`` selects, each tried until done by one worker at a
    time. ``lease``, ``due`` and ``attempts`` name the row's fields."""

    model: type[models.Model]
    pending: Q
    lease: str
    due: str
    attempts: str

    def _rows(self):
        return self.model.objects.filter(self.pending)

    def claim(self, pk: int, **fields) -> bool:
        """Take the row if it is due and nobody holds it; ``fields`` are set with the claim."""
        now = timezone.now()
        free = Q(**{f"{self.lease}__isnull": True}) | Q(**{f"{self.lease}__lt": now})
        due = Q(**{f"{self.due}__isnull": True}) | Q(**{f"{self.due}__lte": now + CLOCK_MARGIN})
        return bool(
            self._rows()
            .filter(free, due, pk=pk)
            .update(
                **{self.lease: now + LEASE, self.due: None, self.attempts: F(self.attempts) + 1},
                **fields,
            )
        )

    def _mine(self, pk: int, attempt: int):
        return self._rows().filter(pk=pk, **{self.attempts: attempt})

    def renew(self, pk: int, attempt: int) -> bool:
        mine = self._mine(pk, attempt).filter(**{f"{self.lease}__isnull": False})
        return bool(mine.update(**{self.lease: timezone.now() + LEASE}))

    def release(self, pk: int, attempt: int, *, delay: float, **fields) -> None:
        """Give the row up until its next attempt, ``delay`` seconds from now."""
        due = timezone.now() + timedelta(seconds=delay)
        self._mine(pk, attempt).update(**{self.lease: None, self.due: due}, **fields)

    @contextmanager
    def held(
        self,
        pk: int,
        attempt: int,
        *,
        on_retry: Callable[[ChorusTransientError], dict] | None = None,
    ) -> Iterator[None]:
        """Keep the lease of the claimed row while the block runs, and set its next attempt when
        the block fails:

        - Chorus Pro's transient failure: due after the backoff or Retry-After, with the fields
          ``on_retry`` gives; :class:`RetryLater` is raised for the task to schedule its retry;
        - a refusal or a credentials problem goes to the caller, which settles the row;
        - anything else (a bug, an answer we cannot read) pushes the row back by the backoff
          before it is raised, so one bad row cannot keep a worker busy.
        """
        keeper = _LeaseKeeper(self, pk, attempt)
        keeper.start()
        try:
            yield
        except (ChorusRejectedError, ChorusAuthenticationError):
            raise
        except ChorusTransientError as error:
            delay = retry_delay(attempt=attempt, retry_after=error.retry_after)
            keeper.stop()
            self.release(pk, attempt, delay=delay, **(on_retry(error) if on_retry else {}))
            raise RetryLater(delay, error) from error
        except Exception:
            keeper.stop()
            self.release(pk, attempt, delay=retry_delay(attempt=attempt))
            raise
        finally:
            keeper.stop()

    def due_now(self, pk: int) -> bool:
        """Make a waiting row due at once (support's "send again"); False if a worker holds it."""
        now = timezone.now()
        free = Q(**{f"{self.lease}__isnull": True}) | Q(**{f"{self.lease}__lt": now})
        return bool(self._rows().filter(free, pk=pk).update(**{self.lease: None, self.due: now}))

    def lost(self, *, now=None) -> list[int]:
        """Rows whose task is lost (see the module's doc), made due now: the caller queues a task
        for each. A row handed out is not handed out again before LOST_AFTER has passed anew."""
        now = now or timezone.now()
        expired = Q(**{f"{self.lease}__lt": now})
        overdue = Q(**{f"{self.lease}__isnull": True}) & (
            Q(**{f"{self.due}__lt": now - LOST_AFTER}) | Q(**{f"{self.due}__isnull": True})
        )
        rows = self._rows().filter(expired | overdue)
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            rows.filter(pk__in=ids).update(**{self.lease: None, self.due: now})
        return ids


class _LeaseKeeper(threading.Thread):
    """Renews a claimed row's lease every RENEW_EVERY until stopped, or until the row is no
    longer this worker's. Its database connection is its own, closed when it ends."""

    def __init__(self, queue: WorkQueue, pk: int, attempt: int) -> None:
        super().__init__(name=f"lease-{queue.model._meta.model_name}-{pk}", daemon=True)
        self.queue, self.pk, self.attempt = queue, pk, attempt
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(RENEW_EVERY.total_seconds()):
                try:
                    if not self.queue.renew(self.pk, self.attempt):
                        return
                except DatabaseError:
                    # One missed renewal leaves two more before the lease runs out.
                    logger.warning("lease of %s %s not renewed", self.name, self.pk, exc_info=True)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        if self.is_alive() and threading.current_thread() is not self:
            # Bounded: a renewal stuck behind a lock must not hold the work up.
            self.join(timeout=RENEW_EVERY.total_seconds())

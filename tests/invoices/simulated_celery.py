"""Minutes of Celery in a second: the portal's real tasks and beat schedule on a simulated clock.

What a broker, its workers and beat would do, done in order of time: a task queued with
``delay`` runs at once, one retried with ``self.retry(countdown=...)`` runs at its ETA, and each
entry of the beat schedule (portal/celery.py) runs at its interval. Tasks run one at a time and
the clock stands still while they run. ``django.utils.timezone.now`` reads the simulated clock,
so leases, due times and sweeps see the time pass; Chorus Pro is the emulator, over HTTP.
"""

import heapq
import itertools
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

from celery.app.task import Task
from celery.exceptions import Retry
from django.utils import timezone

from portal.celery import app


class SimulatedCelery:
    def __init__(self, *, beat: list[str]) -> None:
        self.started = timezone.now()
        self.now: datetime = self.started
        self._order = itertools.count()
        self._queue: list = []  # (when, order, kind, payload)
        self.runs: list[tuple[float, str, tuple]] = []  # (seconds, task name, args)
        self.lost: list[tuple[str, tuple]] = []  # tasks the broker dropped (see lose_queue)
        for name in beat:
            entry = app.conf.beat_schedule[name]
            self._push(self.now + timedelta(seconds=entry["schedule"]), "beat", name)

    @property
    def seconds(self) -> float:
        return (self.now - self.started).total_seconds()

    def _push(self, when: datetime, kind: str, payload) -> None:
        heapq.heappush(self._queue, (when, next(self._order), kind, payload))

    def at(self, seconds: float, action) -> None:
        """Call ``action()`` when the clock reaches ``seconds``."""
        self._push(self.started + timedelta(seconds=seconds), "call", action)

    def _apply_async(self, task, args=None, kwargs=None, countdown=None, eta=None, **options):
        when = eta or self.now + timedelta(seconds=countdown or 0)
        retries = options.get("retries", 0)
        self._push(when, "task", (task, tuple(args or ()), dict(kwargs or {}), retries))

    def lose_queue(self) -> None:
        """The broker loses every task it holds (a Redis restart without persistence)."""
        kept = []
        for item in self._queue:
            if item[2] == "task":
                task, args, _kwargs, _retries = item[3]
                self.lost.append((task.name, args))
            else:
                kept.append(item)
        heapq.heapify(kept)
        self._queue = kept

    @contextmanager
    def running(self):
        with (
            mock.patch.object(timezone, "now", lambda: self.now),
            mock.patch.object(Task, "apply_async", self._task_apply_async()),
        ):
            yield self

    def _task_apply_async(self):
        simulation = self

        def apply_async(task, args=None, kwargs=None, **options):
            simulation._apply_async(task, args, kwargs, **options)

        return apply_async

    def run_until(self, seconds: float) -> None:
        end = self.started + timedelta(seconds=seconds)
        while self._queue and self._queue[0][0] <= end:
            when, _order, kind, payload = heapq.heappop(self._queue)
            self.now = max(self.now, when)
            if kind == "call":
                payload()
            elif kind == "beat":
                entry = app.conf.beat_schedule[payload]
                self._run(app.tasks[entry["task"]], (), {}, 0)
                self._push(self.now + timedelta(seconds=entry["schedule"]), "beat", payload)
            else:
                self._run(*payload)
        self.now = max(self.now, end)

    def _run(self, task, args, kwargs, retries) -> None:
        self.runs.append((self.seconds, task.name, args))
        task.push_request(
            id=str(uuid.uuid4()),
            args=args,
            kwargs=kwargs,
            retries=retries,
            called_directly=False,
            delivery_info={"exchange": "", "routing_key": "celery"},
        )
        try:
            task.run(*args, **kwargs)
        except Retry:
            pass  # its next run is queued at its ETA
        finally:
            task.pop_request()

    def task_runs(self, name: str) -> list[tuple[float, tuple]]:
        return [(seconds, args) for seconds, task, args in self.runs if task == name]

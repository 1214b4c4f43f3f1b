"""Background work queued by task name.

A service queues its task through :func:`enqueue` and names it with a constant of its own module;
the task module imports the service, never the reverse. The name is the only tie between the two,
so no import circle joins a service to its task (tests/test_architecture.py keeps it so).
"""

from functools import cache, partial

from celery import Task
from django.db import transaction

from portal.celery import app


def enqueue(task_name: str, *args, countdown: float | None = None) -> None:
    """Queue ``task_name`` with ``args`` once the current transaction commits (at once outside
    one): a worker must never look for a row that is not committed yet."""
    transaction.on_commit(partial(send, task_name, args, countdown))


def send(task_name: str, args: tuple, countdown: float | None = None) -> None:
    """Queue now. Through the task itself rather than ``app.send_task``, so that its options
    and an eager Celery (the demo history runs its tasks in-process) apply."""
    task_registered(task_name).apply_async(args=args, countdown=countdown)


def task_registered(task_name: str) -> Task:
    registry = _registry()
    if task_name not in registry:
        raise LookupError(f"no Celery task is named {task_name!r}")
    return registry[task_name]


@cache
def _registry():
    # The web process imports no task module by itself: have Celery import those it discovers,
    # once per process.
    app.loader.import_default_modules()
    return app.tasks

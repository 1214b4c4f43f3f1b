"""Background work queued by task name.

A service queues its task through :func:`enqueue` and names it with a constant of its own module;
the task module imports the service, never the reverse. The name is the only tie between the two,
so no import circle joins a service to its task (tests/test_architecture.py keeps it so).
"""

import importlib
import importlib.util
from functools import cache, partial

from celery import Task
from django.apps import apps
from django.db import transaction

from portal.celery import INVOICE_TASK_PACKAGES, app


def enqueue(task_name: str, *args, countdown: float | None = None) -> None:
    """Queue ``task_name`` with ``args`` once the current transaction commits (at once outside
    one): a worker must never look for a row that is not committed yet."""
    transaction.on_commit(partial(send, task_name, args, countdown))


def send(task_name: str, args: tuple, countdown: float | None = None) -> None:
    """Queue now. Through the task itself rather than ``app.send_task``, so that its options
    and an eager Celery (the demo history runs its tasks in-process) apply."""
    task_registered(task_name).apply_async(args=args, countdown=countdown)


def task_registered(task_name: str) -> Task:
    if task_name not in app.tasks:
        _task_modules_imported()
    if task_name not in app.tasks:
        raise LookupError(f"no Celery task is named {task_name!r}")
    return app.tasks[task_name]


@cache
def _task_modules_imported() -> None:
    """A web process imports no task module by itself: import them, once. Directly, not through
    Celery's loader, whose Django fix-up sets Django up again (its logging configuration too:
    a worker's task logs went silent after its first queued task)."""
    packages = [config.name for config in apps.get_app_configs()] + list(INVOICE_TASK_PACKAGES)
    for package in packages:
        if importlib.util.find_spec(f"{package}.tasks") is not None:
            importlib.import_module(f"{package}.tasks")

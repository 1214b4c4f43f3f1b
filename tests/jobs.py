"""Background work queued by a test, caught before it reaches the broker (portal/jobs.py)."""

from contextlib import contextmanager
from unittest import mock


@contextmanager
def task_queued(task_name: str):
    """Yield a mock called with the arguments of each ``task_name`` queued meanwhile; nothing
    queued meanwhile reaches the broker."""
    queued = mock.Mock()

    def send(name: str, args: tuple, countdown: float | None = None) -> None:
        if name == task_name:
            queued(*args)

    with mock.patch("portal.jobs.send", send):
        yield queued


def queued_args(monkeypatch, task_name: str) -> list[tuple]:
    """The arguments of each ``task_name`` queued during the test; nothing queued reaches the
    broker."""
    queued: list[tuple] = []

    def send(name: str, args: tuple, countdown: float | None = None) -> None:
        if name == task_name:
            queued.append(tuple(args))

    monkeypatch.setattr("portal.jobs.send", send)
    return queued


def queued_ids(monkeypatch, task_name: str) -> list:
    """The first argument (an id) of each ``task_name`` queued during the test."""
    queued: list = []

    def send(name: str, args: tuple, countdown: float | None = None) -> None:
        if name == task_name:
            queued.append(args[0])

    monkeypatch.setattr("portal.jobs.send", send)
    return queued

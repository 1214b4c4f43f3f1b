"""A stand-in for Celery workers: it keeps what the portal queued and plays it in this process,
in order, as workers would (tests of the Facturation.pro connector, browser tests too)."""

from types import SimpleNamespace

from portal import jobs


def workers_install(monkeypatch) -> "Workers":
    """Queued tasks are kept in order as soon as they are queued: a test's transaction never
    commits, so ``enqueue``'s wait for the commit is skipped."""
    queue = Workers()
    monkeypatch.setattr("portal.jobs.send", queue.send)
    monkeypatch.setattr(
        "portal.jobs.transaction", SimpleNamespace(on_commit=lambda callback: callback())
    )
    return queue


class Workers:
    """The tasks the portal queued, kept until ``run`` plays them (and what they queue) in this
    process, in order, as Celery workers would."""

    def __init__(self) -> None:
        self.queued: list[tuple[str, tuple]] = []
        self.ran: list[str] = []

    def send(self, name: str, args: tuple, countdown: float | None = None) -> None:
        self.queued.append((name, tuple(args)))

    def names(self) -> list[str]:
        return [name for name, _ in self.queued]

    def run(self, *, only: str | None = None, limit: int = 200) -> list[str]:
        ran = []
        while self.queued and limit:
            index = next(
                (i for i, (name, _) in enumerate(self.queued) if only is None or name == only),
                None,
            )
            if index is None:
                break
            name, args = self.queued.pop(index)
            jobs.task_registered(name).apply(args=args, throw=True)
            ran.append(name)
            limit -= 1
        self.ran += ran
        return ran

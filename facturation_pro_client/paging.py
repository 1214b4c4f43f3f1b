"""Pages of a list (the ``X-Pagination`` header) and the ``X-RateLimit-*`` quota of an answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Page[T]:
    """One page of a list, from ``X-Pagination`` (``current_page``, ``total_pages``,
    ``per_page``, ``total_entries``). ``page`` is 1-based; ``pages`` is 0 when nothing matched."""

    page: int
    pages: int
    page_size: int
    total: int
    items: list[T]


@dataclass(frozen=True, kw_only=True)
class RateLimit:
    """``X-RateLimit-Limit`` / ``X-RateLimit-Remaining`` of one answer.

    The documentation gives two quotas (600 requests per 5 minutes, 10,000 per day) but one pair
    of headers, without saying which quota it counts; treat ``remaining`` as a floor to slow down
    at, not as a promise.
    """

    limit: int
    remaining: int


def iterate_pages[T](fetch: Callable[[int], Page[T]]) -> Iterator[T]:
    """Yield every item of every page, asking ``fetch`` for page 1, 2, ... until the last one.

    Stops at ``pages`` and also on an empty page, so that a server that miscounts cannot make us
    loop (and spend the daily quota) forever.
    """
    number = 1
    while True:
        page = fetch(number)
        yield from page.items
        if not page.items or number >= page.pages:
            return
        number += 1

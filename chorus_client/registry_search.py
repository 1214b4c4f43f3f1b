"""The search body of the resource-style APIs and their offset paging (contract-works-and-new-apis
§2.2.4 [S: ZMOG-RO] for the filters; paging is [U]).

Each condition becomes a top-level key ``{"op": ..., "val": ...}``; ``_sort``, ``_desc`` and
``_fields`` are always sent (ZMOG sends them, empty when unused). [U]: ``_limit`` / ``_offset`` in
the body page the answer; a server that ignores them (answers more than asked, or the same page
again) is read as having answered everything at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .types_organisations import RegistryQuery, condition_value

DEFAULT_PAGE_SIZE = 100


def query_body(query: RegistryQuery | None, *, limit: int | None = None, offset: int = 0,
               fields: Iterable[str] = ()) -> dict[str, Any]:
    query = query or RegistryQuery()
    body: dict[str, Any] = {}
    for condition in query.conditions:
        name = condition.field.value
        if name in body:
            # The wire format keys conditions by field name: two on one field cannot travel.
            raise ValueError(f"only one condition per field is possible ({name})")
        body[name] = {"op": condition.operator.value, "val": condition_value(condition.value)}
    body["_sort"] = [name.value for name in query.sort]
    body["_desc"] = [name.value for name in query.descending]
    body["_fields"] = list(fields)
    if limit is not None:
        if limit < 1 or offset < 0:
            raise ValueError("limit starts at 1 and offset at 0")
        body["_limit"] = limit
    if offset:
        body["_offset"] = offset
    return body


def iterate_offsets[T](search: Callable[[int, int], list[T]], key: Callable[[T], Any],
                       page_size: int = DEFAULT_PAGE_SIZE) -> Iterator[T]:
    """Yield every item, asking ``search(limit, offset)`` page after page."""
    offset = 0
    previous_first = None
    while True:
        items = search(page_size, offset)
        if offset and items and key(items[0]) == previous_first:
            return  # the server ignored _offset: it already answered everything
        yield from items
        if len(items) != page_size:
            return  # a short page is the last; a longer one means _limit was ignored
        previous_first = key(items[0])
        offset += page_size

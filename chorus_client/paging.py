"""Pagination on the wire (contract §2): request object in, ``parametresRetour`` out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import ChorusProtocolError
from .types_common import Page, PageRequest
from .wire import Reader, compact


def page_params(request: PageRequest) -> dict[str, Any]:
    """The pagination object; its key name depends on the operation (contract §2 [C])."""
    return compact({
        "pageResultatDemandee": request.page,  # 1-based [C]
        "nbResultatsParPage": request.page_size,
        "triColonne": request.sort_column,
        "triSens": request.sort_direction,
    })


def read_page[T](reader: Reader, list_key: str, parse: Callable[[Reader], T], *,
                 top_level: bool = False, request: PageRequest | None = None,
                 unpaged: bool = False) -> Page[T]:
    """Build a Page from ``parametresRetour`` (or top-level keys for rechercher/recipiendaire)."""
    items = [parse(item) for item in reader.items(list_key)]
    info = reader if top_level else reader.opt_obj("parametresRetour")
    if info is None or not info.has("pages"):
        if unpaged and items:
            # An operation whose pagination is [U] answered everything at once: one full page.
            return Page(page=1, pages=1, page_size=len(items), total=len(items), items=items)
        if items:
            raise ChorusProtocolError("a non-empty page came without its pagination fields",
                                      operation=reader.operation)
        # An empty answer may omit the pagination block: report an empty, single page.
        size = request.page_size if request else 0
        return Page(page=request.page if request else 1, pages=0, page_size=size, total=0,
                    items=[])
    return Page(page=info.integer("pageCourante"), pages=info.integer("pages"),
                page_size=info.integer("nbResultatsParPage"), total=info.integer("total"),
                items=items)

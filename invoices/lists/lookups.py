"""Look-ups made before a list's query so that the query stays one index walk: the invoices
and counterparts a free-text search matches, and the distinct counterparts of a space."""

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from invoices.models import Invoice
from invoices.selectors import invoice_list_for_space
from portal.spaces import Space
from structures.models import Structure
from structures.selectors import structure_name_condition

# A free-text search looks up the matching numbers and counterparts first (text_condition).
TEXT_IDS_MAX = 500


def text_condition(text: str, side: str) -> Q:
    """Invoice number or counterpart (name or SIRET) holding ``text``.

    Both are looked up first, each in its own index (trigram on the number, migration 0009;
    the folded names, structures 0005): the list's query then asks for these few invoices or
    counterparts by id. Left as a condition in the list's query, the database would walk the
    space's invoices newest first testing each until a page is full: quick when many match,
    every invoice of the space when nothing does. Only when the number matches more than
    TEXT_IDS_MAX invoices, or the text is too short for trigrams, is the condition kept (the
    walk then soon fills a page, or, for one or two characters matching nothing, reads all).
    """
    counterparts = structure_name_condition(text) or Q(pk__in=[])
    digits = text.replace(" ", "")
    if digits.isdigit():
        counterparts |= Q(siret__startswith=digits)
    counterpart_ids = list(
        Structure.objects.filter(counterparts).values_list("pk", flat=True)[: TEXT_IDS_MAX + 1]
    )
    by_counterpart = Q(**{f"{side}__in": counterpart_ids})
    if len(counterpart_ids) > TEXT_IDS_MAX:
        by_counterpart = Q(**{f"{side}__in": Structure.objects.filter(counterparts).values("pk")})
    by_number = Q(number__icontains=text)
    if len(text) >= 3:  # a trigram index finds nothing shorter: left to the walk
        numbered = list(
            Invoice.objects.filter(by_number)
            .order_by()
            .values_list("pk", flat=True)[: TEXT_IDS_MAX + 1]
        )
        if len(numbered) <= TEXT_IDS_MAX:
            by_number = Q(pk__in=numbered)
    return by_number | by_counterpart


def counterpart_ids(space: Space, column: str) -> list[int]:
    """The distinct counterparts of the space's invoices, found by skipping from one to the next
    along the index (structure, counterpart, ...): one short index probe per counterpart instead
    of reading every invoice of the space (indexes invoice_supplier_recipient_ks,
    invoice_recipient_supplier_ks and invoice_validator_supplier)."""
    visible = invoice_list_for_space(space=space).select_related(None)

    def following(after) -> tuple[str, tuple]:
        nearest = visible.filter(**{f"{column}__gt": after}).order_by(column)
        return nearest.values_list(column)[:1].query.sql_with_params()

    first_sql, first_params = following(0)
    next_sql, next_params = following(RawSQL("found.id", ()))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE found(id) AS (SELECT ({first_sql}) "  # noqa: S608 - ORM's own SQL
            f"UNION ALL SELECT ({next_sql}) FROM found WHERE found.id IS NOT NULL) "
            "SELECT id FROM found WHERE id IS NOT NULL",
            (*first_params, *next_params),
        )
        return [row[0] for row in cursor.fetchall()]

# ruff: noqa: S608 - the SQL is built from this module's constants only, values are parameters
"""The supplier's status counts, kept exact by the database on every write of an invoice.

The summary of the supplier's list (counts and amounts by status, awaiting payment, overdue)
used to group every invoice the supplier ever issued on each view: a second or more at a million
invoices. Instead, triggers on the invoice table (installed by migration 0020, checked again after
every `migrate`) insert into InvoiceStatusCount one row of -1 for what an invoice was and one of
+1 for what it became, whenever its supplier, status, Chorus Pro status, payment deadline, kind
or amounts change, however it is written: save(), queryset update(), bulk_create, delete, raw
SQL. The summary sums these rows (`status_totals_for_supplier`): a few hundred rows, not the
invoices. Inserting only (never updating a shared counter row) means writers never wait on one
another. The beat folds the rows together every few minutes (`status_counts_compact`).
"""

from datetime import date

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from invoices.models import InvoiceStatusCount, awaiting_payment_q

TABLE = InvoiceStatusCount._meta.db_table
COLUMNS = (
    "supplier_id, status, chorus_status, payment_due_by, invoices, "
    "total_excl_tax, total_incl_tax, amount_due"
)
# What was already past when rows were folded is folded into one date: still before any today.
PAST = date.min
FOLDED_DUE = "CASE WHEN payment_due_by < %(today)s THEN %(past)s ELSE payment_due_by END"
WATCHED = (
    "supplier_id",
    "status",
    "chorus_status",
    "payment_due_by",
    "kind",
    "total_excl_tax",
    "total_incl_tax",
    "amount_due",
)


def _row(side: str, sign: int) -> str:
    """The VALUES of the change row for OLD (sign -1) or NEW (sign +1); credit notes negative."""
    signed = f"(CASE WHEN {side}.kind = 'credit_note' THEN {-sign} ELSE {sign} END)"
    return (
        f"({side}.supplier_id, {side}.status, {side}.chorus_status, {side}.payment_due_by, {sign}, "
        f"{signed} * {side}.total_excl_tax, {signed} * {side}.total_incl_tax, "
        f"{signed} * {side}.amount_due)"
    )


def _postgresql_install(cursor) -> None:
    # The comparison is in the function, not in a WHEN clause: a trigger's WHEN would pin the
    # columns' types (ALTER COLUMN TYPE refused while it exists).
    unchanged = " AND ".join(f"OLD.{c} IS NOT DISTINCT FROM NEW.{c}" for c in WATCHED)
    cursor.execute(
        f"""
        CREATE OR REPLACE FUNCTION invoices_status_count_track() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND {unchanged} THEN
                RETURN NULL;
            END IF;
            IF TG_OP = 'UPDATE' THEN
                INSERT INTO {TABLE} ({COLUMNS}) VALUES {_row("OLD", -1)}, {_row("NEW", 1)};
            ELSIF TG_OP = 'DELETE' THEN
                INSERT INTO {TABLE} ({COLUMNS}) VALUES {_row("OLD", -1)};
            ELSE
                INSERT INTO {TABLE} ({COLUMNS}) VALUES {_row("NEW", 1)};
            END IF;
            RETURN NULL;
        END $$;
        CREATE OR REPLACE TRIGGER invoices_status_count AFTER INSERT OR UPDATE OR DELETE
        ON invoices_invoice FOR EACH ROW EXECUTE FUNCTION invoices_status_count_track();
        """
    )


def _sqlite_install(cursor) -> None:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    insert = f"INSERT INTO {TABLE} ({COLUMNS}) VALUES"
    for name, definition in (
        ("insert", f"AFTER INSERT ON invoices_invoice BEGIN {insert} {_row('NEW', 1)}; END"),
        ("delete", f"AFTER DELETE ON invoices_invoice BEGIN {insert} {_row('OLD', -1)}; END"),
        (
            "update",
            f"AFTER UPDATE ON invoices_invoice WHEN {changed} "
            f"BEGIN {insert} {_row('OLD', -1)}, {_row('NEW', 1)}; END",
        ),
    ):
        cursor.execute(f"DROP TRIGGER IF EXISTS invoices_status_count_{name}")
        cursor.execute(f"CREATE TRIGGER invoices_status_count_{name} {definition}")


def _installed(cursor) -> bool:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'invoices_status_count'")
        return cursor.fetchone()[0] == 1
    cursor.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE 'invoices_status_count_%'"
    )
    return cursor.fetchone()[0] == 3


def status_counts_install(*, rebuild: bool = False) -> None:
    """(Re)creates the triggers; rebuilds the counts when asked, or when the triggers were missing
    (SQLite drops a table's triggers when a migration rebuilds the table)."""
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(connection.vendor)
    with transaction.atomic(), connection.cursor() as cursor:
        missing = not _installed(cursor)
        if connection.vendor == "postgresql":
            _postgresql_install(cursor)
        else:
            _sqlite_install(cursor)
    if rebuild or missing:
        status_counts_rebuild()


def status_counts_rebuild() -> None:
    """The counts computed again from the invoices, in one grouped pass (writers wait for it),
    deadlines already past folded into one as `status_counts_compact` does."""
    sign = "(CASE WHEN kind = 'credit_note' THEN -1 ELSE 1 END)"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE invoices_invoice IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(
            f"INSERT INTO {TABLE} ({COLUMNS}) "
            f"SELECT supplier_id, status, chorus_status, {FOLDED_DUE} AS folded_due, count(*), "
            f"sum({sign} * total_excl_tax), sum({sign} * total_incl_tax), "
            f"sum({sign} * amount_due) FROM invoices_invoice "
            "GROUP BY supplier_id, status, chorus_status, folded_due",
            {"today": timezone.localdate(), "past": PAST},
        )


def status_counts_compact(*, today: date) -> int:
    """Folds the change rows into one per supplier, status and deadline (deadlines before
    ``today`` into one); returns the rows left. Safe while invoices are written: on PostgreSQL
    the rows are deleted and their sums inserted by one statement, so a change inserted
    meanwhile is either folded or left as it is, never lost nor counted twice."""
    sums = (
        "sum(invoices), sum(total_excl_tax), sum(total_incl_tax), sum(amount_due) "
        "FROM {source} GROUP BY supplier_id, status, chorus_status, folded_due "
        "HAVING sum(invoices) <> 0 OR sum(total_excl_tax) <> 0 OR sum(total_incl_tax) <> 0 "
        "OR sum(amount_due) <> 0"
    )
    select = f"SELECT supplier_id, status, chorus_status, {FOLDED_DUE} AS folded_due, {sums}"
    params = {"today": today, "past": PAST}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH gone AS (DELETE FROM {TABLE} RETURNING *) "
                f"INSERT INTO {TABLE} ({COLUMNS}) {select.format(source='gone')}",
                params,
            )
        else:  # one writer at a time on SQLite: read, delete and insert back in a transaction
            cursor.execute(select.format(source=TABLE), params)
            rows = cursor.fetchall()
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.executemany(
                f"INSERT INTO {TABLE} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows
            )
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def status_totals_for_supplier(*, supplier_id: int, today: date) -> QuerySet:
    """Counts and signed amounts by (status, chorus_status) of the supplier's invoices, with
    those awaiting payment and overdue: the same groups as a pass over the invoices gives."""
    awaiting = awaiting_payment_q()
    return (
        InvoiceStatusCount.objects.filter(supplier_id=supplier_id)
        .values("status", "chorus_status")
        .annotate(
            count=Sum("invoices"),
            total_excl_tax=Sum("total_excl_tax"),
            total_incl_tax=Sum("total_incl_tax"),
            awaiting=Sum("invoices", filter=awaiting, default=0),
            awaiting_amount=Sum("amount_due", filter=awaiting),
            overdue=Sum("invoices", filter=awaiting & Q(payment_due_by__lt=today), default=0),
        )
        .filter(count__gt=0)
        .order_by()
    )


def status_counts_uninstall() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS invoices_status_count ON invoices_invoice")
            cursor.execute("DROP FUNCTION IF EXISTS invoices_status_count_track()")
        else:
            for name in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS invoices_status_count_{name}")


def status_counts_after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """post_migrate: a migration that rebuilt the invoice table on SQLite dropped its triggers;
    put them back (and recount) once the counts' table exists."""
    if connection.alias != using or TABLE not in connection.introspection.table_names():
        return
    if not any(not backwards for _migration, backwards in plan or []):
        return
    status_counts_install()

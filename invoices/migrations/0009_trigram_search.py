"""Trigram indexes for the lists' free-text search, on PostgreSQL only.

Django's icontains on PostgreSQL is `UPPER(col::text) LIKE UPPER('%text%')`; a GIN trigram index
on that same expression lets a substring search use an index instead of reading every invoice.
SQLite (the embedded default) has no such index and needs none at its scale. Creating the
pg_trgm extension needs the right to do so; without it the search still works, only slower.
"""

from django.db import DatabaseError, migrations

INDEXES = [
    ("invoice_number_trgm", "invoices_invoice", "number"),
    ("structure_name_trgm", "structures_structure", "name"),
]


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            cursor.execute("SAVEPOINT trgm")
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except DatabaseError:
                # No right to create it: the search stays unindexed, the migration goes on.
                cursor.execute("ROLLBACK TO SAVEPOINT trgm")
                return
            cursor.execute("RELEASE SAVEPOINT trgm")
        for name, table, column in INDEXES:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table, _column in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0008_downloads_and_commitment_check"),
        ("structures", "0003_supplier_answers_inbox_and_treatment"),
    ]

    operations = [migrations.RunPython(create, drop)]

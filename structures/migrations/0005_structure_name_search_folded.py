"""Structures get their name folded for searching (no accents, no case): ``search_name``.

On PostgreSQL, the lists' search by counterpart name moves from ``UPPER(name)`` to
``search_name``: its trigram index moves with it (created only where pg_trgm is installed,
as migration invoices 0009 does).
"""

from django.db import migrations, models

from structures.models import name_search_key


def fill(apps, schema_editor):
    Structure = apps.get_model("structures", "Structure")
    for structure in Structure.objects.only("pk", "name").iterator():
        Structure.objects.filter(pk=structure.pk).update(
            search_name=name_search_key(structure.name)[:200]
        )


def index_create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS structure_name_trgm")
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS structure_search_name_trgm "
                "ON structures_structure USING gin (search_name gin_trgm_ops)"
            )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS structure_search_name_trgm")
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS structure_name_trgm ON structures_structure "
                "USING gin ((UPPER(name::text)) gin_trgm_ops)"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0004_supplier_identifiers_besides_siret"),
        # The index on UPPER(name) it replaces is created there.
        ("invoices", "0009_trigram_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="structure",
            name="search_name",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(index_create, index_drop),
    ]

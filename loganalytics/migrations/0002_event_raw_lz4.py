"""PostgreSQL: compress event JSON with lz4 rather than the default pglz.

Most native events are big enough to be compressed when stored; pglz costs the database
several times the CPU of lz4 for a similar ratio, and big imports wait on it.
"""

from django.db import migrations


def use_lz4(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql" and _has_lz4(schema_editor):
        schema_editor.execute(
            "ALTER TABLE loganalytics_sparkevent ALTER COLUMN raw SET COMPRESSION lz4"
        )


def _has_lz4(schema_editor) -> bool:
    """Whether this server was built with lz4 (Debian's and the official images are)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
            "WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def use_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE loganalytics_sparkevent ALTER COLUMN raw SET COMPRESSION DEFAULT"
        )


class Migration(migrations.Migration):
    dependencies = [("loganalytics", "0001_initial")]

    operations = [migrations.RunPython(use_lz4, use_default)]

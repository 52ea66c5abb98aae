"""Key the rows that exist already, so the first ``/services/{id}`` after the release
does not compute 100 000 ids inside a request (apps/interchange/hsds/stored.py)."""

from django.db import migrations


def key_rows(apps, schema_editor):
    from apps.interchange.hsds import stored

    for kind in stored.KEYED:
        stored.fill_keys(kind)


class Migration(migrations.Migration):
    dependencies = [
        ("interchange", "0002_stored_documents"),
        ("directory", "0008_null_means_not_known"),
    ]

    operations = [migrations.RunPython(key_rows, migrations.RunPython.noop)]

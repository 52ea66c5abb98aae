from django.db import migrations

import apps.directory.search


class Migration(migrations.Migration):
    """Two-column search indexes (areas + words, areas + names) replace three single ones:
    a search in a region no longer rechecks the words of every listing serving it
    (docs/performance.md). install_index drops the old indexes and creates the new."""

    dependencies = [
        ("directory", "0005_service_search"),
    ]

    operations = [
        migrations.RunPython(apps.directory.search.install_index, migrations.RunPython.noop),
    ]

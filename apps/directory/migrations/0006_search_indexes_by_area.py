from django.db import migrations



class Migration(migrations.Migration):
    """Two-column search indexes (areas + words, areas + names) replace three single ones:
    a search in a region no longer rechecks the words of every listing serving it
    (docs/performance.md). install_index drops the old indexes and creates the new."""

    dependencies = [
        ("directory", "0005_service_search"),
    ]

    operations = [
        # Superseded: 0009 installs today's index_sql() once its columns exist.
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]

"""Compile the message catalogs with Babel, so a newcomer needs no GNU gettext.

With --check it compiles nothing and fails if any catalog has untranslated or fuzzy
entries (L1), listing them.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogs():
    for locale_dir in settings.LOCALE_PATHS:
        yield from sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po"))


def problems(catalog) -> list[str]:
    found = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if message.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            found.append(f"untranslated: {message.id!r}")
    return found


class Command(BaseCommand):
    requires_system_checks = []
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo (or, with --check, verify them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Fail on untranslated or fuzzy entries."
        )

    def handle(self, *args, check=False, **options):
        failures = 0
        for po_path in catalogs():
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=po_path.parent.parent.name.replace("-", "_"))
            if check:
                found = problems(catalog)
                if found:
                    failures += len(found)
                    self.stderr.write(f"{po_path}: {len(found)} problem(s)")
                    for line in found[:20]:
                        self.stderr.write(f"  {line}")
                continue
            with po_path.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
        if failures:
            raise CommandError(f"{failures} untranslated or fuzzy message(s).")
        if check:
            self.stdout.write("All catalogs complete.")

"""``manage.py export_hsds``: the published directory as Open Referral HSDS 3.0 (X1)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.interchange.export import export_directory


def content_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Command(BaseCommand):
    help = (
        "Write the published directory as HSDS 3.0: nested JSON (hsds/) and the tabular "
        "datapackage (tabular/), in one content language or, with --all-languages, one "
        "folder per language with the same ids. Confidential locations are redacted."
    )

    def add_arguments(self, parser):
        default = Path(getattr(settings, "DATA_DIR", Path("data"))) / "export"
        parser.add_argument(
            "--output", type=Path, default=default, help=f"folder to write (default {default})"
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help="content language, one of: " + ", ".join(content_languages()),
        )
        group.add_argument(
            "--all-languages",
            action="store_true",
            help="one sub-folder per content language (en/, fr/, ...), same ids in each",
        )

    def handle(self, *args, output: Path, language: str, all_languages: bool, **options):
        if all_languages:
            languages = content_languages()
        elif language.lower() in content_languages():
            languages = [language.lower()]
        else:
            raise CommandError(
                f"Unknown content language; choose one of: {', '.join(content_languages())}."
            )
        written = export_directory(output, languages, per_language=all_languages)
        for path in written:
            self.stdout.write(f"wrote {path}")
        self.stdout.write(self.style.SUCCESS(f"HSDS export in {', '.join(languages)}: {output}"))

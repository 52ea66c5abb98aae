"""What an import reports: errors (nothing is written) and warnings (kept, but said)."""

from dataclasses import dataclass, field

# Every object read from a file carries where it came from under this key.
SOURCE = "\x00source"
# A report keeps this many warnings; the rest are counted.
MAX_WARNINGS = 1000


@dataclass(frozen=True)
class Issue:
    file: str
    where: str  # "line 12" (CSV) or a JSON pointer such as "/3/phones/0"
    field: str
    message: str

    def __str__(self):
        place = ", ".join(part for part in (self.file, self.where, self.field) if part)
        return f"{place}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "where": self.where,
            "field": self.field,
            "message": self.message,
        }


class ImportFailed(Exception):
    """The file cannot be imported; ``issues`` says where and why."""

    def __init__(self, issues):
        self.issues = list(issues)
        super().__init__("; ".join(str(i) for i in self.issues[:5]))


@dataclass
class Report:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    warning_count: int = 0

    def error(self, origin, field_name: str, message: str) -> None:
        file, where = origin
        self.errors.append(Issue(file, where, field_name, str(message)))

    def warn(self, origin, field_name: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS:
            file, where = origin
            self.warnings.append(Issue(file, where, field_name, str(message)))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ImportFailed(self.errors)


def origin_of(obj, fallback=("", "")) -> tuple[str, str]:
    if isinstance(obj, dict):
        return obj.get(SOURCE, fallback)
    return fallback

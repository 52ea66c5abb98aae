"""A country's emergency numbers, from libphonenumber's short-number metadata (D7).

No hand-kept list: ``phonenumbers`` ships, for each region, a pattern of the short
numbers that reach the emergency services ("112|911" for the United States,
"1(?:12|[578])" for France). Those patterns are small, finite regular expressions; this
module spells out every number they match and checks each with
``phonenumbers.shortnumberinfo.is_emergency_number``. Upgrading ``phonenumbers`` is how
the numbers are kept current.
"""

from functools import lru_cache

from phonenumbers import PhoneMetadata, shortnumberinfo

# A pattern that spells out more numbers than this is not a list a person could use.
MAX_NUMBERS = 12


class PatternTooWide(ValueError):
    pass


@lru_cache(maxsize=512)
def emergency_numbers(region_code: str) -> tuple[str, ...]:
    """The emergency numbers of a country (ISO 3166-1 alpha-2), shortest first."""
    code = (region_code or "").upper()
    metadata = PhoneMetadata.short_metadata_for_region(code)
    if metadata is None or metadata.emergency is None:
        return ()
    pattern = metadata.emergency.national_number_pattern
    try:
        numbers = spell_out(pattern)
    except PatternTooWide:
        numbers = {metadata.emergency.example_number} - {None}
    valid = (n for n in numbers if shortnumberinfo.is_emergency_number(n, code))
    return tuple(sorted(valid, key=lambda n: (len(n), n)))


def spell_out(pattern: str) -> set[str]:
    """Every string a finite pattern of digits, ``[…]``, ``\\d``, ``(?:…)``, ``|``, ``?``
    and ``{n}``/``{n,m}`` matches."""
    parser = _Parser(pattern)
    found = parser.alternatives()
    if parser.position != len(pattern):
        raise PatternTooWide(pattern)
    return found


class _Parser:
    def __init__(self, pattern: str):
        self.pattern = pattern
        self.position = 0

    def _peek(self) -> str:
        return self.pattern[self.position] if self.position < len(self.pattern) else ""

    def _take(self, text: str) -> bool:
        if self.pattern.startswith(text, self.position):
            self.position += len(text)
            return True
        return False

    def alternatives(self) -> set[str]:
        found = self.sequence()
        while self._take("|"):
            found |= self.sequence()
        return found

    def sequence(self) -> set[str]:
        found = {""}
        while self._peek() not in ("", "|", ")"):
            options = self._quantified(self._atom())
            found = {a + b for a in found for b in options}
            if len(found) > MAX_NUMBERS:
                raise PatternTooWide(self.pattern)
        return found

    def _atom(self) -> set[str]:
        if self._take("(?:") or self._take("("):
            inner = self.alternatives()
            if not self._take(")"):
                raise PatternTooWide(self.pattern)
            return inner
        if self._take("\\d"):
            return set("0123456789")
        if self._take("["):
            return self._character_class()
        character = self._peek()
        if not character.isdigit():
            raise PatternTooWide(self.pattern)
        self.position += 1
        return {character}

    def _character_class(self) -> set[str]:
        chosen = set()
        while not self._take("]"):
            first = self._peek()
            if not first.isdigit():
                raise PatternTooWide(self.pattern)
            self.position += 1
            if self._take("-"):
                last = self._peek()
                self.position += 1
                chosen |= {str(d) for d in range(int(first), int(last) + 1)}
            else:
                chosen.add(first)
        return chosen

    def _quantified(self, options: set[str]) -> set[str]:
        if self._take("?"):
            return options | {""}
        if self._take("{"):
            end = self.pattern.index("}", self.position)
            low, _, high = self.pattern[self.position : end].partition(",")
            self.position = end + 1
            counts = range(int(low), int(high or low) + 1)
            result = set()
            for count in counts:
                repeated = {""}
                for _ in range(count):
                    repeated = {a + b for a in repeated for b in options}
                    if len(repeated) > MAX_NUMBERS:
                        raise PatternTooWide(self.pattern)
                result |= repeated
            return result
        return options

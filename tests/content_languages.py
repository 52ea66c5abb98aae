"""Finds content shown in another language without its ``lang`` and its marker (issue #17).

The language of every piece of content is known from the data: the column it is stored
in (``name_fr`` is French). Nothing is guessed from the text. A page passes when every
text node that is content either is in the language of the part of the page it sits in
(the page, or a column of a referral sheet), or sits inside an element whose ``lang`` is
its real language and is followed by the "(shown in …)" marker.

Names of places (streets, towns, regions) are left out: they are shown as written on the
door, with their ``lang`` but no marker (docs/languages.md, "Names of places").
"""

from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings
from modeltranslation.translator import translator

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
PLACE_NAMES = {("Location", "address_1"), ("Location", "city"), ("Region", "name")}
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def known_content() -> dict[str, set[str]]:
    """Every stored translation, mapped to the languages it is stored in."""
    languages = defaultdict(set)
    for model in translator.get_registered_models():
        fields = translator.get_options_for_model(model).fields
        for field in fields:
            if (model.__name__, field) in PLACE_NAMES:
                continue
            columns = {f"{field}_{code.replace('-', '_')}": code for code in LANGUAGE_CODES}
            for row in model.objects.values(*columns):
                for column, value in row.items():
                    text = " ".join((value or "").split())
                    if len(text) >= 3:
                        languages[text].add(columns[column])
    return languages


@dataclass
class Problem:
    text: str
    written_in: set
    context: str
    lang: str
    why: str

    def __str__(self):
        return (
            f"{self.text!r} (stored in {sorted(self.written_in)}) on a {self.context} part of "
            f"the page, inside lang={self.lang!r}: {self.why}"
        )


class _Tokens(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, dict(attrs)))
        if tag in VOID:
            self.tokens.append(("end", tag, {}))

    def handle_startendtag(self, tag, attrs):
        self.tokens.append(("start", tag, dict(attrs)))
        self.tokens.append(("end", tag, {}))

    def handle_endtag(self, tag):
        if tag not in VOID:
            self.tokens.append(("end", tag, {}))

    def handle_data(self, data):
        self.tokens.append(("text", data, {}))


def _matches(text: str, content: dict[str, set[str]]) -> set[str]:
    if text in content:
        return content[text]
    if text.endswith("…"):  # a summary cut to a number of words
        start = text[:-1].strip()
        if len(start) >= 20:
            for value, languages in content.items():
                if value.startswith(start):
                    return languages
    return set()


def _followed_by_marker(tokens, index: int) -> bool:
    """After the text: closing tags and spaces, then a "(shown in …)" marker."""
    for kind, value, attrs in tokens[index + 1 :]:
        if kind == "end" or (kind == "text" and not value.strip()):
            continue
        if kind == "start" and value in {"p", "br"}:
            continue
        classes = attrs.get("class", "").split()
        return kind == "start" and value == "small" and classes == ["shown-in"]
    return False


def unmarked_content(html: str, content: dict[str, set[str]]) -> list[Problem]:
    parser = _Tokens()
    parser.feed(html)
    tokens = parser.tokens
    stack: list[tuple[str, dict]] = []
    problems = []
    for index, (kind, value, attrs) in enumerate(tokens):
        if kind == "start":
            stack.append((value, attrs))
        elif kind == "end":
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == value:
                    del stack[depth:]
                    break
        else:
            text = " ".join(value.split())
            written_in = _matches(text, content) if text else set()
            if not written_in or any(tag in {"script", "style"} for tag, _a in stack):
                continue
            lang = next((a["lang"] for _t, a in reversed(stack) if "lang" in a), "")
            # The reader's language here: the page's, or a referral sheet column's.
            context = next(
                (
                    a["lang"]
                    for tag, a in reversed(stack)
                    if "lang" in a and (tag == "html" or "sheet-cell" in a.get("class", ""))
                ),
                "",
            )
            if context in written_in:
                continue
            if lang not in written_in:
                problems.append(Problem(text, written_in, context, lang, "no lang attribute"))
            elif not _followed_by_marker(tokens, index):
                problems.append(Problem(text, written_in, context, lang, "no “shown in” marker"))
    return problems

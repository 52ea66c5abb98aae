"""Each language's fields in a group of their own (issue 15, item 5): the editor's own
language and English open, the other ten closed, no script needed (``<details>``)."""

import re

from apps.directory.models import Service
from apps.directory.models.organizations import PublicationStatus


def groups(html: str) -> dict[str, bool]:
    """Language group title → open?, as the page shows them."""
    found = {}
    for match in re.finditer(r"<fieldset[^>]*>(.*?)</fieldset>", html, re.S):
        body = match.group(1)
        title = re.search(r"<(?:summary|h2)[^>]*>(.*?)</(?:summary|h2)>", body, re.S)
        if title and "(" in title.group(1):
            name = re.sub(r"<[^>]+>", "", title.group(1)).strip()
            found[name] = "<details" not in body
    return found


def test_the_editors_language_and_english_are_open_the_rest_closed(staff_client, editor_a):
    service = Service.objects.create(
        organization=editor_a.staff_profile.organization,
        name_en="Alpha line",
        status=PublicationStatus.PUBLISHED,
    )
    page = staff_client(editor_a).get(f"/en/staff/directory/service/{service.pk}/change/")
    shown = groups(page.text)
    assert len(shown) == 12, shown
    assert shown["English (en)"] and shown["Français (fr)"]  # editor_a writes French
    assert not shown["العربية (ar)"] and not shown["简体中文 (zh-hans)"]
    assert sum(shown.values()) == 2
    # Their own groups come first, before the fields every language shares.
    assert page.text.index("Français (fr)") < page.text.index('name="organization"')

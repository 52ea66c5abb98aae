"""Send a list to the person from the caseworker's own phone (issue #21, item 5).

The reference code's address goes into an ``sms:`` and a ``mailto:`` link, worded in the
person's language, plainly or discreetly. The caseworker's phone or mail program sends
it: Waymark sends nothing, and keeps nothing (no new server state; the links are built
for each GET and never logged).

``sms:?&body=…`` is the form both platforms read: Android (and RFC 5724) take the body
after ``?``, iOS 8 and later after ``&``; with ``?&`` each finds it, and the leading
empty parameter is ignored. The body is percent-encoded as UTF-8 with spaces as ``%20``
(never ``+``, which messaging apps show as a plus sign) and line breaks as ``%0A``;
``mailto:`` bodies use ``%0D%0A`` line breaks (RFC 6068).
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Message:
    url: str  # the list's address, in the person's language
    subject: str
    body: str

    @property
    def sms_href(self) -> str:
        return "sms:?&body=" + quote(self.body, safe="")

    @property
    def mailto_href(self) -> str:
        body = quote(self.body.replace("\n", "\r\n"), safe="")
        return f"mailto:?subject={quote(self.subject, safe='')}&body={body}"


def message(request, code, language: str, *, discreet: bool) -> Message:
    """The words that carry the list's address, in ``language``."""
    with translation.override(language):
        path = reverse("referrals:code", args=[code.code])
        url = request.build_absolute_uri(path + ("?discreet=1" if discreet else ""))
        if discreet:
            # Neutral: nothing says what the link is for, should someone read the phone.
            subject = _("Useful contacts")
            body = _("Here is the link we talked about:\n%(url)s") % {"url": url}
        else:
            subject = _("Services that can help")
            body = _(
                "Here are the services we talked about:\n%(url)s\nReference code: %(code)s"
            ) % {"url": url, "code": code.display}
    return Message(url=url, subject=subject, body=body)

"""Log records never carry a visitor's address, query string, Referer or body (QE-17)."""

import logging
import re
from collections.abc import Mapping

_QUERY = re.compile(r"\?[^\s\"]*")


class ScrubRequestDetails(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.server and django.request attach the request; handlers must not format it.
        if hasattr(record, "request"):
            record.request = None
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("", record.msg)
        if isinstance(record.args, Mapping):
            record.args = {k: _scrub(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_scrub(a) for a in record.args)
        return True


def _scrub(value):
    return _QUERY.sub("", value) if isinstance(value, str) else value

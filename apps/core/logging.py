"""Log records never carry a visitor's address, query string, Referer or body (QE-17)."""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


class ScrubRequestDetails(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.server and django.request attach the request; handlers must not format it.
        if hasattr(record, "request"):
            record.request = None
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("", record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(_QUERY.sub("", a) if isinstance(a, str) else a for a in args)
        return True

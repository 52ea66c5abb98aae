"""Curation: who may change what, proposals, the audit trail and the outbox."""

from .applications import Application
from .audit import AuditEntry, Version
from .outbox import OutboxMessage
from .people import StaffProfile
from .proposals import Proposal
from .reports import ProblemReport

__all__ = [
    "Application",
    "AuditEntry",
    "OutboxMessage",
    "ProblemReport",
    "Proposal",
    "StaffProfile",
    "Version",
]

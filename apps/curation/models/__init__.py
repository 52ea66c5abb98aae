"""Curation: who may change what, proposals, the audit trail and the outbox."""

from .audit import AuditEntry, Version
from .outbox import OutboxMessage
from .people import StaffProfile
from .proposals import Proposal

__all__ = ["AuditEntry", "OutboxMessage", "Proposal", "StaffProfile", "Version"]

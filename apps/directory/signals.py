"""Any change to the directory makes the public pages and searches kept on the server stale.

Approvals, imports and the generators purge explicitly; these signals catch every other
writer too (the admin, a shell, a data migration), so no cached page or search can show
a listing as it was after a change (apps/core/pagecache.py).

A change that hides or removes something purges *hard* (no earlier page is served
again); any other change purges *softly* (the previous copy of a page may be served for
a few seconds while one worker builds it again): decision 0014.
"""

from django.db import transaction

from apps.core import pagecache

# Derived rows kept by the database itself (the search tables): they change with the rest.
IGNORED = {"servicesearch", "weeklyopening"}


def hides_something(instance) -> bool:
    """Whether, once saved, this row takes something out of public view: a service or
    organisation not published (archived, draft), a location not public (hidden or
    region-only). Such a publication must not be followed by the previous page (SR-5)."""
    from apps.directory.models import Location, Organization, Service
    from apps.directory.models.organizations import PublicationStatus

    if isinstance(instance, Service | Organization):
        return instance.status != PublicationStatus.PUBLISHED
    if isinstance(instance, Location):
        return not instance.is_public
    return False


def _purge_after_commit() -> None:
    pagecache.purge(hard=False)


def hard_purge_after_commit() -> None:
    pagecache.purge(hard=True)


def directory_changed(sender, **kwargs) -> None:
    if sender._meta.app_label != "directory" or sender._meta.model_name in IGNORED:
        return
    action = kwargs.get("action", "post_")
    if action.startswith("pre_"):
        return  # m2m_changed: act once, after the change
    deleted = "created" not in kwargs and "action" not in kwargs  # post_delete
    hard = (
        deleted
        or action in ("post_remove", "post_clear")
        or hides_something(kwargs.get("instance"))
    )
    # At once, so the next visitor sees the change; and again after the commit, in case
    # a visitor cached the old state while this transaction was open (once per
    # transaction, hard if any of its changes hid something).
    pagecache.purge(hard=hard)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    pending = {entry[1] for entry in connection.run_on_commit}
    after = hard_purge_after_commit if hard else _purge_after_commit
    if hard_purge_after_commit not in pending and after not in pending:
        transaction.on_commit(after)

"""Any change to the directory makes the public pages and searches kept on the server stale.

Approvals, imports and the generators purge explicitly; these signals catch every other
writer too (the admin, a shell, a data migration), so no cached page or search can show
a listing as it was after a change (apps/core/pagecache.py).
"""

from django.db import transaction

from apps.core import pagecache

# Derived rows kept by the database itself (the search tables): they change with the rest.
IGNORED = {"servicesearch", "weeklyopening"}


def _purge_after_commit() -> None:
    pagecache.purge()


def directory_changed(sender, **kwargs) -> None:
    if sender._meta.app_label != "directory" or sender._meta.model_name in IGNORED:
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: act once, after the change
    # At once, so the next visitor sees the change; and again after the commit, in case
    # a visitor cached the old state while this transaction was open (once per transaction).
    pagecache.purge()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        entry[1] is _purge_after_commit for entry in connection.run_on_commit
    ):
        transaction.on_commit(_purge_after_commit)

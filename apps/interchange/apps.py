from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    name = "apps.interchange"
    label = "interchange"
    verbose_name = _("Open data")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from .hsds.stored import directory_changed, migrated

        # Any change to a directory row makes the stored HSDS documents stale (as it makes
        # the cached pages stale: apps/directory/signals.py).
        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(directory_changed, dispatch_uid=f"waymark-hsds-stale-on-{name}")
        # A new release may build documents differently.
        post_migrate.connect(migrated, sender=self, dispatch_uid="waymark-hsds-stale-on-migrate")

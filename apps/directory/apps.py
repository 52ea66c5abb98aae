from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "apps.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .search import set_similarity_threshold
        from .signals import directory_changed

        connection_created.connect(set_similarity_threshold, dispatch_uid="waymark-trgm")
        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(directory_changed, dispatch_uid=f"waymark-purge-on-{name}")

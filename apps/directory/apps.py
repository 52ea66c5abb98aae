from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "apps.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .search import set_similarity_threshold

        connection_created.connect(set_similarity_threshold, dispatch_uid="waymark-trgm")

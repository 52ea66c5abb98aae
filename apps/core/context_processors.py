from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import translation

from .i18n import neutral_url


def demo_data_present() -> bool:
    from apps.directory.models import Organization

    try:
        return cache.get_or_set(
            "waymark:demo-present",
            lambda: Organization.objects.filter(is_demo=True).exists(),
            300,
        )
    except DatabaseError:
        # Error pages must render even when the database is down.
        return False


def site(request):
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEMO_DATA": demo_data_present(),
        "NEUTRAL_URL": neutral_url(language),
    }

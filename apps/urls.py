from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from apps.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("favicon.ico", core_views.favicon),
    path("api/hsds/", include("apps.interchange.urls")),
]

urlpatterns += i18n_patterns(
    path("exit/", core_views.quick_exit, name="exit"),
    path("safety/", core_views.browse_safely, name="browse-safely"),
    path("staff/", admin.site.urls),
    path("list/", include("apps.referrals.urls")),
    path("", include("apps.curation.report_urls")),
    path("", include("apps.directory.urls")),
)

handler400 = "apps.core.views.bad_request"
handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"

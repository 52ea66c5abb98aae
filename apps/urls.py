from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from apps.core import views as core_views
from apps.directory import embed, seo

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("favicon.ico", core_views.favicon),
    path("api/hsds/", include("apps.interchange.urls")),
    # Search engines and partners' sites (issue #22): no language prefix; the sitemaps
    # name every language, the box takes its language from ?lang=.
    path("robots.txt", seo.robots_txt, name="robots-txt"),
    path("sitemap.xml", seo.sitemap_index, name="sitemap-index"),
    path("sitemap-<str:language>-<int:page>.xml", seo.sitemap_language, name="sitemap-language"),
    path("embed/help/", embed.help_box, name="embed-help"),
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

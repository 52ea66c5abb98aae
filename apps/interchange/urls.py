"""The HSDS API, outside the language prefix (content language: ``?lang=``).

Paths follow the HSDS API reference, without a trailing slash (one is tolerated).
"""

from django.urls import path, re_path

from .api import views

ID = r"(?P<id>[^/]{1,64})"

urlpatterns = [
    path("", views.root, name="hsds-root"),
    path("openapi.json", views.openapi, name="hsds-openapi"),
    re_path(r"^profile/?$", views.profile_index, name="hsds-profile"),
    re_path(
        r"^profile/(?P<name>[a-z_]{1,40}\.json)$", views.profile_file, name="hsds-profile-file"
    ),
    re_path(r"^services/?$", views.services, name="hsds-services"),
    re_path(rf"^services/{ID}/?$", views.service, name="hsds-service"),
    re_path(r"^organizations/?$", views.organizations, name="hsds-organizations"),
    re_path(rf"^organizations/{ID}/?$", views.organization, name="hsds-organization"),
    re_path(r"^taxonomies/?$", views.taxonomies, name="hsds-taxonomies"),
    re_path(rf"^taxonomies/{ID}/?$", views.taxonomy, name="hsds-taxonomy"),
    re_path(r"^taxonomy_terms/?$", views.taxonomy_terms, name="hsds-taxonomy-terms"),
    re_path(rf"^taxonomy_terms/{ID}/?$", views.taxonomy_term, name="hsds-taxonomy-term"),
    re_path(r"^service_at_locations/?$", views.service_at_locations, name="hsds-sals"),
    re_path(rf"^service_at_locations/{ID}/?$", views.service_at_location, name="hsds-sal"),
    # Anything else under /api/hsds/ answers in JSON too.
    re_path(r"^(?P<rest>.*)$", views.unknown),
]

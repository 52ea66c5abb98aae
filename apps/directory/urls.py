# Paths use neutral words only, so a history entry does not reveal the site (QE-15).
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("r/<slug:code>/", views.region, name="region"),
    path("s/<int:pk>/", views.service_detail, name="service"),
    path("find/", views.search, name="search"),
    path("find/r/<str:token>/", views.search_results, name="search-results"),
]

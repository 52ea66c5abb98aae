# Included from apps/urls.py inside i18n_patterns. Neutral words only in paths (QE-15).
from django.urls import path

from . import application_views, report_views

urlpatterns = [
    path("s/<int:pk>/note/", report_views.report_problem, name="report-problem"),
    path("s/<int:pk>/note/sent/", report_views.report_sent, name="report-sent"),
    path("join/", application_views.apply, name="apply"),
    path("join/sent/", application_views.apply_sent, name="apply-sent"),
]

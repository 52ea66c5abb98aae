# Included from apps/urls.py inside i18n_patterns. Neutral words only in paths (QE-15).
from django.urls import path

from . import report_views

urlpatterns = [
    path("s/<int:pk>/note/", report_views.report_problem, name="report-problem"),
    path("s/<int:pk>/note/sent/", report_views.report_sent, name="report-sent"),
]

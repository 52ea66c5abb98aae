from django.urls import path  # noqa: F401 - patterns come with the issue

urlpatterns: list = []

# Neutral words and numbers only: nothing in a path says what the services are for (QE-15).
from django.urls import path, register_converter

from . import views
from .models import CODE_LENGTH


class CodeConverter:
    regex = f"[0-9A-Za-z]{{{CODE_LENGTH}}}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ServiceIdConverter:
    # At most 18 digits, so an id always fits the database's 64-bit integer.
    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(CodeConverter, "refcode")
register_converter(ServiceIdConverter, "serviceid")

app_name = "referrals"
urlpatterns = [
    path("", views.build, name="build"),
    path("sheet/", views.sheet, name="sheet"),
    path("code/", views.code_create, name="code-create"),
    path("open/", views.code_open, name="code-open"),
    path("card/<serviceid:pk>.vcf", views.card, name="card"),
    path("<refcode:code>/", views.code_detail, name="code"),
    path("<refcode:code>/send/", views.code_send, name="code-send"),
]

# Load Celery with Django so shared tasks bind to Waymark's app.
from apps.celery import app as celery_app

__all__ = ("celery_app",)

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesadmin.settings")

app = Celery("salesadmin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

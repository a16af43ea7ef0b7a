import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesadmin.settings")

app = Celery("salesadmin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every schedule in one place; django-celery-beat's DatabaseScheduler installs them.
from salesadmin.schedules import BEAT_SCHEDULE  # noqa: E402

app.conf.beat_schedule = BEAT_SCHEDULE

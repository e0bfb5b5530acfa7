"""The tracker's Celery app.

The broker is Redis when ``REDIS_URL`` is set; the embedded default (see
``config.settings``) uses Kombu's filesystem transport under ``var/`` so that a
worker and beat run on a laptop with no services installed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

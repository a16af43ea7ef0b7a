"""Point the project's Celery app at a real broker for one test.

The app reads Django settings with the CELERY_ namespace, and a namespaced key
wins over the plain one, so both are set; the connection and producer pools
are dropped (as after a fork) on the way in and out.
"""

from __future__ import annotations

from contextlib import contextmanager

from salesadmin.celery import app

KEYS = ("broker_url", "task_always_eager")


@contextmanager
def real_broker(url: str):
    saved = {key: app.conf[f"CELERY_{key.upper()}"] for key in KEYS}
    wanted = {"broker_url": url, "task_always_eager": False}
    try:
        for key, value in wanted.items():
            app.conf[f"CELERY_{key.upper()}"] = value
            app.conf[key] = value
        app._after_fork()  # forget the connection and producer pools
        yield app
    finally:
        for key, value in saved.items():
            app.conf[f"CELERY_{key.upper()}"] = value
            app.conf[key] = value
        app._after_fork()

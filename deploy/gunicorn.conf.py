"""gunicorn settings for the image and CI (bench/run_lifecycle.sh may override)."""

import os
import shutil

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# WEB_CONCURRENCY is read by gunicorn itself for `workers`.
# The request line is logged by salesadmin.observability (JSON with LOG_FORMAT=json).
accesslog = None
# A request that runs longer than this is a bug or a stuck lock: kill the worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")


def on_starting(server):
    # Samples of the previous run's workers would be added to this run's.
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

"""Prometheus metrics: what an operator watches (README, Operations).

- ``salesadmin_http_request_duration_seconds{method,route,status}``: latency per
  URL pattern (never per raw path: ids would explode the label set);
- ``salesadmin_transitions_total{document,transition,outcome}``: every run of
  ``run_transition``; outcome ``ok`` or the refusal's code (``invalid_state``,
  ``forbidden``, the failed rule's name, ``error``);
- ``salesadmin_celery_tasks_total{task,outcome}``: success, failure, retry;
- ``salesadmin_outbox_pending{outbox}`` and ``…_oldest_pending_age_seconds``:
  reminders and statements waiting to be sent, read from the database at scrape
  time (so every process, and a restarted one, tells the same truth).

gunicorn runs several worker processes: with ``PROMETHEUS_MULTIPROC_DIR`` set
(the image sets it) each writes its samples there and /metrics adds them up
(``deploy/gunicorn.conf.py`` clears the folder at start and drops dead workers).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets

from celery import signals
from django.apps import apps
from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

REQUEST_LATENCY = Histogram(
    "salesadmin_http_request_duration_seconds",
    "Time from the first middleware to the response, by URL pattern.",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TRANSITIONS = Counter(
    "salesadmin_transitions",
    "Document transitions run, by outcome (ok or the refusal's code).",
    ["document", "transition", "outcome"],
)
CELERY_TASKS = Counter(
    "salesadmin_celery_tasks",
    "Celery task runs by outcome.",
    ["task", "outcome"],
)

# Outboxes: rows written first and sent by a task (finance's reminders and
# statements). Looked up by name so the core imports no app above it.
OUTBOXES = {"reminders": "finance.Reminder", "statements": "finance.Statement"}
PENDING = "pending"


def _count(counter: Counter, *labels: str) -> None:
    """Count, but never let a metric fail the work it counts (it may run after a commit)."""
    try:
        counter.labels(*labels).inc()
    except Exception:  # noqa: BLE001
        logger.warning("metric %s not counted", counter, exc_info=True)


def transition_outcome(document: str, transition: str, outcome: str) -> None:
    _count(TRANSITIONS, document, transition, outcome)


def transition_refused(document: str, transition: str, error: Exception) -> None:
    from django.core.exceptions import PermissionDenied

    if isinstance(error, PermissionDenied):
        outcome = "forbidden"
    else:
        outcome = getattr(error, "code", None) or "error"
    transition_outcome(document, transition, str(outcome))


class OutboxCollector:
    """Pending rows per outbox and the age of the oldest, one query each."""

    def collect(self):
        pending = GaugeMetricFamily(
            "salesadmin_outbox_pending", "Rows waiting to be sent.", labels=["outbox"]
        )
        oldest = GaugeMetricFamily(
            "salesadmin_outbox_oldest_pending_age_seconds",
            "Age of the oldest row waiting to be sent (0 when none).",
            labels=["outbox"],
        )
        now = timezone.now()
        for name, label in OUTBOXES.items():
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            row = model.objects.filter(status=PENDING).aggregate(n=Count("id"), o=Min("created_at"))
            pending.add_metric([name], row["n"])
            oldest.add_metric([name], (now - row["o"]).total_seconds() if row["o"] else 0)
        yield pending
        yield oldest


def registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    registry.register(OutboxCollector())
    return registry


class _Default:
    """This process's own metrics (the default registry), without a second copy."""

    def collect(self):
        yield from REGISTRY.collect()


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and secrets.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def metrics_view(request):
    """Prometheus's scrape: loopback clients, or any client with the token."""
    if not _allowed(request):
        return HttpResponseForbidden("metrics: loopback or METRICS_TOKEN only\n")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


@signals.task_success.connect(weak=False)
def _task_success(sender=None, **kwargs):
    _count(CELERY_TASKS, getattr(sender, "name", str(sender)), "success")


@signals.task_failure.connect(weak=False)
def _task_failure(sender=None, **kwargs):
    _count(CELERY_TASKS, getattr(sender, "name", str(sender)), "failure")


@signals.task_retry.connect(weak=False)
def _task_retry(sender=None, request=None, **kwargs):
    name = getattr(request, "task", None) or getattr(sender, "name", str(sender))
    _count(CELERY_TASKS, name, "retry")


@signals.worker_ready.connect(weak=False)
def _serve_worker_metrics(**kwargs):
    """A Celery worker serves its task counters on CELERY_METRICS_PORT (compose: 9808)."""
    port = os.environ.get("CELERY_METRICS_PORT")
    if port:
        from prometheus_client import start_http_server

        start_http_server(int(port), registry=registry())

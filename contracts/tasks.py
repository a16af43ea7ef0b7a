"""Celery tasks of contracts: take nothing, call a service. The follow-up row
is unique per contract, so a rerun or a caught-up day never makes two."""

from __future__ import annotations

from celery import shared_task

from contracts.services.follow_ups import follow_ups_schedule


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def schedule_follow_ups() -> int:
    """Beat, daily: the follow-up calls (回访) of contracts delivered days ago."""
    return follow_ups_schedule()

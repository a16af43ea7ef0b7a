"""Management commands that run a scheduled job by hand, for a day of one's
choosing (a missed run caught up, a test of tomorrow's run)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand


class DayCommand(BaseCommand):
    """Takes the day as ``day_option`` (YYYY-MM-DD); absent, the job's own today."""

    day_option = "--today"
    day_help = "YYYY-MM-DD (default: today)"

    def add_arguments(self, parser):
        parser.add_argument(self.day_option, type=dt.date.fromisoformat, help=self.day_help)

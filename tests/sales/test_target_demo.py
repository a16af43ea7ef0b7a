"""Demo targets: this year's target in force, so the progress pages show something."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sales.demo import load_demo_targets
from sales.enums import TargetStatus
from sales.models import CommissionRule, SalesTarget
from sales.selectors.progress import target_progress
from salesadmin.clock import company_today, month_end


@pytest.mark.django_db
def test_demo_data_has_a_year_of_approved_targets_once():
    call_command("demo_data", stdout=io.StringIO())
    [target] = SalesTarget.objects.all()
    assert target.status == TargetStatus.APPROVED and target.year == company_today().year
    months = set(target.lines.values_list("month", flat=True))
    assert months == set(range(1, 13))
    assert CommissionRule.objects.count() == 2
    today = company_today()
    progress = target_progress(today.replace(day=1), month_end(today))
    from django.contrib.auth import get_user_model

    people = set(
        get_user_model()
        .objects.filter(username__in=["clerk", "clerk2"])
        .values_list("pk", flat=True)
    )
    assert progress.has_target
    assert {r.salesperson_id for r in progress.rows if r.figure.target} == people
    assert load_demo_targets() == 0

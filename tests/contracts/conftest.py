"""A small contracts world: the chain's products, stock and personas, plus
reviewers at the approval levels."""

from __future__ import annotations

import pytest

from approvals.models import ApprovalLevel
from tests.factories import approver_at


@pytest.fixture
def levels(db):
    from approvals.defaults import create_default_levels

    create_default_levels(ApprovalLevel)  # a flushed (transaction=True) database has none
    return {lv.code: lv for lv in ApprovalLevel.objects.all()}


@pytest.fixture
def head(levels):
    """部门负责人: a manager at the department-head level."""
    return approver_at(levels["department_head"], "head")


@pytest.fixture
def director(levels):
    """销售厂长: a manager at the sales-director level."""
    return approver_at(levels["sales_director"], "director")


@pytest.fixture
def deputy(levels):
    """副总经理: a manager at the deputy-general-manager level."""
    return approver_at(levels["deputy_general_manager"], "deputy")


@pytest.fixture
def general_manager(levels):
    return approver_at(levels["general_manager"], "gm")

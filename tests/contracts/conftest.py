"""A small contracts world: the chain's products, stock and personas, plus
reviewers at the approval levels."""

from __future__ import annotations

import pytest

from approvals.models import ApprovalAssignment, ApprovalLevel
from salesadmin.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def levels(db):
    from approvals.defaults import create_default_levels

    create_default_levels(ApprovalLevel)  # a flushed (transaction=True) database has none
    return {lv.code: lv for lv in ApprovalLevel.objects.all()}


@pytest.fixture
def head(levels):
    """部门负责人: a manager at the department-head level."""
    user = UserFactory(username="head", roles=[Role.MANAGER])
    ApprovalAssignment.objects.create(user=user, level=levels["department_head"])
    return user


@pytest.fixture
def director(levels):
    """销售厂长: a manager at the sales-director level."""
    user = UserFactory(username="director", roles=[Role.MANAGER])
    ApprovalAssignment.objects.create(user=user, level=levels["sales_director"])
    return user


@pytest.fixture
def deputy(levels):
    """副总经理: a manager at the deputy-general-manager level."""
    user = UserFactory(username="deputy", roles=[Role.MANAGER])
    ApprovalAssignment.objects.create(user=user, level=levels["deputy_general_manager"])
    return user


@pytest.fixture
def general_manager(levels):
    user = UserFactory(username="gm", roles=[Role.MANAGER])
    ApprovalAssignment.objects.create(user=user, level=levels["general_manager"])
    return user

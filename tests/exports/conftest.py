"""The exports' shared fixture: the hand-written sample week and schedule."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.exports_sample import sample_instance, sample_schedule

if TYPE_CHECKING:
    from scheduler.model import Instance, Schedule


@pytest.fixture(scope="module")
def sample() -> tuple[Instance, Schedule]:
    """The sample week (3 delegations, 7 visits over 2 days, 2 unserved)
    and its schedule."""
    instance = sample_instance()
    return instance, sample_schedule(instance)

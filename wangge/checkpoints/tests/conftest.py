import datetime as dt

import pytest
from django.utils import timezone

from wangge.checkpoints import gate as gate_module
from wangge.checkpoints import passes
from wangge.checkpoints.models import Checkpoint, PassPolicy


@pytest.fixture(autouse=True)
def _fresh_rules():
    """Each test's gates start without another test's cached rules (ids are reused)."""
    gate_module.forget_rules()
    yield
    gate_module.forget_rules()


@pytest.fixture
def gate(world):
    """阳光小区's east gate (grid 1's post), one person per household per day."""
    cp = Checkpoint.objects.create(
        name="阳光小区东门", kind=Checkpoint.Kind.ESTATE_GATE, area=world.community
    )
    cp.estates.add(world.estate)
    PassPolicy.objects.create(
        estate=world.estate, persons=1, period_days=1, starts_on=timezone.localdate()
    )
    return cp


@pytest.fixture
def cards(world, gate):
    """Passes for the estate's four households, valid a week."""
    issued, _skipped = passes.issue(
        list(passes.estate_households(world.estate)),
        actor=world.users.commander,
        valid_until=timezone.localdate() + dt.timedelta(days=7),
    )
    return {card.household_id: card for card in issued}

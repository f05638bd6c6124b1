# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every unit test's paces run on a fake clock: a throttled answer never makes a test sleep for real. A module run
in the test process freezes the garbage collector's view of what is loaded (concurrency.spare_the_collector), which
a module process never undoes since it ends with the task; the test process goes on, so each test undoes it."""

import gc

import pytest

from ansible_collections.telephony.chime.plugins.module_utils._chime import pace
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import FakeClock


@pytest.fixture(autouse=True)
def pace_clock(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(pace, "CLOCK", clock)
    return clock


@pytest.fixture(autouse=True)
def collector_unfrozen():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)

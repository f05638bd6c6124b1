# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every unit test's paces run on a fake clock: a throttled answer never makes a test sleep for real."""

import pytest

from ansible_collections.telephony.chime.plugins.module_utils._chime import pace
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import FakeClock


@pytest.fixture(autouse=True)
def pace_clock(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(pace, "CLOCK", clock)
    return clock

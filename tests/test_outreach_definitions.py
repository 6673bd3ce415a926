"""Sequence files and business days: what an operator edits, checked on load."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bizdev_assets.outreach.business_time import add_business_days, in_send_window
from bizdev_assets.outreach.sequence import Sequence, SequenceError, load_sequences


def test_the_shipped_sequences_load_and_the_demo_has_three_emails_over_seven_days():
    demo = load_sequences()["demo-intro"]
    assert demo.email_steps == 3
    assert sum(s.business_days for s in demo.steps if s.kind == "wait") == 7
    assert Sequence.from_snapshot(demo.to_dict()) == demo


def test_an_unknown_template_field_is_refused_naming_the_step():
    data = {"id": "x", "version": 1, "steps": [{"id": "a", "email": {"subject": "Hi {nickname}"}}]}
    with pytest.raises(
        SequenceError, match=r"steps\[0\].email: unknown template fields \['nickname'\]"
    ):
        Sequence.from_dict(data, "x.yaml")


def test_business_days_skip_the_weekend_and_land_in_the_send_window():
    friday_noon = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)  # 12:00 in Berlin
    assert add_business_days(friday_noon, 1, "Europe/Berlin") == datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # fmt: skip
    # A full business day after Friday 20:30 is Monday 20:30: out of the window, so Tuesday.
    friday_evening = datetime(2026, 12, 4, 19, 30, tzinfo=UTC)
    tuesday = add_business_days(friday_evening, 1, "Europe/Berlin", (9, 17))
    assert tuesday == datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # Tuesday 09:00 Berlin
    saturday = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    assert in_send_window(saturday, "Europe/Berlin", (9, 17)).weekday() == 0
    assert in_send_window(saturday, "Europe/Berlin", None) == saturday

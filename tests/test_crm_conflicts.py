"""The three-way diff and the conflict policies, field by field."""

from __future__ import annotations

from datetime import datetime

import pytest

from bizdev_assets.crm.conflicts import plan_record

EARLY, LATE = datetime(2026, 11, 1), datetime(2026, 11, 20)


def test_a_new_contact_sends_every_value():
    plan = plan_record(
        {"email": "a@x.com", "title": "CTO", "city": None}, {}, sent=None, known=None, current=None
    )
    assert plan.send == {"email": "a@x.com", "title": "CTO"}  # a null never clears the CRM
    assert {c.decision for c in plan.changes} == {"new"}


def test_nothing_changed_means_nothing_to_send():
    values = {"email": "a@x.com", "title": "CTO"}
    plan = plan_record(values, {}, sent=values, known=values, current=values)
    assert not plan.needs_call and plan.changes == []


def test_only_bizdev_changed_is_sent():
    old = {"email": "a@x.com", "title": "CTO"}
    plan = plan_record(
        {**old, "title": "CEO"}, {"title": "crm_wins"}, sent=old, known=old, current=old
    )
    assert plan.send == {"title": "CEO"}
    assert plan.changes[0].decision == "changed"


def test_only_crm_changed_is_not_pushed_back():
    old = {"email": "a@x.com", "title": "CTO"}
    plan = plan_record(old, {}, sent=old, known=old, current={**old, "title": "VP"})
    assert not plan.needs_call and plan.changes == []


@pytest.mark.parametrize(
    ("policy", "crm_time", "bizdev_time", "decision", "sent"),
    [
        ("crm_wins", EARLY, LATE, "crm_wins", False),
        ("bizdev_wins", LATE, EARLY, "bizdev_wins", True),
        ("most_recent", EARLY, LATE, "most_recent:bizdev", True),
        ("most_recent", LATE, EARLY, "most_recent:crm", False),
        ("most_recent", LATE, LATE, "most_recent:crm", False),  # a tie keeps the CRM's
        ("never_overwrite", EARLY, LATE, "never_overwrite:kept", False),
    ],
)
def test_both_sides_changed_the_policy_decides(policy, crm_time, bizdev_time, decision, sent):
    old = {"email": "a@x.com", "title": "CTO"}
    plan = plan_record(
        {**old, "title": "CEO"},
        {"title": policy},
        sent=old,
        known=old,
        current={**old, "title": "VP Sales"},
        crm_modified_at=crm_time,
        bizdev_changed_at=bizdev_time,
    )
    (change,) = plan.changes
    assert (change.decision, change.send) == (decision, sent)
    assert plan.crm_after["title"] == ("CEO" if sent else "VP Sales")


def test_never_overwrite_fills_an_empty_crm_value():
    old = {"email": "a@x.com", "phone": "+1 555 0100"}
    plan = plan_record(
        {**old, "phone": "+1 555 0199"},
        {"phone": "never_overwrite"},
        sent=old,
        known=old,
        current={**old, "phone": ""},
    )
    assert plan.send == {"phone": "+1 555 0199"}


def test_a_reps_own_record_is_a_conflict_on_first_contact():
    plan = plan_record(
        {"email": "a@x.com", "title": "CEO", "city": "Berlin"},
        {"title": "never_overwrite", "city": "never_overwrite"},
        sent=None,
        known=None,
        current={"email": "a@x.com", "title": "Boss"},
    )
    assert plan.send == {"city": "Berlin"}  # empty in the CRM: filled
    assert [c.decision for c in plan.changes] == ["never_overwrite:kept", "new"]

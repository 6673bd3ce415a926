"""Alerts that reach a person: one incident is one trigger and, when it ends, one resolve,
at a Slack-compatible webhook, PagerDuty Events v2 and e-mail; nothing configured = only
logged."""

from __future__ import annotations

import dataclasses
from email import message_from_bytes
from pathlib import Path

import dagster as dg
import pytest

from bizdev_assets.definitions import build_definitions
from bizdev_assets.demo.generator import generate_demo
from bizdev_assets.observability.incidents import (
    Observation,
    SensorState,
    check_observation,
    decide,
)
from resources.mail import OutboxMail
from resources.notify import Alert, AlertNotifier, pagerduty_event
from sensors.alerts import alert_sensor

ROUTING_KEY = "R0123456789ABCDEF0123456789ABCDE"


def failed(key: str) -> Observation:
    return Observation(key, True, f"{key} broke")


def passed(key: str) -> Observation:
    return Observation(key, False, f"{key} fine")


def test_an_incident_triggers_once_however_often_it_fails_and_resolves_once():
    alerts, still_open = decide({}, [failed("run:a"), failed("run:a"), passed("run:b")])
    assert [(a.action, a.dedup_key) for a in alerts] == [("trigger", "run:a")]
    assert still_open == {"run:a": "run:a broke"}

    again, still_open = decide(still_open, [failed("run:a")])
    assert again == []
    closed, still_open = decide(still_open, [passed("run:a"), passed("run:a")])
    assert [(a.action, a.dedup_key, a.summary) for a in closed] == [
        ("resolve", "run:a", "resolved: run:a broke")
    ]
    assert still_open == {}


def test_only_failed_contracts_and_slo_checks_concern_a_person():
    assert check_observation("contacts", "row_count_shown", False, False, None, "r") is None
    contract = check_observation("golden_contacts", "email_unique", False, True, "2 dupes", "r")
    slo = check_observation("contacts_quarantine", "slo_quarantine_share", False, False, None, "r")
    assert contract.key == "check:golden_contacts:email_unique" and contract.severity == "error"
    assert slo.severity == "warning" and slo.runbook.endswith("#quarantinesharehigh")


def test_pagerduty_events_carry_the_dedup_key_and_a_resolve_has_no_payload():
    alert = Alert("run:crm_sync", "trigger", "run of crm_sync failed", details={"run_id": "x"})
    trigger = pagerduty_event(alert, ROUTING_KEY)
    resolve = pagerduty_event(dataclasses.replace(alert, action="resolve"), ROUTING_KEY)
    assert trigger["dedup_key"] == resolve["dedup_key"] == "run:crm_sync"
    assert trigger["payload"]["severity"] == "error" and trigger["payload"]["source"] == "bizdev"
    assert "payload" not in resolve
    with pytest.raises(ValueError, match="trigger or resolve"):
        Alert("k", "page", "x")


def test_with_nothing_configured_alerts_are_only_logged():
    assert AlertNotifier().channels == []
    assert AlertNotifier().deliver(Alert("run:x", "trigger", "x")) == []


def test_the_sensor_cursor_survives_a_round_trip():
    state = SensorState.load(
        '{"after": "2026-12-01T12:00:00+00:00", "seen": ["r1"], "open": {"k": "s"}}'
    )
    assert SensorState.load(state.dump()) == state
    assert SensorState.load(None) == SensorState()


def _tick(instance, cursor, resources) -> str:
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources)
    alert_sensor(context)
    return context.cursor


def test_an_injected_failing_run_pages_once_and_resolves_once_when_the_job_succeeds(
    settings, landing: Path, tmp_path: Path, alert_receivers
):
    generate_demo(landing, tmp_path / "labels.csv", n_rows=150, seed=4)
    broken_warehouse = tmp_path / "warehouse_is_a_folder"
    broken_warehouse.mkdir()
    broken = build_definitions(dataclasses.replace(settings, warehouse=str(broken_warehouse)))
    working = build_definitions(settings)
    outbox = tmp_path / "alert_mail"
    resources = {
        "alerts": AlertNotifier(
            webhook_url=alert_receivers.slack_url,
            pagerduty_routing_key=ROUTING_KEY,
            pagerduty_url=alert_receivers.pagerduty_url,
            email_to="oncall@bizdev.example.com",
        ),
        "mail": OutboxMail(folder=str(outbox)),
    }
    with dg.instance_for_test() as instance:
        failing = broken.resolve_job_def("contacts_refresh").execute_in_process(
            instance=instance, raise_on_error=False
        )
        assert not failing.success
        cursor = _tick(instance, None, resources)
        cursor = _tick(instance, cursor, resources)  # nothing new: no second page
        again = broken.resolve_job_def("contacts_refresh").execute_in_process(
            instance=instance, raise_on_error=False
        )
        assert not again.success
        cursor = _tick(instance, cursor, resources)  # the same incident: still one page

        assert [e["event_action"] for e in alert_receivers.pagerduty] == ["trigger"]
        assert len(alert_receivers.slack) == 1
        trigger = alert_receivers.pagerduty[0]
        assert trigger["dedup_key"] == "run:contacts_refresh"
        assert "raw_contact_files" in trigger["payload"]["summary"]
        assert "run of contacts_refresh failed" in alert_receivers.slack[0]["text"]

        fixed = working.resolve_job_def("contacts_refresh").execute_in_process(instance=instance)
        assert fixed.success
        cursor = _tick(instance, cursor, resources)
        cursor = _tick(instance, cursor, resources)

    assert [(e["event_action"], e["dedup_key"]) for e in alert_receivers.pagerduty] == [
        ("trigger", "run:contacts_refresh"),
        ("resolve", "run:contacts_refresh"),
    ]
    assert len(alert_receivers.slack) == 2 and "RESOLVED" in alert_receivers.slack[1]["text"]
    assert alert_receivers.refused == []
    subjects = sorted(
        message_from_bytes(path.read_bytes())["Subject"] for path in outbox.rglob("*.eml")
    )
    assert len(subjects) == 2 and any(s.startswith("[bizdev RESOLVED]") for s in subjects)
    assert SensorState.load(cursor).open == {}


def test_a_failed_slo_check_pages_and_its_next_pass_resolves(
    settings, landing: Path, tmp_path: Path, alert_receivers
):
    rows = ["Name,Email,Phone"] + [f"Person {i},p{i}@example.com," for i in range(10)]
    (landing / "broken_export.csv").write_text(
        "\n".join(rows + [f",,not a phone {i}" for i in range(20)]) + "\n"
    )
    defs = build_definitions(settings)
    resources = {
        "alerts": AlertNotifier(
            pagerduty_routing_key=ROUTING_KEY, pagerduty_url=alert_receivers.pagerduty_url
        ),
        "mail": OutboxMail(folder=str(tmp_path / "mail")),
    }
    with dg.instance_for_test() as instance:
        assert (
            defs.resolve_job_def("contacts_refresh").execute_in_process(instance=instance).success
        )
        cursor = _tick(instance, None, resources)
        (landing / "good_export.csv").write_text("\n".join(rows) + "\n")
        assert (
            defs.resolve_job_def("contacts_refresh").execute_in_process(instance=instance).success
        )
        _tick(instance, cursor, resources)

    events = [(e["event_action"], e["dedup_key"]) for e in alert_receivers.pagerduty]
    assert events == [
        ("trigger", "check:contacts_quarantine:slo_quarantine_share"),
        ("resolve", "check:contacts_quarantine:slo_quarantine_share"),
    ]
    assert alert_receivers.pagerduty[0]["payload"]["severity"] == "warning"

"""The SLOs as asset checks: they fail when a file is left unprocessed past the window, a
CRM stops syncing, or a file quarantines too much; they say nothing while their sensor or
schedule is off. The clock is frozen (`ObservabilityConfig.now`)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg

from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from bizdev_assets.observability.checks import SLO_CHECKS, slo_contacts_fresh
from bizdev_assets.observability.slo import contacts_freshness, crm_sync_delay, quarantine_share
from jobs.contacts import CONTACT_CHAIN
from resources.observability_config import ObservabilityConfig
from resources.settings import build_resources

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


class FrozenClock(ObservabilityConfig):
    at: str

    def now(self) -> datetime:
        return datetime.fromisoformat(self.at)


def test_a_file_waiting_past_the_window_breaks_freshness_and_names_the_file():
    landed = {"old.csv": T0 - 10 * MIN, "new.csv": T0}
    within = contacts_freshness(landed, T0 - MIN, T0 + 4 * MIN)
    late = contacts_freshness(landed, T0 - MIN, T0 + 6 * MIN)

    assert within.passed and within.metadata["files_waiting"] == 1
    assert not late.passed
    assert late.summary.startswith("new.csv landed 6 min ago and is not in contacts yet")
    assert late.metadata["oldest_waiting_seconds"] == 360


def test_files_already_in_contacts_and_a_stopped_sensor_do_not_count():
    landed = {"a.csv": T0 - 60 * MIN}
    assert contacts_freshness(landed, T0 - 30 * MIN, T0).passed
    off = contacts_freshness(landed, None, T0, sensor_on=False)
    assert off.passed and "sensor is off" in off.summary
    assert not contacts_freshness(landed, None, T0).passed  # never built: the file waits


def test_crm_sync_delay_is_the_older_of_pull_and_push_per_configured_crm():
    last = {("hubspot", "pull"): T0 - MIN, ("hubspot", "push"): T0 - 7 * MIN}
    late = crm_sync_delay(last, ["hubspot"], T0)
    assert not late.passed and late.summary.startswith("hubspot last synced 7 min ago")
    assert late.metadata["delay_seconds"] == {"hubspot": 420}
    assert crm_sync_delay(last, ["hubspot"], T0, window=10 * MIN).passed
    never = crm_sync_delay(last, ["hubspot", "salesforce"], T0, window=10 * MIN)
    assert not never.passed and "salesforce never synced both ways" in never.summary
    assert crm_sync_delay(last, [], T0).passed  # nothing configured
    assert crm_sync_delay({}, ["hubspot"], T0, schedule_on=False).passed


def test_quarantine_share_names_the_worst_file_and_ignores_tiny_files():
    result = quarantine_share([("good.csv", 1000, 10), ("bad.csv", 100, 40), ("tiny.csv", 3, 2)])
    assert not result.passed
    assert "worst bad.csv (40%)" in result.summary
    assert result.metadata["over_threshold"] == {"bad.csv": 0.4}
    assert quarantine_share([("good.csv", 1000, 10)]).passed


def _materialize(settings, instance, selection, at: datetime) -> dg.ExecuteInProcessResult:
    resources = {**build_resources(settings), "observability": FrozenClock(at=at.isoformat())}
    return dg.materialize(
        [*ASSETS, *SLO_CHECKS], selection=selection, instance=instance, resources=resources
    )


def _evaluation(result: dg.ExecuteInProcessResult, check: str) -> dg.AssetCheckEvaluation:
    (found,) = [e for e in result.get_asset_check_evaluations() if e.check_name == check]
    return found


def test_the_freshness_check_fails_while_a_landed_file_waits_and_passes_once_it_is_in(
    settings, landing: Path, tmp_path: Path
):
    generate_demo(landing, tmp_path / "labels.csv", n_rows=200, seed=3)
    with dg.instance_for_test() as instance:
        assert _materialize(settings, instance, CONTACT_CHAIN, datetime.now(UTC)).success
        # A file lands after the last contacts update and nothing processes it.
        late = landing / "late_arrival.csv"
        late.write_text("Name,Email\nGrace Hopper,grace@navy.mil\n")
        landed_at = datetime.now(UTC)
        os.utime(late, (landed_at.timestamp(), landed_at.timestamp()))
        only_check = dg.AssetSelection.checks(slo_contacts_fresh)

        fresh = _evaluation(
            _materialize(settings, instance, only_check, landed_at + 4 * MIN), "slo_contacts_fresh"
        )
        stale = _evaluation(
            _materialize(settings, instance, only_check, landed_at + 6 * MIN), "slo_contacts_fresh"
        )
        assert fresh.passed
        assert not stale.passed and stale.severity == dg.AssetCheckSeverity.ERROR
        assert stale.metadata["oldest_waiting_file"].value == "late_arrival.csv"
        assert "late_arrival.csv landed 6 min ago" in stale.description

        # The contacts chain runs (as the sensor would start it): the check passes again.
        rerun = _materialize(settings, instance, CONTACT_CHAIN, landed_at + 7 * MIN)
        assert rerun.success
        assert _evaluation(rerun, "slo_contacts_fresh").passed


def test_a_file_that_quarantines_most_rows_fails_the_quarantine_share_check(
    settings, landing: Path
):
    rows = ["Name,Email,Phone"] + [f"Person {i},p{i}@example.com," for i in range(10)]
    rows += [f",,not a phone {i}" for i in range(20)]
    (landing / "broken_export.csv").write_text("\n".join(rows) + "\n")
    with dg.instance_for_test() as instance:
        result = _materialize(settings, instance, CONTACT_CHAIN, datetime.now(UTC))
    check = _evaluation(result, "slo_quarantine_share")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert "broken_export.csv" in check.description


def test_the_crm_delay_checks_pass_quietly_when_no_crm_is_configured(settings):
    with dg.instance_for_test() as instance:
        result = _materialize(
            settings,
            instance,
            dg.AssetSelection.checks(*SLO_CHECKS[1:3]),
            datetime.now(UTC),
        )
    for name in ("slo_hubspot_sync_delay", "slo_salesforce_sync_delay"):
        evaluation = _evaluation(result, name)
        assert evaluation.passed, evaluation.description

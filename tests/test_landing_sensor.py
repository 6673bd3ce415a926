"""The landing sensor, evaluated against a real Dagster instance."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg

from resources.landing import LocalLanding
from sensors.landing import landing_file_sensor


def tick(instance: dg.DagsterInstance, landing: Path, cursor: str | None):
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"landing": LocalLanding(root=str(landing))}
    )
    results = list(landing_file_sensor(context))
    return results, context.cursor


def test_sensor_requests_a_run_only_for_new_content(landing: Path):
    with dg.instance_for_test() as instance:
        results, cursor = tick(instance, landing, None)
        assert isinstance(results[0], dg.SkipReason)

        (landing / "a.csv").write_text("Name,Email\nAda Lovelace,ada@example.com\n")
        results, cursor = tick(instance, landing, cursor)
        assert isinstance(results[0], dg.RunRequest)
        assert results[0].tags["bizdev/new_files"] == "1"

        results, cursor = tick(instance, landing, cursor)
        assert isinstance(results[0], dg.SkipReason)

        shutil.copy(landing / "a.csv", landing / "a_again.csv")
        results, cursor = tick(instance, landing, cursor)
        assert isinstance(results[0], dg.SkipReason)

        (landing / "b.csv").write_text("Name,Email\nGrace Hopper,grace@navy.mil\n")
        results, cursor = tick(instance, landing, cursor)
        assert isinstance(results[0], dg.RunRequest)


def test_sensor_targets_contacts_refresh():
    assert landing_file_sensor.job_name == "contacts_refresh"

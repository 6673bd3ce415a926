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


def test_a_tick_hashes_a_bounded_number_of_files_and_the_next_tick_goes_on(landing: Path):
    for i in range(5):
        (landing / f"f{i}.csv").write_text(f"Name,Email\nPerson {i},p{i}@example.com\n")
    folder = LocalLanding(root=str(landing))

    pages, cursor = [], None
    for _ in range(5):
        files, cursor = folder.list_files_since(cursor, limit=2)
        pages.append([f.key for f in files])
    assert pages == [["f0.csv", "f1.csv"], ["f2.csv", "f3.csv"], ["f4.csv"], [], []]

"""The repository's dagster.yaml: SQLite under the instance folder, or Postgres when
DAGSTER_POSTGRES_URL is set, where runs, materializations and cursors outlive the process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from dagster._core.remote_origin import (
    RegisteredCodeLocationOrigin,
    RemoteInstigatorOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.scheduler.instigation import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    SensorInstigatorData,
)

from resources.dagster_instance import BizdevInstance, DagsterPostgresUrlError

REPO_ROOT = Path(__file__).resolve().parent.parent
SENSOR_NAME = "landing_file_sensor"

# What a restarted webserver or daemon sees: a fresh interpreter opening the same home.
READ_BACK = """
import json
import dagster as dg

with dg.DagsterInstance.get() as instance:
    runs = instance.get_run_records()
    event = instance.get_latest_materialization_event(dg.AssetKey("tiny_table"))
    cursors = {
        state.instigator_name: state.instigator_data.cursor
        for state in instance.all_instigator_state()
    }
    print(json.dumps({
        "instance": type(instance).__name__,
        "run_storage": type(instance.run_storage).__name__,
        "runs": [[r.dagster_run.run_id, r.dagster_run.status.value] for r in runs],
        "materialized_by": event.run_id if event else None,
        "cursors": cursors,
    }))
"""


@dg.asset
def tiny_table() -> int:
    """One row, enough to leave a run and a materialization behind."""
    return 1


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A DAGSTER_HOME holding the repository's dagster.yaml, as `make run` seeds it."""
    folder = tmp_path / "dagster_home"
    folder.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", folder / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(folder))
    monkeypatch.delenv("DAGSTER_POSTGRES_URL", raising=False)
    return folder


def _set_sensor_cursor(instance: dg.DagsterInstance, cursor: str) -> None:
    origin = RemoteInstigatorOrigin(
        RemoteRepositoryOrigin(RegisteredCodeLocationOrigin("bizdev"), "__repository__"),
        SENSOR_NAME,
    )
    instance.add_instigator_state(
        InstigatorState(
            origin,
            InstigatorType.SENSOR,
            InstigatorStatus.RUNNING,
            SensorInstigatorData(cursor=cursor),
        )
    )


def _read_back_in_a_new_process(home: Path) -> dict:
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-c", READ_BACK],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _write_run_and_cursor(home: Path) -> str:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance, BizdevInstance)
        result = dg.materialize([tiny_table], instance=instance)
        _set_sensor_cursor(instance, "landing/2026-11-28T10:00:00")
    assert result.success
    return result.run_id


def test_without_postgres_url_storage_is_sqlite_files_in_the_instance_folder(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The folder comes from Dagster, not from DAGSTER_HOME (`dagster dev` without it
    # makes a temporary folder and reads dagster.yaml from the working directory).
    monkeypatch.delenv("DAGSTER_HOME")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        result = dg.materialize([tiny_table], instance=instance)

    assert result.success
    assert (home / "history" / "runs.db").is_file()
    assert (home / "schedules" / "schedules.db").is_file()


def test_with_postgres_url_runs_materializations_and_cursors_survive_a_restart(
    home: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", postgres_url)

    run_id = _write_run_and_cursor(home)
    seen = _read_back_in_a_new_process(home)

    assert seen["instance"] == "BizdevInstance"
    assert seen["run_storage"] == "PostgresRunStorage"
    assert seen["runs"] == [[run_id, "SUCCESS"]]
    assert seen["materialized_by"] == run_id
    assert seen["cursors"] == {SENSOR_NAME: "landing/2026-11-28T10:00:00"}
    assert not (home / "history").exists(), "no SQLite run storage when Postgres is set"
    with psycopg.connect(postgres_url) as con:
        assert con.execute("select run_id, status from runs").fetchall() == [(run_id, "SUCCESS")]
        materialized = con.execute(
            "select run_id from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION'"
        ).fetchall()
        assert materialized == [(run_id,)]
        (body,) = con.execute("select instigator_body from instigators").fetchone()
        assert SENSOR_NAME in body
        assert "landing/2026-11-28T10:00:00" in body


def test_a_value_that_is_not_a_postgres_url_is_named_in_the_error(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", "db.internal:5432")

    with pytest.raises(DagsterPostgresUrlError, match="DAGSTER_POSTGRES_URL=db.internal:5432"):
        dg.DagsterInstance.from_config(str(home))


def test_an_unreachable_database_is_named_in_the_error_without_its_password(
    home: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    missing = postgres_url.replace("postgres@/", "postgres:s3cret@/").replace(
        "/bizdev_", "/no_such_db_", 1
    )
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", missing)

    with pytest.raises(DagsterPostgresUrlError) as raised:
        dg.DagsterInstance.from_config(str(home))

    message = str(raised.value)
    assert "DAGSTER_POSTGRES_URL=" in message
    assert "no_such_db_" in message
    assert "s3cret" not in message

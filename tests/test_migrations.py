"""The ADR-013 tables come from versioned migrations, on PostgreSQL and (as DDL) on DuckDB.

`resources/warehouse/schema.py` declares them once; Alembic's head must equal it.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bizdev_assets.ingest.assets import raw_contact_files
from resources.landing import LocalLanding
from resources.pipeline_config import PipelineConfig
from resources.warehouse import DuckDBWarehouse, PostgresWarehouse, SchemaOutOfDate, Warehouse
from resources.warehouse.migrations import (
    current_revision,
    head_revision,
    sqlalchemy_url,
    upgrade_database,
)
from resources.warehouse.schema import ADR_TABLES

ADR_COLUMNS = {
    "contacts": {
        "id": ("uuid", None, None, None),
        "email": ("character varying", 255, None, None),
        "first_name": ("character varying", 100, None, None),
        "last_name": ("character varying", 100, None, None),
        "company_id": ("uuid", None, None, None),
        "quality_score": ("numeric", None, 3, 2),
        "gdpr_consent": ("boolean", None, None, None),
        "gdpr_consent_date": ("timestamp without time zone", None, None, None),
        "created_at": ("timestamp without time zone", None, None, None),
        "updated_at": ("timestamp without time zone", None, None, None),
    },
    "crm_sync_state": {
        "id": ("uuid", None, None, None),
        "crm_type": ("character varying", 50, None, None),
        "last_sync_at": ("timestamp without time zone", None, None, None),
        "sync_cursor": ("jsonb", None, None, None),
        "status": ("character varying", 20, None, None),
        "error_count": ("integer", None, 32, 0),
    },
    "enrichment_cache": {
        "id": ("uuid", None, None, None),
        "source": ("character varying", 50, None, None),
        "query_hash": ("character varying", 64, None, None),
        "result": ("jsonb", None, None, None),
        "expires_at": ("timestamp without time zone", None, None, None),
        "created_at": ("timestamp without time zone", None, None, None),
    },
}


def _columns(warehouse: PostgresWarehouse, table: str) -> dict[str, tuple]:
    rows = warehouse.query(
        "select column_name, data_type, character_maximum_length, numeric_precision, "
        "numeric_scale from information_schema.columns where table_name = ?",
        [table],
    )
    return {r[0]: tuple(r[1:]) for r in rows.rows()}


def _schema_snapshot(warehouse: PostgresWarehouse) -> list[tuple]:
    return (
        warehouse.query(
            "select table_name, column_name, data_type, column_default from "
            "information_schema.columns where table_schema = 'public' order by 1, 2"
        ).rows()
        + warehouse.query(
            "select indexdef from pg_indexes where schemaname = 'public' order by 1"
        ).rows()
    )


def test_migrations_create_the_adr_tables_with_the_adr_columns(postgres_url: str) -> None:
    upgrade_database(postgres_url)
    warehouse = PostgresWarehouse(url=postgres_url)
    for table, expected in ADR_COLUMNS.items():
        columns = _columns(warehouse, table)
        assert {c: columns[c] for c in expected} == expected
    extra = set(_columns(warehouse, "contacts")) - set(ADR_COLUMNS["contacts"])
    assert extra == {"phone", "company", "country", "consent_source", "cluster_id"}
    constraints = warehouse.query(
        "select conrelid::regclass::text as t, contype, pg_get_constraintdef(oid) as def "
        "from pg_constraint where connamespace = 'public'::regnamespace"
    ).rows()
    assert ("contacts", "p", "PRIMARY KEY (id)") in constraints
    assert ("contacts", "u", "UNIQUE (email)") in constraints
    assert ("crm_sync_state", "p", "PRIMARY KEY (id)") in constraints
    assert ("enrichment_cache", "u", "UNIQUE (source, query_hash)") in constraints
    defaults = dict(
        warehouse.query(
            "select table_name || '.' || column_name, column_default "
            "from information_schema.columns where column_default is not null"
        ).rows()
    )
    assert defaults == {
        "contacts.gdpr_consent": "false",
        "contacts.created_at": "now()",
        "contacts.updated_at": "now()",
        "crm_sync_state.error_count": "0",
        "enrichment_cache.created_at": "now()",
    }


def test_upgrading_an_up_to_date_database_changes_nothing(postgres_url: str) -> None:
    upgrade_database(postgres_url)
    warehouse = PostgresWarehouse(url=postgres_url)
    before = _schema_snapshot(warehouse)
    upgrade_database(postgres_url)
    assert _schema_snapshot(warehouse) == before
    assert current_revision(postgres_url) == head_revision()


def test_an_empty_database_gets_the_schema_when_the_warehouse_starts(postgres_url: str) -> None:
    assert current_revision(postgres_url) is None
    PostgresWarehouse(url=postgres_url).setup_for_execution(dg.build_init_resource_context())
    assert current_revision(postgres_url) == head_revision()
    assert PostgresWarehouse(url=postgres_url).prepare_schema() == "current"


def test_a_schema_behind_head_is_not_migrated_unless_asked_and_says_how(
    postgres_url: str,
) -> None:
    upgrade_database(postgres_url, "0002")
    with pytest.raises(SchemaOutOfDate, match=r"at migration 0002.*`bizdev db upgrade`"):
        PostgresWarehouse(url=postgres_url).setup_for_execution(dg.build_init_resource_context())
    assert current_revision(postgres_url) == "0002"
    PostgresWarehouse(url=postgres_url, migrate_on_start=True).setup_for_execution(
        dg.build_init_resource_context()
    )
    assert current_revision(postgres_url) == head_revision()


def test_adr_tables_made_outside_the_migrations_are_not_overwritten(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        conn.execute("create table contacts (id text primary key)")
    with pytest.raises(SchemaOutOfDate, match="outside bizdev's migrations"):
        PostgresWarehouse(url=postgres_url).prepare_schema()
    assert current_revision(postgres_url) is None


def test_upserting_contacts_before_migrating_says_how_to_migrate(postgres_url: str) -> None:
    warehouse = PostgresWarehouse(url=postgres_url)
    with pytest.raises(ValueError, match="bizdev db upgrade"):
        warehouse.upsert("contacts", pl.DataFrame({"id": ["x"]}), key=["id"])
    assert not warehouse.table_exists("contacts")


def test_duckdb_has_the_same_adr_tables(tmp_path: Path, postgres_url: str) -> None:
    duck = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    duck.create_adr_tables()
    duck.create_adr_tables()
    upgrade_database(postgres_url)
    postgres = PostgresWarehouse(url=postgres_url)
    for table in ADR_COLUMNS:
        duck_columns = duck.query(
            "select column_name from information_schema.columns where table_name = ?", [table]
        )["column_name"]
        assert set(duck_columns) == set(_columns(postgres, table))


def _differences(postgres_url: str, declared: sa.MetaData) -> list:
    """What Alembic's autogenerate would change to make the database match `declared`."""
    engine = sa.create_engine(sqlalchemy_url(postgres_url), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            return compare_metadata(context, declared)
    finally:
        engine.dispose()


def test_the_migrations_head_is_exactly_the_declared_schema(postgres_url: str) -> None:
    upgrade_database(postgres_url)
    assert _differences(postgres_url, ADR_TABLES) == []


def test_a_declaration_the_migrations_do_not_build_is_caught(postgres_url: str) -> None:
    upgrade_database(postgres_url)
    ahead = sa.MetaData()
    for table in ADR_TABLES.tables.values():
        table.to_metadata(ahead)
    ahead.tables["contacts"].append_column(sa.Column("nickname", sa.Text()))
    differences = _differences(postgres_url, ahead)
    assert [(d[0], d[3].name) for d in differences] == [("add_column", "nickname")]


def _file_log_columns(postgres_url: str) -> dict[str, str]:
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'landing_file_log'"
        ).fetchall()
    return dict(rows)


def test_upgrading_gives_a_file_log_from_before_bucket_landing_its_etag_column(
    postgres_url: str,
) -> None:
    upgrade_database(postgres_url, "0002")
    with psycopg.connect(postgres_url) as conn:
        conn.execute("create table landing_file_log (file_hash text primary key, status text)")
    upgrade_database(postgres_url)
    assert _file_log_columns(postgres_url) == {
        "file_hash": "text",
        "status": "text",
        "etag": "character varying",
    }


def test_upgrading_leaves_pipeline_tables_to_the_pipeline(postgres_url: str) -> None:
    upgrade_database(postgres_url)
    assert _file_log_columns(postgres_url) == {}


def test_duckdb_gives_a_file_log_from_before_bucket_landing_its_etag_column(
    tmp_path: Path,
) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table landing_file_log (file_hash varchar, status varchar)")
    warehouse = DuckDBWarehouse(path=str(path))
    row = pl.DataFrame({"file_hash": ["h1"], "status": ["loaded"], "etag": ["e1"]})
    warehouse.append_rows("landing_file_log", row)
    assert warehouse.read_table("landing_file_log").to_dicts() == row.to_dicts()


def _warehouse(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Warehouse:
    """A new instance each call, as each run of an upgraded bizdev builds its own."""
    if engine == "duckdb":
        return DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    return PostgresWarehouse(url=request.getfixturevalue("postgres_url"))


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_a_warehouse_whose_file_log_predates_etag_ingests_new_files(
    engine: str, tmp_path: Path, landing: Path, request: pytest.FixtureRequest
) -> None:
    def ingest() -> None:
        resources = {
            "landing": LocalLanding(root=str(landing)),
            "warehouse": _warehouse(engine, tmp_path, request),
            "pipeline_config": PipelineConfig(),
        }
        assert dg.materialize([raw_contact_files], resources=resources).success

    (landing / "ada.csv").write_text("Name,Email\nAda Lovelace,ada@example.com\n")
    ingest()
    _warehouse(engine, tmp_path, request).append_many(
        {}, sql_after=[("alter table landing_file_log drop column etag", [])]
    )
    (landing / "grace.csv").write_text("Name,Email\nGrace Hopper,grace@navy.mil\n")
    ingest()
    log = _warehouse(engine, tmp_path, request).query(
        "select source_file, etag from landing_file_log order by 1"
    )
    assert log.rows() == [("ada.csv", None), ("grace.csv", None)]


def test_duckdb_adds_a_column_a_newer_frame_brings_but_leaves_a_table_of_another_shape(
    tmp_path: Path,
) -> None:
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.append_rows("crm_sync_runs", pl.DataFrame({"run_id": ["r1"], "status": ["ok"]}))
    newer = pl.DataFrame({"run_id": ["r2"], "status": ["ok"], "warnings": ["left out: x"]})
    warehouse.append_rows("crm_sync_runs", newer)  # a version that writes one column more
    assert warehouse.read_table("crm_sync_runs")["warnings"].to_list() == [None, "left out: x"]

    warehouse.query("alter table crm_sync_runs rename column status to state")
    with pytest.raises(duckdb.Error, match="status"):
        warehouse.append_rows("crm_sync_runs", newer)

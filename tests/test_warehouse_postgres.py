"""The PostgreSQL warehouse writes and reads the asset tables exactly as the DuckDB one does."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import dagster as dg
import polars as pl
import psycopg
import pytest

from bizdev_assets.golden.columns import GOLDEN_COLUMNS
from bizdev_assets.normalize.columns import NORMALIZED_COLUMNS
from resources.settings import warehouse_for
from resources.warehouse import DuckDBWarehouse, PostgresWarehouse

TRICKY_TEXT = [
    'O\'Brien "Bob", Jr.',
    "line one\nline two\r\nthree",
    "C:\\path\\to\\ \\N",
    "",
    None,
    "Zoë Ünïcødé 日本語 😀",
    "NULL",
    '{"json": ["a", 1, null], "q": "x\\"y"}',
]
JSON_COLUMNS = {"attributes", "field_provenance"}  # stored as PostgreSQL json
TRICKY_LISTS = [["r1", 'q"uote', "back\\slash"], [], None, ["comma,x", "{brace}", "NULL"]]


def _value(dtype: pl.DataType, i: int):
    if isinstance(dtype, pl.String):
        return TRICKY_TEXT[i % len(TRICKY_TEXT)]
    if isinstance(dtype, pl.Boolean):
        return [True, False, None][i % 3]
    if isinstance(dtype, pl.Int64):
        return None if i % 5 == 4 else i * 1_000_003
    if isinstance(dtype, pl.Datetime):
        return None if i % 4 == 3 else datetime(2024, 2, 29, 23, 59, 58, 123456 * (i % 2))
    if isinstance(dtype, pl.Date):
        return None if i % 3 == 2 else date(1904 + 60 * (i % 2), 2, 29)
    if isinstance(dtype, pl.List):
        return TRICKY_LISTS[i % len(TRICKY_LISTS)]
    raise AssertionError(dtype)


def contract_frame(columns: dict[str, pl.DataType], key: str, rows: int = 12) -> pl.DataFrame:
    """Rows of a real column contract, every value awkward somewhere; `key` unique."""
    data = {c: [_value(t, i) for i in range(rows)] for c, t in columns.items()}
    for column in JSON_COLUMNS & set(columns):
        data[column] = [
            None if v is None else json.dumps({"v": v, "nul": "\x00"}, ensure_ascii=i % 2 == 0)
            for i, v in enumerate(data[column])
        ]
    data[key] = [f"{key}-{i:04d}" for i in range(rows)]
    return pl.DataFrame(data, schema=columns)


def test_golden_contacts_round_trip_every_dtype(postgres_url: str) -> None:
    warehouse = PostgresWarehouse(url=postgres_url)
    golden = contract_frame(GOLDEN_COLUMNS, "contact_id")
    warehouse.replace_table("golden_contacts", golden)
    back = warehouse.read_table("golden_contacts").sort("contact_id")
    assert back.schema == golden.schema
    assert back.equals(golden)


def test_normalized_contacts_round_trip_through_append_many_and_bookkeeping(
    postgres_url: str,
) -> None:
    warehouse = PostgresWarehouse(url=postgres_url)
    normalized = contract_frame(NORMALIZED_COLUMNS, "record_id")
    log = pl.DataFrame(
        {"file_hash": ["h1", "h2"], "normalized_at": [None, None]},
        schema={"file_hash": pl.String, "normalized_at": pl.Datetime("us")},
    )
    warehouse.append_rows("landing_file_log", log)
    now = datetime(2026, 11, 28, 12, 0, 0, 5)
    warehouse.append_many(
        {"contacts_normalized": normalized.head(5)},
        sql_after=[
            (
                "update landing_file_log set normalized_at = ? "
                "where file_hash in (select unnest(?::varchar[]))",
                [now, ["h1"]],
            )
        ],
    )
    warehouse.append_rows("contacts_normalized", normalized.tail(-5))
    back = warehouse.read_table("contacts_normalized").sort("record_id")
    assert back.schema == normalized.schema
    assert back.equals(normalized)
    stamped = warehouse.query("select file_hash, normalized_at from landing_file_log order by 1")
    assert stamped["normalized_at"].to_list() == [now, None]


def test_query_takes_duckdb_style_sql_and_placeholders(postgres_url: str) -> None:
    warehouse = PostgresWarehouse(url=postgres_url)
    models = pl.DataFrame(
        {
            "version": [1, 2, 3],
            "origin": ["baseline", "what?", "100% trained"],
            "model_json": ['{"a": 1}', "{}", '{"b": [true]}'],
            "score": pl.Series([0.1, 0.25, 1.0]).cast(pl.Decimal(3, 2)),
        }
    )
    warehouse.append_rows("contact_match_model", models)
    newest = warehouse.query(
        "select version, model_json from contact_match_model order by version desc limit 1"
    )
    assert newest.rows() == [(3, '{"b": [true]}')]
    picked = warehouse.query(
        "select origin, score from contact_match_model "
        "where version = ? and origin like '%?%' or origin = ?",
        [2, "100% trained"],
    )
    assert sorted(picked.rows()) == [("100% trained", Decimal("1.00")), ("what?", Decimal("0.25"))]
    empty = warehouse.query("select version from contact_match_model where version > ?", [9])
    assert empty.height == 0 and empty.schema == {"version": pl.Int64}
    assert warehouse.query("select count(*) as n from contact_match_model")["n"][0] == 3


def test_asset_tables_get_primary_keys_and_indexes(postgres_url: str) -> None:
    warehouse = PostgresWarehouse(url=postgres_url)
    warehouse.replace_table("golden_contacts", contract_frame(GOLDEN_COLUMNS, "contact_id", 3))
    warehouse.append_rows("contacts_normalized", contract_frame(NORMALIZED_COLUMNS, "record_id", 3))
    warehouse.append_rows(
        "contacts_quarantine",
        pl.DataFrame(
            {"file_hash": ["h", "h"], "source_sheet": [None, None], "source_row": [2, 3]},
            schema={"file_hash": pl.String, "source_sheet": pl.String, "source_row": pl.Int64},
        ),
    )
    indexes = warehouse.query(
        "select tablename, indexdef from pg_indexes where schemaname = 'public'"
    )
    defs = "\n".join(indexes["indexdef"])
    assert "golden_contacts_pkey ON public.golden_contacts USING btree (contact_id)" in defs
    assert "ON public.golden_contacts USING btree (email)" in defs
    assert "ON public.golden_contacts USING btree (cluster_id)" in defs
    assert "contacts_normalized_pkey ON public.contacts_normalized USING btree (record_id)" in defs
    assert "ON public.contacts_normalized USING btree (email_match_key)" in defs
    assert (
        "UNIQUE INDEX contacts_quarantine_file_hash_source_sheet_source_row_key ON "
        "public.contacts_quarantine USING btree (file_hash, source_sheet, source_row) "
        "NULLS NOT DISTINCT" in defs
    )
    types = warehouse.query(
        "select column_name, data_type from information_schema.columns "
        "where table_name = 'golden_contacts'"
    )
    types = dict(types.rows())
    assert types["record_ids"] == "ARRAY" and types["field_provenance"] == "json"
    assert types["gdpr_consent_date"] == "timestamp without time zone"
    with pytest.raises(psycopg.errors.UniqueViolation):  # a CSV row has no sheet: still unique
        warehouse.append_rows(
            "contacts_quarantine",
            pl.DataFrame({"file_hash": ["h"], "source_sheet": [None], "source_row": [2]}),
        )


def test_replacing_a_table_keeps_dependent_views_working(postgres_url: str) -> None:
    warehouse = PostgresWarehouse(url=postgres_url)
    first = pl.DataFrame({"contact_id": ["a", "b", "c"], "quality_score": [0.1, 0.2, 0.3]})
    warehouse.replace_table("contact_quality_scores", first)
    oid = warehouse.query("select 'contact_quality_scores'::regclass::oid::bigint as o")["o"][0]
    warehouse.query("create view best_contacts as select * from contact_quality_scores")
    second = pl.DataFrame(
        {"contact_id": ["b", "c", "d"], "quality_score": [0.2, 0.9, 0.4], "notes": ["x", None, ""]}
    )
    warehouse.replace_table("contact_quality_scores", second)
    warehouse.replace_table("contact_quality_scores", second)
    assert warehouse.query("select * from best_contacts order by contact_id").rows() == [
        ("b", 0.2),
        ("c", 0.9),
        ("d", 0.4),
    ]
    assert warehouse.read_table("contact_quality_scores").sort("contact_id").equals(second)
    same = warehouse.query("select 'contact_quality_scores'::regclass::oid::bigint as o")["o"][0]
    assert same == oid


def test_replacing_a_table_without_key_reloads_it(postgres_url: str) -> None:
    warehouse = PostgresWarehouse(url=postgres_url)
    warehouse.replace_table("scratch", pl.DataFrame({"n": [1, 1, 2]}))
    warehouse.replace_table("scratch", pl.DataFrame({"n": [3]}))
    assert warehouse.read_table("scratch")["n"].to_list() == [3]


def test_a_frame_with_a_duplicate_key_is_refused_before_writing(postgres_url: str) -> None:
    warehouse = PostgresWarehouse(url=postgres_url)
    with pytest.raises(ValueError, match=r"golden_contacts: key \(contact_id\) must be unique"):
        warehouse.replace_table("golden_contacts", pl.DataFrame({"contact_id": ["a", "a"]}))
    assert not warehouse.table_exists("golden_contacts")


def test_upsert_keeps_created_at_and_stamps_updated_at_of_changed_rows(
    postgres_url: str,
) -> None:
    warehouse = PostgresWarehouse(url=postgres_url)
    first = pl.DataFrame({"k": [1, 2, 3], "v": ["a", "b", "c"]})
    assert warehouse.upsert("things", first, key=["k"]).inserted == 3
    before = warehouse.read_table("things").sort("k")
    second = pl.DataFrame({"k": [1, 2, 4], "v": ["a", "B", "d"]})
    result = warehouse.upsert("things", second, key=["k"], delete_missing=True)
    assert (result.inserted, result.updated, result.unchanged, result.deleted) == (1, 1, 1, 1)
    after = warehouse.read_table("things").sort("k")
    assert after["k"].to_list() == [1, 2, 4]
    assert after["created_at"][:2].to_list() == before["created_at"][:2].to_list()
    assert after["updated_at"][0] == before["updated_at"][0]
    assert after["updated_at"][1] > before["updated_at"][1]


def test_warehouse_for_picks_the_implementation_from_the_setting(tmp_path: Path) -> None:
    assert isinstance(warehouse_for("postgresql://u:p@h/db"), PostgresWarehouse)
    assert isinstance(warehouse_for("postgres://u:p@h/db"), PostgresWarehouse)
    duck = warehouse_for(str(tmp_path / "w.duckdb"))
    assert isinstance(duck, DuckDBWarehouse)
    assert warehouse_for("postgresql://u:p@h/db").location == "postgresql://u:***@h/db"


def test_the_whole_pipeline_runs_on_postgres(
    postgres_url: str, tmp_path: Path, landing: Path
) -> None:
    from bizdev_assets.definitions import ASSETS
    from bizdev_assets.demo.generator import generate_demo
    from bizdev_assets.golden.assets import contacts
    from resources.settings import Settings, build_resources

    generate_demo(landing, tmp_path / "labels.csv", n_rows=400, seed=3)
    resources = build_resources(Settings(landing=str(landing), warehouse=str(tmp_path / "x.db")))
    warehouse = PostgresWarehouse(url=postgres_url, migrate_on_start=True)
    resources["warehouse"] = warehouse
    result = dg.materialize([*ASSETS, contacts], resources=resources)
    assert result.success
    raw = warehouse.row_count("raw_contact_files")
    assert raw == 400
    normalized = warehouse.row_count("contacts_normalized")
    assert normalized + warehouse.row_count("contacts_quarantine") == raw
    assert warehouse.row_count("contact_clusters") == normalized
    golden = warehouse.row_count("golden_contacts")
    assert 0 < golden < normalized
    assert warehouse.row_count("contact_quality_scores") == golden
    assert warehouse.row_count("contacts") == golden
    pending = warehouse.query(
        "select count(*) as n from landing_file_log where normalized_at is null"
    )
    assert pending["n"][0] == 0
    again = dg.materialize([*ASSETS, contacts], resources=resources)
    assert again.success
    assert warehouse.row_count("raw_contact_files") == raw
    assert warehouse.row_count("golden_contacts") == golden
    assert warehouse.row_count("contacts") == golden

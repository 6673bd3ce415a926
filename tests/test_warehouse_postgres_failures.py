"""A PostgreSQL warehouse that cannot do its job says which setting to fix, hides the
password, and leaves the tables as they were: a failed or interrupted write writes nothing."""

from __future__ import annotations

import threading

import polars as pl
import psycopg
import pytest

from resources.warehouse import PostgresWarehouse, WarehouseConnectionError, redact_url


def test_wrong_credentials_name_the_setting_and_hide_the_password(postgres_url: str) -> None:
    socket = postgres_url.split("host=", 1)[1]
    wrong_database = f"postgresql://postgres:s3cr3t-pw@/no_such_db?host={socket}"
    with pytest.raises(WarehouseConnectionError) as error:
        PostgresWarehouse(url=wrong_database).table_exists("golden_contacts")
    message = str(error.value)
    assert "BIZDEV_WAREHOUSE" in message and "no_such_db" in message
    assert "s3cr3t-pw" not in message and "***" in message
    unreachable = "postgresql://bizdev:s3cr3t-pw@127.0.0.1:9/bizdev"
    with pytest.raises(WarehouseConnectionError) as error:
        PostgresWarehouse(url=unreachable, connect_timeout=2).row_count("golden_contacts")
    assert "BIZDEV_WAREHOUSE=postgresql://bizdev:***@127.0.0.1:9/bizdev" in str(error.value)
    assert "s3cr3t-pw" not in str(error.value)
    assert redact_url("postgres://u@h/db?password=pw&sslmode=require") == (
        "postgres://u@h/db?password=***&sslmode=require"
    )


def test_a_failure_inside_append_many_writes_nothing(postgres_url: str) -> None:
    warehouse = PostgresWarehouse(url=postgres_url)
    normalized = pl.DataFrame({"record_id": ["r1", "r2"], "email": ["a@x.io", None]})
    with pytest.raises(psycopg.errors.UndefinedTable):
        warehouse.append_many(
            {
                "contacts_normalized": normalized,
                "contacts_quarantine": pl.DataFrame(
                    {"file_hash": ["h"], "source_sheet": ["s"], "source_row": [1]}
                ),
            },
            sql_after=[("update no_such_table set x = ?", [1])],
        )
    assert not warehouse.table_exists("contacts_normalized")
    assert not warehouse.table_exists("contacts_quarantine")
    warehouse.append_many({"contacts_normalized": normalized})
    assert warehouse.row_count("contacts_normalized") == normalized.height


def test_a_connection_killed_during_copy_rolls_back_and_a_rerun_completes(
    postgres_url: str,
) -> None:
    warehouse = PostgresWarehouse(url=postgres_url)
    warehouse.append_rows("raw_contact_files", pl.DataFrame({"file_hash": ["old"], "n": [0]}))
    big = pl.DataFrame({"file_hash": "new", "n": pl.int_range(600_000, eager=True)}).with_columns(
        payload=pl.lit("x" * 200)
    )
    killed = threading.Event()

    def kill_the_copy() -> None:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            while not killed.is_set():
                row = admin.execute(
                    "select pid from pg_stat_activity where application_name = "
                    "'bizdev-warehouse' and query ilike 'copy%%from stdin%%'"
                ).fetchone()
                if row:
                    admin.execute("select pg_terminate_backend(%s)", [row[0]])
                    killed.set()

    killer = threading.Thread(target=kill_the_copy, daemon=True)
    killer.start()
    with pytest.raises(WarehouseConnectionError, match="rolled back"):
        warehouse.append_rows("raw_contact_files", big)
    killed.set()
    killer.join()
    assert warehouse.row_count("raw_contact_files") == 1
    warehouse.append_rows("raw_contact_files", big)
    assert warehouse.row_count("raw_contact_files") == 1 + big.height

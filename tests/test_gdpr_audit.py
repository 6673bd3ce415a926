"""The audit log is hash-chained: `bizdev audit verify` finds an edited, deleted or
re-ordered row."""

from __future__ import annotations

from pathlib import Path

import pytest

from bizdev_assets.gdpr.audit import audit, verify
from bizdev_assets.gdpr.requests import ensure_tables
from resources.warehouse import DuckDBWarehouse


@pytest.fixture
def logged(tmp_path: Path) -> DuckDBWarehouse:
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    ensure_tables(warehouse)
    for n, action in enumerate(["erasure_requested", "erasure_finished", "consent_withdrawn"]):
        audit(
            warehouse, actor="dpo@example.com", action=action, subject_key=f"k{n}", detail={"n": n}
        )
    return warehouse


def test_an_untouched_log_verifies(logged):
    result = verify(logged)
    assert result.ok and result.rows == 3


def test_an_edited_row_breaks_the_chain_at_that_row(logged):
    logged.append_many({}, sql_after=[("update audit_log set actor = 'someone' where seq = 2", [])])
    result = verify(logged)
    assert (result.ok, result.broken_at) == (False, 2)
    assert "edited" in result.problem


def test_a_deleted_row_is_detected(logged):
    logged.append_many({}, sql_after=[("delete from audit_log where seq = 2", [])])
    assert verify(logged).broken_at == 3


def test_an_edited_row_with_a_recomputed_hash_still_breaks_the_next_link(logged):
    from bizdev_assets.gdpr.audit import GENESIS, row_hash

    row = logged.query("select * from audit_log where seq = 1").row(0, named=True)
    row["actor"] = "forger"
    forged = row_hash(GENESIS, row)
    logged.append_many(
        {},
        sql_after=[("update audit_log set actor = 'forger', row_hash = ? where seq = 1", [forged])],
    )
    assert verify(logged).broken_at == 2


def test_the_cli_exits_1_on_a_broken_chain(logged, monkeypatch):
    from typer.testing import CliRunner

    from bizdev_assets.cli import app

    monkeypatch.setenv("BIZDEV_WAREHOUSE", logged.path)
    runner = CliRunner()
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    logged.append_many({}, sql_after=[("update audit_log set reason = 'x' where seq = 3", [])])
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and "seq 3" in broken.output

"""Reviewers' decisions, made through the `bizdev review` commands, change the next run."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from typer.testing import CliRunner

from bizdev_assets.cli import app
from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from resources.settings import build_resources
from resources.warehouse import DuckDBWarehouse

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def refresh(settings) -> None:
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            ASSETS, instance=instance, resources=build_resources(settings), run_config=QUIET
        )
    assert result.success


def contact_of(warehouse: DuckDBWarehouse) -> dict[str, str]:
    clusters = warehouse.read_table("contact_clusters")
    return dict(clusters.select("record_id", "contact_id").iter_rows())


@pytest.fixture
def reviewed(settings, landing: Path, tmp_path: Path, monkeypatch):
    generate_demo(landing, tmp_path / "labels.csv", n_rows=2_000, seed=5)
    monkeypatch.setenv("BIZDEV_LANDING", settings.landing)
    monkeypatch.setenv("BIZDEV_WAREHOUSE", settings.warehouse)
    refresh(settings)
    return DuckDBWarehouse(path=settings.warehouse)


def test_cannot_link_and_must_link_decisions_are_honoured_on_the_next_run(settings, reviewed):
    links = reviewed.read_table("contact_match_links")
    queue = reviewed.read_table("match_review_queue")
    assert queue.height > 0
    merged = links.row(0, named=True)
    unsure = queue.row(0, named=True)
    before = contact_of(reviewed)
    assert before[merged["record_id_l"]] == before[merged["record_id_r"]]
    assert before[unsure["record_id_l"]] != before[unsure["record_id_r"]]

    runner = CliRunner()
    for pair, decision in ((merged, "cannot_link"), (unsure, "must_link")):
        outcome = runner.invoke(
            app,
            [
                "review",
                "decide",
                pair["record_id_l"],
                pair["record_id_r"],
                "--decision",
                decision,
                "--by",
                "ops@example.com",
            ],
        )
        assert outcome.exit_code == 0, outcome.output
    refresh(settings)

    after = contact_of(reviewed)
    assert after[merged["record_id_l"]] != after[merged["record_id_r"]]
    assert after[unsure["record_id_l"]] == after[unsure["record_id_r"]]
    queue_pairs = set(
        reviewed.read_table("match_review_queue").select("record_id_l", "record_id_r").rows()
    )
    assert (unsure["record_id_l"], unsure["record_id_r"]) not in queue_pairs
    decisions = reviewed.read_table("match_decisions")
    assert set(decisions["decided_by"]) == {"ops@example.com"}


def test_explain_shows_the_records_and_the_evidence_for_each_link(reviewed):
    golden = reviewed.read_table("golden_contacts").filter(pl.col("record_count") >= 2)
    contact_id = golden["contact_id"][0]
    outcome = CliRunner().invoke(app, ["explain", contact_id], env={"COLUMNS": "200"})
    assert outcome.exit_code == 0, outcome.output
    records = reviewed.query(
        "select record_id from contact_clusters where contact_id = ?", [contact_id]
    )["record_id"]
    for record_id in records:
        assert record_id in outcome.output
    assert "name " in outcome.output and "email " in outcome.output


def test_explain_names_an_unknown_contact(reviewed):
    outcome = CliRunner().invoke(app, ["explain", "no-such-contact"])
    assert outcome.exit_code != 0
    assert "no golden contact no-such-contact" in outcome.output

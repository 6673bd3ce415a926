"""After a drop, golden_contacts, contact_quality_scores and contacts rewrite only the
contacts the drop touched, and hold exactly what a full rebuild of the three would.
Real assets, real warehouse, the pipeline's clock set by the test (see clock_support)."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from datetime import datetime
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml

from bizdev_assets.dedup.review import decision_rows
from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from bizdev_assets.golden import parts
from bizdev_assets.golden.rules import DEFAULT_RULES_PATH
from resources.settings import Settings, build_resources
from resources.warehouse import DuckDBWarehouse
from tests.clock_support import set_pipeline_clock

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
CHAIN = [
    "raw_contact_files",
    "contacts_normalized",
    "contacts_quarantine",
    "contact_clusters",
    "golden_contacts",
    "contact_quality_scores",
    "contacts",
]
DOWNSTREAM = ["golden_contacts", "contact_quality_scores", "contacts"]
LATER_DROP = "hubspot_contacts.json"
# Stamps of when a row was written: the only columns a full rebuild may change.
STAMPS = {
    "golden_contacts": ["built_at"],
    "contact_quality_scores": ["golden_built_at", "scored_at", "freshness"],
    "contacts": ["created_at", "updated_at"],
}
FIRST, LATER = datetime(2026, 12, 1), datetime(2026, 12, 1, 0, 1)
KEYS = {"golden_contacts": "contact_id", "contact_quality_scores": "contact_id", "contacts": "id"}


def refresh(settings: Settings, selection=CHAIN, full_refresh: bool = False) -> dict:
    """Materialize `selection`; each downstream asset's metadata by asset name."""
    run_config = dict(QUIET)
    if full_refresh:
        chosen = [a for a in DOWNSTREAM if a in selection]
        run_config["ops"] = {a: {"config": {"full_refresh": True}} for a in chosen}
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            ASSETS,
            selection=selection,
            instance=instance,
            resources=build_resources(settings),
            run_config=run_config,
        )
    assert result.success
    return {
        event.asset_key.path[-1]: {k: v.value for k, v in event.materialization.metadata.items()}
        for event in result.get_asset_materialization_events()
        if event.asset_key.path[-1] in DOWNSTREAM
    }


@pytest.fixture(scope="module")
def first_drop(tmp_path_factory) -> tuple[Path, Path]:
    """A resolved warehouse and its landing folder, one generated file held back."""
    root = tmp_path_factory.mktemp("golden_first_drop")
    generate_demo(root / "generated", root / "labels.csv", n_rows=1_200, seed=11)
    landing = root / "landing"
    shutil.copytree(root / "generated", landing, ignore=shutil.ignore_patterns(LATER_DROP))
    with pytest.MonkeyPatch.context() as monkeypatch:
        set_pipeline_clock(monkeypatch, FIRST)
        refresh(Settings(landing=str(landing), warehouse=str(root / "warehouse.duckdb")))
    return root, landing


@pytest.fixture
def resolved(first_drop, tmp_path: Path, monkeypatch) -> tuple[Settings, DuckDBWarehouse]:
    """A private copy of the first drop's warehouse and landing folder, a minute later."""
    root, landing = first_drop
    shutil.copytree(landing, tmp_path / "landing")
    shutil.copy(root / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    set_pipeline_clock(monkeypatch, LATER)
    settings = Settings(
        landing=str(tmp_path / "landing"), warehouse=str(tmp_path / "warehouse.duckdb")
    )
    return settings, DuckDBWarehouse(path=settings.warehouse)


def tables(warehouse: DuckDBWarehouse) -> dict[str, pl.DataFrame]:
    return {
        table: warehouse.read_table(table).drop(STAMPS[table]).sort(KEYS[table]) for table in STAMPS
    }


def assert_same_as_a_full_rebuild(settings: Settings, tmp_path: Path) -> None:
    incremental = tables(DuckDBWarehouse(path=settings.warehouse))
    copy = tmp_path / "full.duckdb"
    shutil.copy(settings.warehouse, copy)
    refresh(Settings(landing=settings.landing, warehouse=str(copy)), DOWNSTREAM, True)
    full = DuckDBWarehouse(path=str(copy))
    for table, frame in tables(full).items():
        assert frame.equals(incremental[table]), table
    # Scored a minute apart, freshness agrees to far better than a score's two decimals.
    scores = [
        w.read_table("contact_quality_scores").sort("contact_id")["freshness"]
        for w in (full, DuckDBWarehouse(path=settings.warehouse))
    ]
    assert (scores[0] - scores[1]).abs().max() < 1e-6


def write_drop(path: Path, people: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["First Name", "Last Name", "Email", "Company"])
        writer.writeheader()
        writer.writerows(people)


def test_a_drop_rewrites_only_the_contacts_it_touches_as_a_full_rebuild_would(
    resolved, first_drop, tmp_path: Path
):
    settings, warehouse = resolved
    before = warehouse.read_table("golden_contacts")
    shutil.copy(first_drop[0] / "generated" / LATER_DROP, Path(settings.landing) / LATER_DROP)
    # Someone new with another name who gives an existing contact's free-mail address (a
    # couple's mailbox: not linked, unlike a work address): a second holder of that
    # email, which changes the existing contact's uniqueness and may move contacts.email.
    (holder,) = warehouse.query(
        "select email, first_name from golden_contacts where first_name is not null "
        "and split_part(email, '@', 2) in ('gmail.com', 'yahoo.com', 'hotmail.com', "
        "'outlook.com', 'gmx.de', 'web.de', 'orange.fr', 'libero.it', 'icloud.com') "
        "order by contact_id limit 1"
    ).rows()
    stranger = {"First Name": "Xavier", "Last Name": "Quillfeather", "Company": "Nowhere Ltd"}
    write_drop(Path(settings.landing) / "shared.csv", [stranger | {"Email": holder[0]}])

    meta = refresh(settings)

    golden, scores, contacts = (meta[a] for a in DOWNSTREAM)
    assert golden["mode"] == scores["mode"] == contacts["mode"] == "incremental"
    assert 0 < golden["rows_this_run"] < 0.5 * golden["dagster/row_count"]
    assert golden["rows_this_run"] <= scores["rows_this_run"] < scores["dagster/row_count"]
    after = warehouse.read_table("golden_contacts")
    untouched = after.filter(pl.col("built_at") < LATER)
    assert untouched.height == after.height - golden["rows_this_run"]
    assert (
        untouched.drop("built_at")
        .sort("contact_id")
        .equals(
            before.join(untouched.select("contact_id"), on="contact_id")
            .drop("built_at")
            .sort("contact_id")
        )
    )
    holders = warehouse.query(
        "select q.quality_notes from golden_contacts g join contact_quality_scores q "
        "using (contact_id) where g.email = ?",
        [holder[0]],
    )["quality_notes"]
    assert holders.len() == 2 and holders.str.contains("email shared with 1 other").all()
    assert_same_as_a_full_rebuild(settings, tmp_path)


def test_a_merge_of_two_contacts_removes_one_everywhere_as_a_full_rebuild_would(
    resolved, tmp_path: Path
):
    settings, warehouse = resolved
    two = warehouse.query(
        "select min(record_id) as record_id, contact_id from contact_clusters "
        "group by contact_id order by contact_id limit 2"
    )
    warehouse.append_rows(
        "match_decisions",
        decision_rows([tuple(two["record_id"])], "must_link", "qa@example.com"),
    )

    meta = refresh(settings)

    assert meta["golden_contacts"]["mode"] == "incremental"
    ids = set(warehouse.read_table("contacts")["id"].cast(pl.String))
    assert len(ids & set(two["contact_id"])) == 1
    assert warehouse.row_count("contact_quality_scores") == warehouse.row_count("contacts")
    assert_same_as_a_full_rebuild(settings, tmp_path)


def test_a_run_with_nothing_new_rewrites_nothing(resolved):
    settings, warehouse = resolved
    stamps = warehouse.query("select max(built_at) as b from golden_contacts")["b"][0]

    meta = refresh(settings)

    assert meta["golden_contacts"]["rows_this_run"] == 0
    assert meta["contact_quality_scores"]["rows_this_run"] == 0
    assert meta["contacts"]["rows_this_run"] == 0
    assert warehouse.query("select max(built_at) as b from golden_contacts")["b"][0] == stamps


def test_changed_survivorship_rules_rebuild_every_golden_contact(resolved, tmp_path: Path):
    settings, warehouse = resolved
    rules = yaml.safe_load(DEFAULT_RULES_PATH.read_text())
    rules["default_trust"] = rules.get("default_trust", 50) + 1
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(rules))
    settings = dataclasses.replace(settings, survivorship_rules=str(path))

    meta = refresh(settings, DOWNSTREAM)

    assert meta["golden_contacts"]["mode"] == "full"
    assert "rules" in meta["golden_contacts"]["mode_reason"]
    assert meta["contact_quality_scores"]["mode"] == "full"
    assert meta["golden_contacts"]["rows_this_run"] == warehouse.row_count("golden_contacts")


def test_a_full_build_in_many_parts_writes_what_a_build_in_one_part_writes(resolved, monkeypatch):
    settings, warehouse = resolved
    in_one_part = tables(warehouse)["golden_contacts"]
    monkeypatch.setattr(parts, "CONTACTS_PER_PART", 100)

    meta = refresh(settings, ["golden_contacts"], full_refresh=True)

    assert meta["golden_contacts"]["parts"] >= 8
    assert tables(warehouse)["golden_contacts"].equals(in_one_part)

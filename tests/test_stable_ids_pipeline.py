"""Contact IDs across three successive drops, through the real assets and warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import polars as pl

from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from resources.settings import build_resources
from resources.warehouse import DuckDBWarehouse

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def resolve(contact_id: str, history: dict[str, str]) -> str:
    seen = set()
    while contact_id in history and contact_id not in seen:
        seen.add(contact_id)
        contact_id = history[contact_id]
    return contact_id


def test_contact_ids_survive_three_successive_drops(settings, landing: Path, tmp_path: Path):
    source = tmp_path / "generated"
    generate_demo(source, tmp_path / "labels.csv", n_rows=1_500, seed=11)
    warehouse = DuckDBWarehouse(path=settings.warehouse)
    owners_by_drop = []
    for name in ["crm_export.csv", "hubspot_contacts.json", "webform_submissions.ndjson"]:
        shutil.copy(source / name, landing / name)
        with dg.instance_for_test() as instance:
            result = dg.materialize(
                ASSETS, instance=instance, resources=build_resources(settings), run_config=QUIET
            )
        assert result.success
        clusters = warehouse.read_table("contact_clusters")
        owners_by_drop.append(dict(clusters.select("record_id", "contact_id").iter_rows()))
        golden_ids = set(warehouse.read_table("golden_contacts")["contact_id"])
        assert golden_ids == set(clusters["contact_id"])

    history = {}
    if warehouse.table_exists("contact_id_history"):
        rows = warehouse.read_table("contact_id_history")
        history = dict(rows.select("old_contact_id", "new_contact_id").iter_rows())
    final = owners_by_drop[-1]
    current = set(final.values())
    for owners in owners_by_drop[:-1]:
        for record_id, contact_id in owners.items():
            # Every ID ever issued still leads to a current contact...
            assert resolve(contact_id, history) in current
            # ...and, unless it was merged away, it is still this record's contact.
            if contact_id not in history:
                assert final[record_id] == contact_id
    kept = sum(1 for r, c in owners_by_drop[0].items() if final[r] == c)
    assert kept / len(owners_by_drop[0]) > 0.95
    assert pl.Series(list(final.values())).n_unique() < len(final)

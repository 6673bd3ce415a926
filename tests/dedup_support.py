"""What the dedup tests share: files through the real ingest and normalize assets, and
the dedup assets on their warehouse."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from bizdev_assets.dedup.assets import contact_clusters, contact_match_model
from bizdev_assets.ingest.assets import raw_contact_files
from bizdev_assets.normalize.assets import contacts_normalized
from bizdev_assets.normalize.columns import NORMALIZED_TABLE
from resources.settings import Settings, build_resources
from resources.warehouse import DuckDBWarehouse

INGEST_AND_NORMALIZE = [raw_contact_files, contacts_normalized]
DEDUP = [contact_match_model, contact_clusters]


def materialize(
    assets: list, landing: Path, warehouse: Path, **run: object
) -> dg.ExecuteInProcessResult:
    settings = Settings(landing=str(landing), warehouse=str(warehouse))
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            assets, instance=instance, resources=build_resources(settings), **run
        )
    assert result.success
    return result


def materialize_ingest_and_normalize(landing: Path, warehouse: Path) -> Path:
    materialize(INGEST_AND_NORMALIZE, landing, warehouse)
    return warehouse


def normalized_of(warehouse: Path) -> pl.DataFrame:
    return DuckDBWarehouse(path=str(warehouse)).read_table(NORMALIZED_TABLE)


def metadata_of(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, object]:
    event = result.asset_materializations_for_node(asset)[0]
    return {key: value.value for key, value in event.metadata.items()}

"""Helpers for the tests that drop files and run ingest (and normalization) for real."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import dagster as dg
import polars as pl

from bizdev_assets.ingest.assets import raw_contact_files
from bizdev_assets.normalize.assets import contacts_normalized
from resources.settings import Settings, build_resources
from resources.warehouse import DuckDBWarehouse


@dataclass
class IngestRun:
    result: dg.ExecuteInProcessResult
    warehouse: DuckDBWarehouse
    messages: list[tuple[int, str]]  # (level, message) of every log line of the run

    def file_log(self) -> dict[str, dict]:
        log = self.warehouse.query("select * from landing_file_log")
        return {row["source_file"]: row for row in log.iter_rows(named=True)}

    def warnings(self) -> list[str]:
        return [m for level, m in self.messages if level >= logging.WARNING]

    def metadata(self, asset: str = "raw_contact_files") -> dict:
        for event in self.result.get_asset_materialization_events():
            if event.asset_key == dg.AssetKey(asset):
                return {k: v.value for k, v in event.materialization.metadata.items()}
        return {}

    def quarantine(self) -> pl.DataFrame:
        return self.warehouse.read_table("contacts_quarantine")

    def normalized(self) -> pl.DataFrame:
        return self.warehouse.read_table("contacts_normalized")


def run_ingest(settings: Settings, *, normalize: bool = True) -> IngestRun:
    """Materialize raw_contact_files (and the normalize step) on `settings`, in process."""
    assets = [raw_contact_files, contacts_normalized] if normalize else [raw_contact_files]
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            assets, instance=instance, resources=build_resources(settings), raise_on_error=False
        )
        messages = [(entry.level, entry.user_message) for entry in instance.all_logs(result.run_id)]
    return IngestRun(result, DuckDBWarehouse(path=settings.warehouse), messages)

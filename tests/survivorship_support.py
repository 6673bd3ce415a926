"""Helpers for the survivorship tests: records of three sources of known trust, and the
golden contacts built from them with fixed rules and a fixed "now"."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from bizdev_assets.golden.rules import SurvivorshipRules
from bizdev_assets.golden.survivorship import build_golden_contacts
from bizdev_assets.normalize.columns import NORMALIZED_COLUMNS

NOW = datetime(2025, 6, 1)
RULES = SurvivorshipRules.from_dict(
    {
        "sources": [
            {"match": "crm_*", "trust": 90},
            {"type": "xlsx", "trust": 60},
            {"type": "csv", "trust": 40},
        ],
        "default_trust": 10,
        "fields": {
            "name": "most_complete",
            "email": "most_trusted",
            "phone": "most_recent",
            "company": "most_trusted",
            "address": "most_recent",
            "job": "most_complete",
        },
    }
)
CRM = {"source_file": "crm_export.csv", "source_type": "csv"}  # trust 90
EXCEL = {"source_file": "event.xlsx", "source_type": "xlsx"}  # trust 60
CSV = {"source_file": "tradeshow.csv", "source_type": "csv"}  # trust 40


def record(record_id: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(NORMALIZED_COLUMNS)
    row.update({"record_id": record_id, "gdpr_consent": False, **values})
    return row


def golden_of(*records: dict[str, object], clusters: dict[str, str] | None = None) -> pl.DataFrame:
    """Build golden contacts; without `clusters`, all records are one cluster "k"."""
    normalized = pl.DataFrame(list(records), schema=NORMALIZED_COLUMNS)
    clusters = clusters or {r["record_id"]: "k" for r in records}
    cluster_frame = pl.DataFrame(
        {"record_id": list(clusters), "cluster_id": list(clusters.values())}
    )
    return build_golden_contacts(normalized, cluster_frame, RULES, now=NOW)


def only(golden: pl.DataFrame) -> dict[str, object]:
    assert golden.height == 1
    return golden.row(0, named=True)

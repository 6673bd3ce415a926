"""The one place where environment variables become resources.

Read when Definitions are built (not at import), so tests build their own settings
and never reload modules. Every setting is optional: no settings = embedded default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resources.landing import landing_for
from resources.pipeline_config import PipelineConfig
from resources.warehouse import warehouse_for

DEFAULT_LANDING = "./data/landing"
DEFAULT_WAREHOUSE = "./data/warehouse.duckdb"


@dataclass(frozen=True)
class Settings:
    """Operator settings; see the README's settings table."""

    landing: str = DEFAULT_LANDING  # a folder, or s3://bucket/prefix (AWS_* variables)
    warehouse: str = DEFAULT_WAREHOUSE  # a DuckDB file, or postgresql://...
    migrate_db: bool = False  # apply the ADR-013 migrations when the warehouse starts
    header_overrides: str | None = None  # YAML of per-source header mappings
    survivorship_rules: str | None = None  # YAML; None = shipped default
    quality_weights: str | None = None  # YAML; None = shipped default

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            landing=env.get("BIZDEV_LANDING") or DEFAULT_LANDING,
            warehouse=env.get("BIZDEV_WAREHOUSE") or DEFAULT_WAREHOUSE,
            migrate_db=(env.get("BIZDEV_DB_MIGRATE") or "").lower() in ("1", "true", "yes"),
            header_overrides=env.get("BIZDEV_HEADER_OVERRIDES") or None,
            survivorship_rules=env.get("BIZDEV_SURVIVORSHIP_RULES") or None,
            quality_weights=env.get("BIZDEV_QUALITY_WEIGHTS") or None,
        )


def build_resources(settings: Settings) -> dict[str, Any]:
    """Resources for one environment, chosen only by `settings`."""
    return {
        "landing": landing_for(settings.landing),
        "warehouse": warehouse_for(settings.warehouse, migrate_on_start=settings.migrate_db),
        "pipeline_config": PipelineConfig(
            header_overrides=_existing(settings.header_overrides, "BIZDEV_HEADER_OVERRIDES"),
            survivorship_rules=_existing(settings.survivorship_rules, "BIZDEV_SURVIVORSHIP_RULES"),
            quality_weights=_existing(settings.quality_weights, "BIZDEV_QUALITY_WEIGHTS"),
        ),
    }


def _existing(path: str | None, setting: str) -> str | None:
    if path is not None and not Path(path).is_file():
        raise FileNotFoundError(f"{setting}={path!r}: no such file. Fix or unset {setting}.")
    return path

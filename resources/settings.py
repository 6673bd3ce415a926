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

from resources.landing import LocalLanding
from resources.pipeline_config import PipelineConfig
from resources.warehouse import DuckDBWarehouse

DEFAULT_LANDING = "./data/landing"
DEFAULT_WAREHOUSE = "./data/warehouse.duckdb"


@dataclass(frozen=True)
class Settings:
    """Operator settings; see the README's settings table."""

    landing: str = DEFAULT_LANDING
    warehouse: str = DEFAULT_WAREHOUSE
    header_overrides: str | None = None  # YAML of per-source header mappings
    survivorship_rules: str | None = None  # YAML; None = shipped default
    quality_weights: str | None = None  # YAML; None = shipped default

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            landing=env.get("BIZDEV_LANDING") or DEFAULT_LANDING,
            warehouse=env.get("BIZDEV_WAREHOUSE") or DEFAULT_WAREHOUSE,
            header_overrides=env.get("BIZDEV_HEADER_OVERRIDES") or None,
            survivorship_rules=env.get("BIZDEV_SURVIVORSHIP_RULES") or None,
            quality_weights=env.get("BIZDEV_QUALITY_WEIGHTS") or None,
        )


def build_resources(settings: Settings) -> dict[str, Any]:
    """Resources for one environment, chosen only by `settings`."""
    return {
        "landing": LocalLanding(root=settings.landing),
        "warehouse": DuckDBWarehouse(path=settings.warehouse),
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

"""Rule files that shape the pipeline: header overrides, survivorship rules, quality weights.

Each is a YAML file an operator can point at; unset means the default shipped beside
the code. Loading validates the file, so a typo fails the step with a message naming it.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from bizdev_assets.golden.rules import SurvivorshipRules
from bizdev_assets.ingest.headers import HeaderMapping
from bizdev_assets.quality.scoring import QualityWeights


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


class PipelineConfig(dg.ConfigurableResource):
    """Paths of the optional rule files (see the README's settings table)."""

    header_overrides: str | None = None
    survivorship_rules: str | None = None
    quality_weights: str | None = None

    def header_mapping(self) -> HeaderMapping:
        return HeaderMapping.load(_path(self.header_overrides))

    def survivorship(self) -> SurvivorshipRules:
        return SurvivorshipRules.load(_path(self.survivorship_rules))

    def weights(self) -> QualityWeights:
        return QualityWeights.load(_path(self.quality_weights))

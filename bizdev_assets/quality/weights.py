"""The quality weights file (weights.yaml, or `BIZDEV_QUALITY_WEIGHTS`): how much each
score component counts, and the knobs inside components.

Validated on load, so a typo fails the scoring step with the file and the field named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bizdev_assets.rule_files import read_yaml

DEFAULT_WEIGHTS_PATH = Path(__file__).with_name("weights.yaml")
COMPONENTS = ("completeness", "validity", "uniqueness", "freshness", "consistency")
COMPLETENESS_FIELDS = ("email", "phone", "name", "company", "title", "country")


class QualityWeightsError(ValueError):
    """The weights file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class QualityWeights:
    """Component weights and the knobs inside components; see weights.yaml."""

    completeness: float
    validity: float
    uniqueness: float
    freshness: float
    consistency: float
    half_life_days: float = 365.0
    unknown_freshness: float = 0.5
    completeness_fields: tuple[tuple[str, float], ...] = (
        ("email", 0.25),
        ("phone", 0.20),
        ("name", 0.20),
        ("company", 0.15),
        ("title", 0.10),
        ("country", 0.10),
    )

    @classmethod
    def load(cls, path: Path | None = None) -> QualityWeights:
        """Read weights from YAML; None reads the shipped default."""
        path = Path(path) if path is not None else DEFAULT_WEIGHTS_PATH
        data = read_yaml(path, QualityWeightsError, "weights file")
        return cls.from_dict(data, origin=str(path))

    @classmethod
    def from_dict(cls, data: Any, origin: str = "<weights>") -> QualityWeights:
        def fail(where: str, problem: str) -> QualityWeightsError:
            return QualityWeightsError(f"{origin}: {where}: {problem}")

        def shares(value: Any, where: str, names: tuple[str, ...]) -> dict[str, float]:
            if not isinstance(value, dict):
                raise fail(where, f"expected a mapping of {', '.join(names)} to weights")
            unknown, missing = set(value) - set(names), set(names) - set(value)
            if unknown or missing:
                problem = "; ".join(
                    f"{label} {', '.join(sorted(map(str, keys)))}"
                    for label, keys in (("unknown", unknown), ("missing", missing))
                    if keys
                )
                raise fail(where, f"{problem} (expected exactly {', '.join(names)})")
            for name, weight in value.items():
                if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
                    raise fail(f"{where}.{name}", f"expected a number >= 0, got {weight!r}")
            total = sum(value.values())
            if not math.isclose(total, 1.0, abs_tol=1e-9):
                raise fail(where, f"weights must sum to 1, they sum to {total:g}")
            return {name: float(value[name]) for name in names}

        if not isinstance(data, dict):
            raise fail("top level", "expected a mapping with keys weights, freshness, completeness")
        unknown = set(data) - {"weights", "freshness", "completeness"}
        if unknown:
            raise fail(", ".join(sorted(map(str, unknown))), "unknown key")
        weights = shares(data.get("weights"), "weights", COMPONENTS)
        inner = shares(
            data.get("completeness", dict(cls.completeness_fields)),
            "completeness",
            COMPLETENESS_FIELDS,
        )
        freshness = data.get("freshness") or {}
        if not isinstance(freshness, dict) or set(freshness) - {"half_life_days", "unknown"}:
            raise fail("freshness", "expected a mapping with half_life_days and unknown")
        half_life = freshness.get("half_life_days", 365)
        if isinstance(half_life, bool) or not isinstance(half_life, int | float) or half_life <= 0:
            raise fail("freshness.half_life_days", f"expected days > 0, got {half_life!r}")
        unknown_value = freshness.get("unknown", 0.5)
        if (
            isinstance(unknown_value, bool)
            or not isinstance(unknown_value, int | float)
            or not 0 <= unknown_value <= 1
        ):
            raise fail("freshness.unknown", f"expected a number from 0 to 1, got {unknown_value!r}")
        return cls(
            **weights,
            half_life_days=float(half_life),
            unknown_freshness=float(unknown_value),
            completeness_fields=tuple(inner.items()),
        )

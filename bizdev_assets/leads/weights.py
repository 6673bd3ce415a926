"""The lead weights file (weights.yaml, or `BIZDEV_LEAD_WEIGHTS`), validated on load so a
typo fails `lead_scores` with the file and the key named."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bizdev_assets.rule_files import read_yaml

DEFAULT_WEIGHTS_PATH = Path(__file__).with_name("weights.yaml")
PARTS = ("fit", "engagement", "data_quality")
FIT_ITEMS = ("seniority", "department", "employee_band", "industry")


class LeadWeightsError(ValueError):
    """The lead weights file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class LeadWeights:
    weights: dict[str, float]
    qualified_at: float
    fit: dict[str, dict[str, float]]  # item -> value -> score ("*" = any other value)
    signal_half_life_days: float
    signals_for_full_score: float
    signal_share: float
    lead_source: dict[str, float]
    min_outcomes: int
    min_per_class: int

    @classmethod
    def load(cls, path: Path | None = None) -> LeadWeights:
        path = Path(path) if path is not None else DEFAULT_WEIGHTS_PATH
        return cls.from_dict(read_yaml(path, LeadWeightsError, "lead weights"), str(path))

    @classmethod
    def from_dict(cls, data: Any, origin: str = "<lead weights>") -> LeadWeights:
        def fail(where: str, problem: str) -> LeadWeightsError:
            return LeadWeightsError(f"{origin}: {where}: {problem}")

        def number(value: Any, where: str, low: float = 0.0, high: float = math.inf) -> float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise fail(where, f"expected a number, got {value!r}")
            if not low <= value <= high:
                raise fail(where, f"expected a number from {low:g} to {high:g}, got {value!r}")
            return float(value)

        def scores(value: Any, where: str) -> dict[str, float]:
            if not isinstance(value, dict) or not value:
                raise fail(where, "expected a mapping of value -> score in [0, 1]")
            return {str(k): number(v, f"{where}.{k}", 0, 1) for k, v in value.items()}

        if not isinstance(data, dict):
            raise fail("top level", "expected weights, qualified_at, fit, engagement, model")
        unknown = set(data) - {"weights", "qualified_at", "fit", "engagement", "model"}
        if unknown:
            raise fail(", ".join(sorted(map(str, unknown))), "unknown key")
        weights = data.get("weights")
        if not isinstance(weights, dict) or set(weights) != set(PARTS):
            raise fail("weights", f"expected exactly {', '.join(PARTS)}")
        parts = {p: number(weights[p], f"weights.{p}", 0, 1) for p in PARTS}
        if not math.isclose(sum(parts.values()), 1.0, abs_tol=1e-9):
            raise fail("weights", f"must sum to 1, they sum to {sum(parts.values()):g}")
        fit = data.get("fit") or {}
        if not isinstance(fit, dict) or set(fit) - set(FIT_ITEMS):
            raise fail("fit", f"expected items among {', '.join(FIT_ITEMS)}")
        engagement = data.get("engagement") or {}
        model = data.get("model") or {}
        return cls(
            weights=parts,
            qualified_at=number(data.get("qualified_at", 55), "qualified_at", 0, 100),
            fit={item: scores(values, f"fit.{item}") for item, values in fit.items()},
            signal_half_life_days=number(
                engagement.get("signal_half_life_days", 60), "engagement.signal_half_life_days", 1
            ),
            signals_for_full_score=number(
                engagement.get("signals_for_full_score", 3), "engagement.signals_for_full_score", 1
            ),
            signal_share=number(
                engagement.get("signal_share", 0.6), "engagement.signal_share", 0, 1
            ),
            lead_source=scores(engagement.get("lead_source", {"*": 0.4}), "engagement.lead_source"),
            min_outcomes=int(number(model.get("min_outcomes", 200), "model.min_outcomes", 10)),
            min_per_class=int(number(model.get("min_per_class", 30), "model.min_per_class", 5)),
        )

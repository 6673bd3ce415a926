"""The match model as it is stored: numbers only, checked before use.

`contact_match_model.model_json` can be written by anyone who can write the warehouse,
so it is data and never code. It holds the prior, the match threshold, and per
comparison level its label and learnt m and u; Splink's settings, with their SQL, are
rebuilt from the code's own definitions (`model.model_settings`) and only these numbers
are filled in. A stored model whose structure is not the code's (another version of
bizdev, a forged row) is rejected with the reason (`StoredModelRejected`), and the
caller trains a new one instead of guessing what the old one meant.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from bizdev_assets.dedup.model import model_settings, structure_fingerprint

MODEL_FORMAT = "bizdev.match_model.v2"
DEFAULT_MATCH_THRESHOLD = 0.95


class StoredModelRejected(ValueError):
    """The stored parameters do not fit this code's model; say why."""


def parameters_from_settings(
    settings: dict[str, Any], match_threshold: float = DEFAULT_MATCH_THRESHOLD, **about: Any
) -> dict[str, Any]:
    """What to store of trained Splink settings: numbers and labels, no SQL. `about`
    (origin, notes) is kept beside them for people, and never read back."""
    return {
        "format": MODEL_FORMAT,
        "structure": structure_fingerprint(_code_settings()),
        "probability_two_random_records_match": settings["probability_two_random_records_match"],
        "match_threshold": match_threshold,
        "comparisons": {
            comparison["output_column_name"]: [
                {
                    "label": level.get("label_for_charts", ""),
                    "m": level.get("m_probability"),
                    "u": level.get("u_probability"),
                }
                for level in comparison["comparison_levels"]
            ]
            for comparison in settings["comparisons"]
        },
        "about": about,
    }


def _probability(value: Any, what: str, allow_none: bool = True) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StoredModelRejected(f"{what} is {value!r}, not a number")
    if not 0 < value <= 1:
        raise StoredModelRejected(f"{what} is {value}, not a probability in (0, 1]")
    return float(value)


def settings_from_parameters(parameters: Any) -> dict[str, Any]:
    """Splink settings built by this code, with the stored m, u and prior filled in.

    Raises StoredModelRejected when the parameters are not this code's model: another
    format, another structure, other comparisons or levels, or values that are not
    probabilities."""
    if not isinstance(parameters, dict) or parameters.get("format") != MODEL_FORMAT:
        found = parameters.get("format") if isinstance(parameters, dict) else type(parameters)
        raise StoredModelRejected(f"stored model format is {found!r}, expected {MODEL_FORMAT!r}")
    settings = copy.deepcopy(_code_settings())
    if parameters.get("structure") != structure_fingerprint(settings):
        raise StoredModelRejected(
            f"stored model structure {parameters.get('structure')!r} is not this code's "
            f"({structure_fingerprint(settings)}): it was trained for other comparisons"
        )
    stored = parameters.get("comparisons")
    names = [c["output_column_name"] for c in settings["comparisons"]]
    if not isinstance(stored, dict) or sorted(stored) != sorted(names):
        raise StoredModelRejected(f"stored comparisons differ from the code's {names}")
    for comparison in settings["comparisons"]:
        _fill_levels(comparison, stored[comparison["output_column_name"]])
    prior = parameters.get("probability_two_random_records_match")
    settings["probability_two_random_records_match"] = _probability(prior, "prior", False)
    return settings


def match_threshold(parameters: dict[str, Any]) -> float:
    """The threshold the model was saved with (checked as a probability)."""
    value = parameters.get("match_threshold", DEFAULT_MATCH_THRESHOLD)
    return _probability(value, "match_threshold", False) or DEFAULT_MATCH_THRESHOLD


def _fill_levels(comparison: dict[str, Any], stored: Any) -> None:
    name, levels = comparison["output_column_name"], comparison["comparison_levels"]
    if not isinstance(stored, list) or len(stored) != len(levels):
        raise StoredModelRejected(f"comparison {name!r}: stored levels differ from the code's")
    for level, saved in zip(levels, stored, strict=True):
        if not isinstance(saved, dict) or saved.get("label") != level.get("label_for_charts", ""):
            raise StoredModelRejected(f"comparison {name!r}: level {saved!r} is not the code's")
        if level.get("is_null_level"):
            continue
        where = f"{name} / {level.get('label_for_charts')}"
        if not level.get("fix_m_probability"):
            level["m_probability"] = _probability(saved.get("m"), f"m of {where}")
        if not level.get("fix_u_probability"):
            level["u_probability"] = _probability(saved.get("u"), f"u of {where}")


_SETTINGS: dict[str, Any] = {}


def _code_settings() -> dict[str, Any]:
    """model_settings(), built once per process (it does not change at run time)."""
    if not _SETTINGS:
        _SETTINGS.update(model_settings())
    return _SETTINGS

"""Small helpers shared by the metric modules: bounded labels, timestamps, histograms.

Every label value comes from a short closed set (a CRM, a file type, an event name);
`bounded` folds anything past the first `limit` values into `other`, so a warehouse full
of odd values can never explode a time series database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from prometheus_client.core import HistogramMetricFamily

LABEL_LIMIT = 20
OTHER = "other"


def bounded(
    pairs: Iterable[tuple[str | None, float]], limit: int = LABEL_LIMIT
) -> dict[str, float]:
    """label value -> summed value, at most `limit` values plus `other` (largest kept)."""
    totals: dict[str, float] = {}
    for label, value in pairs:
        key = str(label) if label not in (None, "") else "unknown"
        totals[key] = totals.get(key, 0.0) + float(value or 0)
    if len(totals) <= limit:
        return totals
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    kept = dict(ranked[:limit])
    kept[OTHER] = kept.get(OTHER, 0.0) + sum(v for _, v in ranked[limit:])
    return kept


def epoch_seconds(moment: datetime | None) -> float | None:
    """A warehouse time (naive UTC) or an aware one, as Unix seconds."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def histogram(
    name: str, documentation: str, values: Sequence[float], buckets: Sequence[float]
) -> HistogramMetricFamily:
    """A histogram family of one series from raw observations (cumulative buckets)."""
    family = HistogramMetricFamily(name, documentation)
    ordered = sorted(values)
    cumulative, index = [], 0
    for bound in buckets:
        while index < len(ordered) and ordered[index] <= bound:
            index += 1
        cumulative.append((_le(bound), index))
    cumulative.append(("+Inf", len(ordered)))
    family.add_metric([], buckets=cumulative, sum_value=float(sum(ordered)))
    return family


def _le(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)

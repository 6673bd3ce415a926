"""A pipeline clock a test controls.

Scores decay with the clock (freshness), so two runs can only be compared exactly when
they read the same clock. The assets read `datetime.now` through their own module's
`datetime` name; `set_pipeline_clock` gives those modules a `datetime` whose `now()`
starts at a fixed instant and moves on one millisecond per reading: monotonic, as the
incremental runs need, and the same on every test run.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest

CLOCK_MODULES = (
    "bizdev_assets.golden.assets",
    "bizdev_assets.quality.assets",
    "bizdev_assets.dedup.assets",
    "bizdev_assets.dedup.review",
    "bizdev_assets.ingest.assets",
    "bizdev_assets.normalize.assets",
    "resources.warehouse.duckdb",
)


def set_pipeline_clock(monkeypatch: pytest.MonkeyPatch, start: datetime) -> None:
    readings = iter(range(1, 10**9))

    class PipelineClock(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206 - datetime.now's own signature
            moment = start + timedelta(milliseconds=next(readings))
            return moment if tz is None else moment.replace(tzinfo=UTC).astimezone(tz)

    for name in CLOCK_MODULES:
        monkeypatch.setattr(importlib.import_module(name), "datetime", PipelineClock)

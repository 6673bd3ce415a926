"""The waterfall's memory (`waterfall.Ledger`), kept in the warehouse and the landing zone.

* `enrichment_cache` (ADR-013): one row per provider, kind and lookup. `source` is
  `<provider>:<kind>`, `query_hash` the sha256 of kind and key, `result` the JSON
  `{status, fields, fetched_at, key, note}`, `expires_at` the provider's TTL from now
  (the spec's default unless the resource's `cache_days` says otherwise; misses and
  mismatches expire sooner than hits). Errors are never remembered.
* Budgets: a provider's daily credits, less what `enrichment_costs` says the day's
  earlier runs spent, less this run's credits. Days are UTC days.
* `enrichment_costs`: one row per provider and day; this run's tallies added to the
  day's earlier ones, rewritten whole at each checkpoint (so a re-written row never
  counts twice).
* The archive: each checkpoint writes the raw exchanges since the last one as one NDJSON
  file per provider under `enrichment/<provider>/<day>/` in the landing zone and lists
  it in `enrichment_archive_files`, which the raw layer (dlt) loads from.

A checkpoint writes the cache first, because an answer lost is an answer paid for again;
then costs; then the archive. An archive that cannot be written (the landing zone is
down) is logged and counted, not fatal: the answers are safe in the cache. Checkpoints
run at most every `flush_seconds` while calls go on, and always at the end.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import polars as pl

from bizdev_assets.enrichment.columns import (
    ARCHIVE_COLUMNS,
    ARCHIVE_TABLE,
    CACHE_TABLE,
    COSTS_COLUMNS,
    COSTS_TABLE,
)
from bizdev_assets.enrichment.waterfall import Cached, Spec, Tally
from resources.enrichment import Exchange
from resources.landing import LandingZone
from resources.warehouse import Warehouse

log = logging.getLogger(__name__)
ARCHIVE_PREFIX = "enrichment"
COUNTERS = ("calls", "hits", "misses", "mismatches", "errors", "cache_hits", "budget_exhausted")


def query_hash(kind: str, key: str) -> str:
    return hashlib.sha256(f"{kind}\n{key}".encode()).hexdigest()


class WarehouseLedger:
    """See the module docstring."""

    def __init__(
        self,
        warehouse: Warehouse,
        landing: LandingZone,
        spec: Spec,
        *,
        budgets: Mapping[str, float],
        hit_ttls: Mapping[str, timedelta] | None = None,
        run_id: str,
        now: datetime,
        flush_seconds: float = 2.0,
    ):
        self.warehouse, self.landing, self.spec = warehouse, landing, spec
        self.budgets = dict(budgets)
        self.hit_ttls = dict(hit_ttls or {})  # provider -> how long its hits are kept
        self.run_id = run_id
        self.now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
        self.day = self.now.date()
        self.flush_seconds = flush_seconds
        self.tallies: dict[str, Tally] = {}
        self.archived_exchanges = 0
        self.archive_errors: list[str] = []
        self._earlier = self._costs_so_far()
        self._cache: dict[str, dict[str, Cached]] = {}
        self._pending_cache: dict[tuple[str, str], dict] = {}
        self._pending_exchanges: dict[str, list[Exchange]] = {}
        self._archive_files = 0
        self._last_flush = time.monotonic()

    # -- what the waterfall asks

    def tally(self, provider: str) -> Tally:
        return self.tallies.setdefault(provider, Tally())

    def remaining(self, provider: str) -> float:
        spent = self._earlier.get(provider, {}).get("credits", 0.0) + self.tally(provider).credits
        return self.budgets.get(provider, 0.0) - spent

    def cached(self, provider: str, keys: Sequence[str]) -> dict[str, Cached]:
        if provider not in self._cache:
            self._cache[provider] = self._load_cache(provider)
        known = self._cache[provider]
        hashes = {key: query_hash(self.spec.kind, key) for key in keys}
        return {key: known[h] for key, h in hashes.items() if h in known}

    def remember(self, provider: str, key: str, answer: Cached, note: str | None) -> None:
        source = self._source(provider)
        digest = query_hash(self.spec.kind, key)
        hit_ttl = self.hit_ttls.get(provider, self.spec.hit_ttl)
        ttl = hit_ttl if answer.status == "hit" else min(self.spec.miss_ttl, hit_ttl)
        result = {**asdict(answer), "key": key, "note": note}
        self._pending_cache[(source, digest)] = {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bizdev-enrichment:{source}:{digest}")),
            "source": source,
            "query_hash": digest,
            "result": json.dumps(result, ensure_ascii=False, sort_keys=True),
            "expires_at": self.now + ttl,
        }

    def keep_exchanges(self, provider: str, exchanges: list[Exchange]) -> None:
        if exchanges:
            self._pending_exchanges.setdefault(provider, []).extend(exchanges)

    def checkpoint(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_flush < self.flush_seconds:
            return
        if self._pending_cache:
            frame = pl.DataFrame(list(self._pending_cache.values()))
            self.warehouse.upsert(CACHE_TABLE, frame, key=["source", "query_hash"])
            self._pending_cache = {}
        costs = self.costs()
        if costs.height:
            self.warehouse.upsert(COSTS_TABLE, costs, key=["provider", "day"])
        self._archive()
        self._last_flush = time.monotonic()

    # -- what the asset reports

    def costs(self) -> pl.DataFrame:
        """The day's `enrichment_costs` rows of the paid providers that did anything."""
        rows = []
        for provider, tally in sorted(self.tallies.items()):
            if provider not in self.budgets or tally.skipped:
                continue
            earlier = self._earlier.get(provider, {})
            row = {c: int(earlier.get(c) or 0) + int(getattr(tally, c)) for c in COUNTERS}
            row["credits"] = float(earlier.get("credits") or 0.0) + tally.credits
            rows.append(
                {
                    "provider": provider,
                    "day": self.day,
                    **row,
                    "daily_budget": self.budgets[provider],
                }
            )
        return pl.DataFrame(rows, schema=COSTS_COLUMNS)

    # -- helpers

    def _source(self, provider: str) -> str:
        return f"{provider}:{self.spec.kind}"

    def _costs_so_far(self) -> dict[str, dict]:
        if not self.warehouse.table_exists(COSTS_TABLE):
            return {}
        rows = self.warehouse.query(f"select * from {COSTS_TABLE} where day = ?", [self.day])
        return {row["provider"]: row for row in rows.iter_rows(named=True)}

    def _load_cache(self, provider: str) -> dict[str, Cached]:
        if not self.warehouse.table_exists(CACHE_TABLE):
            return {}
        rows = self.warehouse.query(
            f"select query_hash, cast(result as varchar) as result from {CACHE_TABLE} "
            "where source = ? and expires_at > ?",
            [self._source(provider), self.now],
        )
        known = {}
        for digest, text in rows.iter_rows():
            result = json.loads(text)
            known[digest] = Cached(
                result["status"], result.get("fields") or {}, result["fetched_at"]
            )
        return known

    def _archive(self) -> None:
        for provider, exchanges in list(self._pending_exchanges.items()):
            self._archive_files += 1
            stamp = datetime.now(UTC).strftime("%H%M%S%f")
            key = (
                f"{ARCHIVE_PREFIX}/{provider}/{self.day.isoformat()}/"
                f"{stamp}-{self.run_id[:8]}-{self._archive_files:04d}.ndjson"
            )
            lines = [
                json.dumps({**asdict(e), "run_id": self.run_id}, ensure_ascii=False, default=str)
                for e in exchanges
            ]
            data = ("\n".join(lines) + "\n").encode()
            try:
                self.landing.write_bytes(key, data)
                row = {
                    "archive_key": key,
                    "provider": provider,
                    "records": len(exchanges),
                    "bytes": len(data),
                    "run_id": self.run_id,
                    "written_at": datetime.now(UTC).replace(tzinfo=None),
                }
                self.warehouse.append_rows(
                    ARCHIVE_TABLE, pl.DataFrame([row], schema=ARCHIVE_COLUMNS)
                )
            except Exception as exc:  # the landing zone's own errors vary by implementation
                message = f"{provider}: {len(exchanges)} exchanges not archived to {key}: {exc}"
                log.error(message)
                self.archive_errors.append(message)
            else:
                self.archived_exchanges += len(exchanges)
            del self._pending_exchanges[provider]

"""The provider waterfall: providers in the configured order, each asked only about what
the ones before it left open, the first valid value of each field kept with the provider
that gave it and when.

For each key (a company's domain, a person's email) and each provider in turn:

* a key whose wanted fields (`Spec.wanted`) are all filled is not asked again;
* the offline provider fills from the contacts themselves (no cost, never cached);
* a paid provider answers from `enrichment_cache` when it can (no call, no credit);
  otherwise it is asked in batches of its size, never for more lookups than its daily
  budget has credits left (a lookup costs at most one). Every answer, hit, miss or
  mismatch, is remembered in the cache with the provider's TTL;
* when the budget is spent the keys left are `budget_exhausted`; when a call fails for
  good its keys are `provider_error`. Neither is cached, so the next run asks again.
  After an error that stops the provider (refused key, the vendor's own quota) or three
  failed calls in a row, its remaining keys get that outcome without calls.

The ledger (`ledger.py`) is the waterfall's memory: cache, budgets, costs, the archive of
raw exchanges. It is flushed as the calls go (`checkpoint`), and always before an error
leaves the waterfall, so an answer that was paid for is never paid for again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from bizdev_assets.enrichment.columns import COMPANY_FIELDS, PERSON_FIELDS
from bizdev_assets.enrichment.vendor_fields import fields_of
from resources.enrichment import (
    Exchange,
    Kind,
    Provider,
    ProviderError,
    ProviderOutOfCredits,
    Query,
)

FAILED_CALLS_IN_A_ROW = 3


@dataclass(frozen=True)
class Spec:
    kind: Kind
    fields: tuple[str, ...]
    wanted: tuple[str, ...]  # a key with all of these filled is not asked further
    hit_ttl: timedelta
    miss_ttl: timedelta  # misses and mismatches: asked again sooner


COMPANY = Spec(
    "company",
    COMPANY_FIELDS,
    ("name", "industry", "employee_band", "hq_country"),
    timedelta(days=90),
    timedelta(days=14),
)
PERSON = Spec("person", PERSON_FIELDS, PERSON_FIELDS, timedelta(days=30), timedelta(days=7))


@dataclass(frozen=True)
class Step:
    """One provider of the order: a paid client, the offline records, or skipped."""

    name: str
    client: Provider | None = None
    offline: Mapping[str, Mapping[str, Any]] | None = None  # key -> fields
    skipped: str | None = None  # why it is not asked this run


@dataclass(frozen=True)
class Found:
    value: Any
    provider: str
    fetched_at: str


@dataclass
class Tally:
    """What one provider did this run (the costs table adds the day's earlier runs)."""

    calls: int = 0
    credits: float = 0.0
    hits: int = 0
    misses: int = 0
    mismatches: int = 0
    errors: int = 0
    cache_hits: int = 0
    budget_exhausted: int = 0
    provider_errors: int = 0  # keys left unanswered by failed calls
    last_error: str | None = None
    skipped: str | None = None


@dataclass(frozen=True)
class Cached:
    status: str  # hit | miss | mismatch
    fields: dict[str, Any]
    fetched_at: str


class Ledger(Protocol):
    def tally(self, provider: str) -> Tally: ...
    def remaining(self, provider: str) -> float: ...
    def cached(self, provider: str, keys: Sequence[str]) -> dict[str, Cached]: ...
    def remember(self, provider: str, key: str, answer: Cached, note: str | None) -> None: ...
    def keep_exchanges(self, provider: str, exchanges: list[Exchange]) -> None: ...
    def checkpoint(self, *, force: bool = False) -> None: ...


@dataclass
class Result:
    found: dict[str, dict[str, Found]] = field(default_factory=dict)
    outcomes: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> provider -> outcome

    def status(self, key: str, spec: Spec) -> str:
        """complete | partial | no_match | budget_exhausted | provider_error"""
        found, outcomes = self.found[key], set(self.outcomes[key].values())
        missing = any(f not in found for f in spec.wanted)
        if missing and "budget_exhausted" in outcomes:
            return "budget_exhausted"
        if missing and "provider_error" in outcomes:
            return "provider_error"
        if not missing:
            return "complete"
        return "partial" if found else "no_match"


def run_waterfall(
    spec: Spec,
    queries: Sequence[Query],
    steps: Sequence[Step],
    ledger: Ledger,
    now: Callable[[], str],
) -> Result:
    """Ask `steps` in order about `queries` (module docstring); `now()` stamps answers."""
    unique = list({q.key: q for q in queries}.values())
    result = Result({q.key: {} for q in unique}, {q.key: {} for q in unique})
    try:
        for step in steps:
            open_queries = [q for q in unique if _open(result.found[q.key], spec)]
            if step.skipped is not None:
                ledger.tally(step.name).skipped = step.skipped
            elif step.offline is not None:
                stamp, tally = now(), ledger.tally(step.name)
                for query in open_queries:
                    fields = dict(step.offline.get(query.key) or {})
                    _take(result, query.key, step.name, fields, stamp, spec)
                    result.outcomes[query.key][step.name] = "hit" if fields else "miss"
                    tally.hits += bool(fields)
                    tally.misses += not fields
            elif open_queries and step.client is not None:
                _ask(spec, step.name, step.client, open_queries, ledger, result, now)
    finally:
        ledger.checkpoint(force=True)
    return result


def _open(found: dict[str, Found], spec: Spec) -> bool:
    return any(f not in found for f in spec.wanted)


def _take(result: Result, key: str, provider: str, fields: dict, stamp: str, spec: Spec) -> None:
    found = result.found[key]
    for name in spec.fields:
        if name not in found and fields.get(name) is not None:
            found[name] = Found(fields[name], provider, stamp)


def _ask(
    spec: Spec,
    name: str,
    client: Provider,
    queries: list[Query],
    ledger: Ledger,
    result: Result,
    now: Callable[[], str],
) -> None:
    tally = ledger.tally(name)
    cached = ledger.cached(name, [q.key for q in queries])
    waiting: deque[Query] = deque()
    for query in queries:
        entry = cached.get(query.key)
        if entry is None:
            waiting.append(query)
            continue
        tally.cache_hits += 1
        result.outcomes[query.key][name] = f"cache:{entry.status}"
        _take(result, query.key, name, entry.fields, entry.fetched_at, spec)
    stopped: str | None = None  # the outcome of every key left, once the provider stops
    failed_in_a_row = 0
    size = client.batch_size(spec.kind)
    while waiting:
        room = int(ledger.remaining(name))
        if stopped is None and room < 1:
            stopped = "budget_exhausted"
        if stopped is not None:
            for query in waiting:
                result.outcomes[query.key][name] = stopped
            if stopped == "budget_exhausted":
                tally.budget_exhausted += len(waiting)
            else:
                tally.provider_errors += len(waiting)
            return
        batch = [waiting.popleft() for _ in range(min(size, room, len(waiting)))]
        try:
            answered = client.lookup(spec.kind, batch)
        except ProviderError as exc:
            failed_in_a_row += 1
            tally.errors += 1
            tally.last_error = str(exc)
            outcome = (
                "budget_exhausted" if isinstance(exc, ProviderOutOfCredits) else "provider_error"
            )
            for query in batch:
                result.outcomes[query.key][name] = outcome
            if outcome == "budget_exhausted":
                tally.budget_exhausted += len(batch)
            else:
                tally.provider_errors += len(batch)
            if exc.stops_provider or failed_in_a_row >= FAILED_CALLS_IN_A_ROW:
                stopped = outcome
        else:
            failed_in_a_row = 0
            tally.credits += answered.credits
            stamp = now()
            for answer in answered.answers:
                fields = fields_of(name, spec.kind, answer.record) if answer.status == "hit" else {}
                tally.hits += answer.status == "hit"
                tally.misses += answer.status == "miss"
                tally.mismatches += answer.status == "mismatch"
                ledger.remember(name, answer.key, Cached(answer.status, fields, stamp), answer.note)
                result.outcomes[answer.key][name] = answer.status
                _take(result, answer.key, name, fields, stamp, spec)
        finally:
            tally.calls = client.stats.api_calls
            ledger.keep_exchanges(name, client.take_exchanges())
            ledger.checkpoint()

"""The one retry loop of every HTTP vendor client (HubSpot, Salesforce, the enrichment
providers to come).

A vendor adapter brings what is its own: a classifier that turns an exception of its
client library into a `Failure` (what happened, and whether sending again is safe), and
a `RetryPolicy` (how often, how long, which error to raise in the end). The loop brings
what must be the same everywhere:

* `RATE_LIMITED`: the vendor refused before doing anything, so any call is sent again,
  after an exponential, capped, jittered backoff, or the `Retry-After` the vendor asked
  for when that is longer. A `Retry-After` beyond `RetryPolicy.max_retry_after_seconds`
  (a day, say) is not slept through: the call fails at once with the wait named, and the
  next scheduled run tries again.
* `TRANSIENT` (5xx, timeout, dropped connection): the call may have happened. It is sent
  again only when idempotent; otherwise `NotRetried` is raised at once, so that the
  caller reports the outcome as unknown instead of risking a duplicate.
* `EXPIRED`: the session expired; `reauthenticate` is called once per call and the
  request is sent again at once (a refused session did nothing, and it is not a retry).
* `FAIL`: the classifier's own error is raised.

Every HTTP request, retries included, is counted in `CallStats`. The sleep is injected
(`RetryPolicy.sleep`) so tests can record the waits instead of sitting through them.
Nothing here reads the time: `Retry-After` is taken in seconds, the form the vendors send.

Why not tenacity: re-authentication that is not a retry, a retry budget that depends on
idempotency, and the stats counted per request would each need a callback that
re-classifies the exception; one explicit loop reads better.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def backoff_delay(retry: int, base_seconds: float, max_seconds: float) -> float:
    """Seconds to wait before retry number `retry` (1, 2, ...): exponential from
    `base_seconds`, capped at `max_seconds`, with "equal jitter" (half fixed, half random)
    so that clients hit by the same rate limit do not come back in step."""
    ceiling = min(max_seconds, base_seconds * 2 ** (retry - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


class Verdict(Enum):
    RATE_LIMITED = "rate_limited"
    TRANSIENT = "transient"
    EXPIRED = "expired"
    FAIL = "fail"


@dataclass(frozen=True)
class Failure:
    """A vendor's classification of one failed request."""

    verdict: Verdict
    message: str  # for the log and the final error: "HTTP 503: <the vendor's message>"
    # Raised instead of sending again: always for FAIL; for EXPIRED once a fresh session
    # was refused too; for RATE_LIMITED when waiting cannot help (a daily quota).
    error: Exception | None = None
    retry_after: float | None = None  # seconds the vendor asked us to wait


class NotRetried(Exception):
    """A call that is not idempotent met a 5xx or timeout: it may or may not have happened."""


@dataclass
class CallStats:
    """API usage of one client since it was built, reported per sync run."""

    api_calls: int = 0  # HTTP requests sent, retries included
    retries: int = 0
    rate_limited: int = 0  # 429 / REQUEST_LIMIT_EXCEEDED responses seen
    server_errors: int = 0  # 5xx and timeouts seen
    reauthentications: int = 0
    limit_info: str | None = None  # last Sforce-Limit-Info / X-HubSpot-RateLimit-* seen
    write_calls: int = 0  # calls that change data (batch create/update/upsert/archive)
    by_operation: dict[str, int] = field(default_factory=dict)

    def count(self, operation: str, *, write: bool = False) -> None:
        self.api_calls += 1
        self.write_calls += int(write)
        self.by_operation[operation] = self.by_operation.get(operation, 0) + 1


@dataclass(frozen=True)
class RetryPolicy:
    vendor: str  # for messages: "HubSpot"
    error: Callable[[str], Exception]  # raised when the retries are used up (e.g. CrmError)
    max_retries: int = 6
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 30.0
    max_retry_after_seconds: float = 120.0  # longer waits a vendor asks for fail the call
    sleep: Callable[[float], None] = time.sleep


def call_with_retries(
    send: Callable[[], T],
    *,
    operation: str,
    classify: Callable[[Exception], Failure | None],
    policy: RetryPolicy,
    stats: CallStats,
    write: bool = False,
    idempotent: bool = True,
    reauthenticate: Callable[[], None] | None = None,
) -> T:
    """`send()` until it answers, as the module docstring says. `classify` returns None
    for exceptions it does not know; those propagate unchanged."""
    retries = 0
    reauthenticated = False
    while True:
        stats.count(operation, write=write)
        try:
            return send()
        except Exception as exc:
            failure = classify(exc)
            if failure is None:
                raise
            if failure.verdict is Verdict.RATE_LIMITED:
                stats.rate_limited += 1
            elif failure.verdict is Verdict.TRANSIENT:
                stats.server_errors += 1
            can_reauthenticate = (
                failure.verdict is Verdict.EXPIRED
                and reauthenticate is not None
                and not reauthenticated
            )
            if failure.error is not None and not can_reauthenticate:
                raise failure.error from exc
            if failure.verdict is Verdict.TRANSIENT and not idempotent:
                raise NotRetried(
                    f"{failure.message}; not retried: {operation} is not idempotent"
                ) from exc
            if can_reauthenticate and reauthenticate:
                log.info("%s session expired during %s; logging in again", policy.vendor, operation)
                reauthenticate()
                stats.reauthentications += 1
                reauthenticated = True
                continue
            if retries >= policy.max_retries:
                raise policy.error(
                    f"{policy.vendor} {operation} failed after {retries + 1} attempts: "
                    f"{failure.message}"
                ) from exc
            if (failure.retry_after or 0) > policy.max_retry_after_seconds:
                raise policy.error(
                    f"{policy.vendor} {operation}: {failure.message}; the vendor asked to wait "
                    f"{failure.retry_after:.0f} s (Retry-After), more than the "
                    f"{policy.max_retry_after_seconds:.0f} s a run waits: the next run tries again"
                ) from exc
        retries += 1
        stats.retries += 1
        delay = backoff_delay(retries, policy.backoff_seconds, policy.max_backoff_seconds)
        if failure.retry_after is not None:
            delay = max(delay, failure.retry_after)
        log.warning(
            "%s %s: %s; retry %d/%d in %.2fs",
            policy.vendor,
            operation,
            failure.message,
            retries,
            policy.max_retries,
            delay,
        )
        policy.sleep(delay)

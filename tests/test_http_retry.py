"""The retry loop every HTTP vendor client shares (resources/http_retry.py), driven by a
scripted vendor: each call of `send` answers with the next outcome of a list."""

from __future__ import annotations

import pytest

from resources.http_retry import (
    CallStats,
    Failure,
    NotRetried,
    RetryPolicy,
    Verdict,
    backoff_delay,
    call_with_retries,
)


class VendorError(Exception):
    """What a vendor's client library raises; `failure` is how the vendor classifies it."""

    def __init__(self, failure: Failure):
        super().__init__(failure.message)
        self.failure = failure


class GaveUp(RuntimeError):
    pass


RATE_LIMITED = Failure(Verdict.RATE_LIMITED, "HTTP 429: slow down")
TRANSIENT = Failure(Verdict.TRANSIENT, "HTTP 503: unavailable")


def run(outcomes, *, idempotent=True, reauthenticate=None, stats=None, **policy):
    """Call through the loop until an outcome that is not a Failure; returns (result,
    stats, waits)."""
    script = iter(outcomes)
    waits: list[float] = []
    stats = CallStats() if stats is None else stats

    def send():
        outcome = next(script)
        if isinstance(outcome, Failure):
            raise VendorError(outcome)
        return outcome

    options = {"backoff_seconds": 1.0, "max_backoff_seconds": 8.0, "max_retries": 3, **policy}
    result = call_with_retries(
        send,
        operation="create",
        classify=lambda exc: exc.failure if isinstance(exc, VendorError) else None,
        policy=RetryPolicy("Vendor", GaveUp, sleep=waits.append, **options),
        stats=stats,
        write=True,
        idempotent=idempotent,
        reauthenticate=reauthenticate,
    )
    return result, stats, waits


def test_a_rate_limited_call_is_sent_again_even_when_it_is_not_idempotent():
    result, stats, waits = run([RATE_LIMITED, RATE_LIMITED, "done"], idempotent=False)

    assert result == "done"
    assert (stats.api_calls, stats.write_calls, stats.retries, stats.rate_limited) == (3, 3, 2, 2)
    assert stats.by_operation == {"create": 3} and len(waits) == 2


def test_a_transient_failure_is_retried_only_for_an_idempotent_call():
    assert run([TRANSIENT, "done"])[0] == "done"
    with pytest.raises(NotRetried, match="HTTP 503: unavailable; not retried: create is not"):
        run([TRANSIENT, "done"], idempotent=False)


def test_waits_double_up_to_the_cap_with_jitter_and_a_longer_retry_after_wins():
    asked = Failure(Verdict.RATE_LIMITED, "HTTP 429", retry_after=30.0)
    _, _, waits = run([TRANSIENT] * 5 + [asked, "done"], max_retries=6, max_backoff_seconds=4.0)

    for retry, wait in enumerate(waits[:5], start=1):
        ceiling = min(4.0, 2 ** (retry - 1))
        assert ceiling / 2 <= wait <= ceiling
    assert waits[5] == 30.0
    assert all(0.5 <= backoff_delay(1, 1.0, 30.0) <= 1.0 for _ in range(100))


def test_used_up_retries_raise_the_policys_error_naming_the_attempts():
    with pytest.raises(GaveUp, match="Vendor create failed after 4 attempts: HTTP 503"):
        run([TRANSIENT] * 10)


def test_a_failure_waiting_cannot_fix_is_raised_at_once_and_still_counted():
    refused = Failure(Verdict.FAIL, "HTTP 400", GaveUp("bad request"))
    quota = Failure(Verdict.RATE_LIMITED, "HTTP 429 daily", GaveUp("daily limit reached"))
    with pytest.raises(GaveUp, match="bad request"):
        run([refused, "done"])
    stats = CallStats()
    with pytest.raises(GaveUp, match="daily limit"):
        run([quota, "done"], stats=stats)
    assert (stats.rate_limited, stats.retries) == (1, 0)


def test_an_expired_session_is_renewed_once_and_resent_without_a_wait():
    logins: list[str] = []
    expired = Failure(Verdict.EXPIRED, "HTTP 401", GaveUp("a fresh session was refused too"))

    result, stats, waits = run([expired, "done"], reauthenticate=lambda: logins.append("x"))
    assert result == "done" and logins == ["x"] and waits == []
    assert (stats.reauthentications, stats.retries, stats.api_calls) == (1, 0, 2)

    with pytest.raises(GaveUp, match="fresh session was refused"):
        run([expired, expired, "done"], reauthenticate=lambda: None)
    with pytest.raises(GaveUp, match="fresh session was refused"):
        run([expired, "done"])  # nothing to log in with


def test_an_exception_the_vendor_does_not_classify_propagates_unchanged():
    with pytest.raises(KeyError):
        call_with_retries(
            lambda: {}["missing"],
            operation="search",
            classify=lambda exc: None,
            policy=RetryPolicy("Vendor", GaveUp),
            stats=CallStats(),
        )

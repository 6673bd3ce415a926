"""The HTTP side every enrichment source shares: one httpx client per vendor, every
request through the one retry loop (`resources/http_retry.py`), bodies checked for what
they claim to be, and every attempt kept as an `Exchange` for the audit archive.

The body is checked inside the attempt, so a 200 whose body is not JSON (a proxy's HTML
error page, a truncated answer) is a failed attempt like a 503: the vendor's classifier
(`classify` in `apollo.py`, `pdl.py`, `feeds.py`) reads it with `common_failure`, the
loop retries it as transient, and in the end it is a `ProviderError`, never an answer,
never cached. A lookup changes nothing at the vendor, so every call is idempotent.

API keys travel in headers and are never recorded in an `Exchange`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from resources.enrichment.base import Exchange, ProviderConfigError, ProviderOutOfCredits
from resources.http_retry import CallStats, Failure, RetryPolicy, Verdict, call_with_retries

# A vendor asking us to wait longer than this is a quota, not a burst: stop for this run.
LONGEST_WAIT_SECONDS = 120.0
EXCERPT_CHARS = 300


class HttpFailure(Exception):
    """An answer the API did not mean as a success: a status the caller does not accept,
    or a body that is not what it must be."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str], body: Any):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers
        self.body = body


class BodyNotJson(HttpFailure):
    """Status 2xx/4xx, but the body is not JSON (an HTML page, a cut-off document)."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """`Retry-After` in seconds (the form vendors send); None when absent or a date."""
    value = headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def common_failure(
    exc: Exception, vendor: str, base_setting: str = "its base URL"
) -> Failure | None:
    """What every vendor's classifier shares: a base URL that cannot work, network
    errors, bodies that are not JSON, 429 and 5xx. None for the rest, which the vendor's
    classifier decides."""
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        wrong = ProviderConfigError(f"{vendor}: {exc}; check {base_setting}")
        return Failure(Verdict.FAIL, str(exc), wrong)
    if isinstance(exc, httpx.TimeoutException):
        return Failure(Verdict.TRANSIENT, f"timed out ({type(exc).__name__})")
    if isinstance(exc, httpx.TransportError):
        return Failure(Verdict.TRANSIENT, f"{type(exc).__name__}: {exc}")
    if isinstance(exc, BodyNotJson):
        return Failure(Verdict.TRANSIENT, exc.message)
    if not isinstance(exc, HttpFailure):
        return None
    if exc.status == 429:
        wait = retry_after_seconds(exc.headers)
        if wait is not None and wait > LONGEST_WAIT_SECONDS:
            quota = ProviderOutOfCredits(
                f"{vendor} asked to wait {wait:.0f} s ({exc.message}); the rest waits for the next run"
            )
            return Failure(Verdict.RATE_LIMITED, exc.message, quota)
        return Failure(Verdict.RATE_LIMITED, exc.message, retry_after=wait)
    if exc.status >= 500:
        return Failure(Verdict.TRANSIENT, exc.message)
    return None


def json_body(response: httpx.Response) -> Any:
    """The parsed JSON body; `BodyNotJson` (with an excerpt) when it is not JSON."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        kind = response.headers.get("content-type", "no content type")
        raise BodyNotJson(
            response.status_code,
            f"HTTP {response.status_code} with a body that is not JSON ({kind}): "
            f"{excerpt(response.text)!r}",
            response.headers,
            excerpt(response.text),
        ) from None


class VendorHttp:
    """One vendor's HTTP client (see the module docstring)."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        headers: Mapping[str, str],
        *,
        classify: Callable[[Exception], Failure | None],
        policy: RetryPolicy,
        timeout_seconds: float,
        error_message: Callable[[int, Any], str],
    ):
        self.vendor = vendor
        self.stats = CallStats()
        self.exchanges: list[Exchange] = []
        self._classify = classify
        self._policy = policy
        self._error_message = error_message
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"accept": "application/json", **headers},
            timeout=timeout_seconds,
            trust_env=False,  # a proxy from the environment is not the vendor's address
        )

    def take_exchanges(self) -> list[Exchange]:
        taken, self.exchanges = self.exchanges, []
        return taken

    def request(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        params: Mapping[str, Any] | None = None,
        json_payload: Any = None,
        accept: Sequence[int] = (200,),
        parse: Callable[[httpx.Response], Any] = json_body,
    ) -> tuple[int, Any]:
        """(status, parsed body) of the first attempt answered with an accepted status."""
        request = {"method": method, "path": path, "params": dict(params or {})}
        if json_payload is not None:
            request["json"] = json_payload

        def send() -> tuple[int, Any]:
            try:
                response = self._client.request(method, path, params=params, json=json_payload)
            except (httpx.TransportError, httpx.InvalidURL) as exc:
                self._record(operation, request, None, None, f"{type(exc).__name__}: {exc}")
                raise
            try:
                body = parse(response)
            except HttpFailure as exc:
                self._record(operation, request, response.status_code, exc.body, exc.message)
                raise
            if response.status_code not in accept:
                message = self._error_message(response.status_code, body)
                self._record(operation, request, response.status_code, body, message)
                raise HttpFailure(response.status_code, message, response.headers, body)
            self._record(operation, request, response.status_code, body, None)
            return response.status_code, body

        return call_with_retries(
            send,
            operation=operation,
            classify=self._classify,
            policy=self._policy,
            stats=self.stats,
        )

    def _record(
        self, operation: str, request: dict, status: int | None, body: Any, error: str | None
    ) -> None:
        self.exchanges.append(
            Exchange(self.vendor.lower(), operation, request, status, body, now_iso(), error)
        )

    def close(self) -> None:
        self._client.close()

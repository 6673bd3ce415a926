"""People Data Labs as an enrichment provider, over httpx with the `X-Api-Key` header.

    GET /v5/company/enrich?website=D                     one company
    GET /v5/person/enrich?email=E&min_likelihood=N       one person

PDL bills a match (200) and not a miss: 404 `{"status": 404, "error": {"type":
"not_found", ...}}` is an answer ("no such record"), not an error. A company record
comes at the top level of the body, a person under `data`. A company whose `website`
is not the domain asked is another company's: billed, never used (`mismatch`).

Errors: 401/403 refuse the key (`ProviderAuthError` naming PDL_API_KEY); 402 means the
account's matches are used up (`ProviderOutOfCredits`: the rest waits, like rows over our
own budget); another 4xx fails that call only; 429, 5xx, timeouts and bodies that are not
JSON as `transport.common_failure` says.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from resources.enrichment.base import (
    Answer,
    Batch,
    Exchange,
    Kind,
    ProviderAuthError,
    ProviderError,
    ProviderOutOfCredits,
    Query,
    domain_key,
)
from resources.enrichment.transport import HttpFailure, VendorHttp, common_failure
from resources.http_retry import Failure, RetryPolicy, Verdict

PDL_PUBLIC_API = "https://api.peopledatalabs.com"
KEY_SETTING = "PDL_API_KEY"
DEFAULT_MIN_LIKELIHOOD = 6


def pdl_message(status: int, body: Any) -> str:
    """`HTTP 402: <PDL's error.message>`."""
    text = ""
    if isinstance(body, dict):
        error = body.get("error")
        text = (
            str(error.get("message") or error.get("type") or "") if isinstance(error, dict) else ""
        )
    return f"HTTP {status}: {text or body}"


def classify(exc: Exception) -> Failure | None:
    """The retry loop's reading of one failed PDL request (module docstring)."""
    common = common_failure(exc, "PDL", "PDL_API_BASE")
    if common is not None or not isinstance(exc, HttpFailure):
        return common
    if exc.status in (401, 403):
        auth = ProviderAuthError(f"PDL refused the API key ({exc.message}); check {KEY_SETTING}")
        return Failure(Verdict.FAIL, exc.message, auth)
    if exc.status == 402:
        spent = ProviderOutOfCredits(f"PDL: the account's matches are used up ({exc.message})")
        return Failure(Verdict.FAIL, exc.message, spent)
    return Failure(Verdict.FAIL, exc.message, ProviderError(f"PDL refused the call: {exc.message}"))


class PdlClient:
    """PDL company and person lookups, one per call (see the module docstring)."""

    name = "pdl"

    def __init__(
        self,
        api_key: str,
        api_base: str = PDL_PUBLIC_API,
        *,
        min_likelihood: int = DEFAULT_MIN_LIKELIHOOD,
        max_retries: int = 6,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 30.0,
        timeout_seconds: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not api_key:
            raise ProviderAuthError(f"PDL has no API key: set {KEY_SETTING}")
        self.min_likelihood = min_likelihood
        policy = RetryPolicy(
            "PDL",
            ProviderError,
            max_retries=max_retries,
            backoff_seconds=backoff_seconds,
            max_backoff_seconds=max_backoff_seconds,
            sleep=sleep,
        )
        self._http = VendorHttp(
            "PDL",
            api_base,
            {"x-api-key": api_key},
            classify=classify,
            policy=policy,
            timeout_seconds=timeout_seconds,
            error_message=pdl_message,
        )
        self.stats = self._http.stats

    @property
    def exchanges(self) -> list[Exchange]:
        return self._http.exchanges

    def take_exchanges(self) -> list[Exchange]:
        return self._http.take_exchanges()

    def batch_size(self, kind: Kind) -> int:
        return 1

    def lookup(self, kind: Kind, queries: Sequence[Query]) -> Batch:
        if len(queries) > 1:
            raise ValueError(f"PDL takes one lookup a call, not {len(queries)}")
        if not queries:
            return Batch([], 0.0)
        query = queries[0]
        if kind == "company":
            path, operation = "/v5/company/enrich", "company/enrich"
            params: dict[str, Any] = {"website": query.key}
        else:
            path, operation = "/v5/person/enrich", "person/enrich"
            params = {"email": query.key, "min_likelihood": self.min_likelihood}
        status, body = self._http.request(
            "GET", path, operation=operation, params=params, accept=(200, 404)
        )
        if status == 404:
            return Batch([Answer(query.key, "miss")], 0.0)
        if not isinstance(body, dict):
            raise ProviderError(f"PDL {operation} answered {type(body).__name__}, not an object")
        if kind == "person":
            record = body.get("data")
            if not isinstance(record, dict):
                raise ProviderError("PDL person/enrich answered 200 without `data`; not used")
            return Batch(
                [Answer(query.key, "hit", {**record, "likelihood": body.get("likelihood")})], 1.0
            )
        named = domain_key(body.get("website"))
        if named is not None and named != query.key:
            return Batch([Answer(query.key, "mismatch", body, f"PDL answered for {named}")], 1.0)
        return Batch([Answer(query.key, "hit", body)], 1.0)

    def close(self) -> None:
        self._http.close()

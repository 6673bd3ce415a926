"""Apollo.io as an enrichment provider, over httpx with the `x-api-key` header.

    GET  /api/v1/organizations/enrich?domain=D             one company
    POST /api/v1/organizations/bulk_enrich?domains[]=D...   up to 10 companies
    POST /api/v1/people/match                               one person (JSON body)
    POST /api/v1/people/bulk_match                          up to 10 people ({"details": [...]})

Apollo bills a credit for each record it finds and none for a miss. The bulk company
answer lists the organizations found, not one entry per domain asked, so each goes back
to the domain it names (`primary_domain`, else the host of `website_url`). An
organization naming none of the domains asked is another company's: billed, never used,
noted on the answers. The people answer lists `matches` in the order of `details`, null
for a miss, and says what it billed in `credits_consumed`.

Errors: 401/403 refuse the key (`ProviderAuthError` naming APOLLO_API_KEY); another 4xx
(422: a parameter Apollo refuses) fails that call only; 429, 5xx, timeouts and bodies that
are not JSON as `transport.common_failure` says.
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
    Query,
    domain_key,
)
from resources.enrichment.transport import HttpFailure, VendorHttp, common_failure
from resources.http_retry import Failure, RetryPolicy, Verdict

APOLLO_PUBLIC_API = "https://api.apollo.io"
KEY_SETTING = "APOLLO_API_KEY"
BULK_LIMIT = 10


def apollo_message(status: int, body: Any) -> str:
    """`HTTP 422: <Apollo's own message>` (Apollo puts it in `error` or `message`)."""
    text = ""
    if isinstance(body, dict):
        text = str(body.get("error") or body.get("message") or body.get("error_message") or "")
    return f"HTTP {status}: {text or body}"


def classify(exc: Exception) -> Failure | None:
    """The retry loop's reading of one failed Apollo request (module docstring)."""
    common = common_failure(exc, "Apollo", "APOLLO_API_BASE")
    if common is not None or not isinstance(exc, HttpFailure):
        return common
    if exc.status in (401, 403):
        auth = ProviderAuthError(f"Apollo refused the API key ({exc.message}); check {KEY_SETTING}")
        return Failure(Verdict.FAIL, exc.message, auth)
    return Failure(
        Verdict.FAIL, exc.message, ProviderError(f"Apollo refused the call: {exc.message}")
    )


class ApolloClient:
    """Apollo company and person lookups (see the module docstring)."""

    name = "apollo"

    def __init__(
        self,
        api_key: str,
        api_base: str = APOLLO_PUBLIC_API,
        *,
        max_retries: int = 6,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 30.0,
        timeout_seconds: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not api_key:
            raise ProviderAuthError(f"Apollo has no API key: set {KEY_SETTING}")
        policy = RetryPolicy(
            "Apollo",
            ProviderError,
            max_retries=max_retries,
            backoff_seconds=backoff_seconds,
            max_backoff_seconds=max_backoff_seconds,
            sleep=sleep,
        )
        self._http = VendorHttp(
            "Apollo",
            api_base,
            {"x-api-key": api_key, "cache-control": "no-cache"},
            classify=classify,
            policy=policy,
            timeout_seconds=timeout_seconds,
            error_message=apollo_message,
        )
        self.stats = self._http.stats

    @property
    def exchanges(self) -> list[Exchange]:
        return self._http.exchanges

    def take_exchanges(self) -> list[Exchange]:
        return self._http.take_exchanges()

    def batch_size(self, kind: Kind) -> int:
        return BULK_LIMIT

    def lookup(self, kind: Kind, queries: Sequence[Query]) -> Batch:
        if len(queries) > BULK_LIMIT:
            raise ValueError(
                f"Apollo takes at most {BULK_LIMIT} lookups a call, not {len(queries)}"
            )
        if not queries:
            return Batch([], 0.0)
        return self._companies(queries) if kind == "company" else self._people(queries)

    def close(self) -> None:
        self._http.close()

    def _companies(self, queries: Sequence[Query]) -> Batch:
        if len(queries) == 1:
            _, body = self._http.request(
                "GET",
                "/api/v1/organizations/enrich",
                operation="organizations/enrich",
                params={"domain": queries[0].key},
            )
            found = _field(body, "organization", (dict, type(None)))
            organizations = [found] if found else []
        else:
            _, body = self._http.request(
                "POST",
                "/api/v1/organizations/bulk_enrich",
                operation="organizations/bulk_enrich",
                params={"domains[]": [q.key for q in queries]},
            )
            organizations = [o for o in _field(body, "organizations", (list, type(None))) or []]
        asked = {q.key for q in queries}
        by_domain: dict[str, dict[str, Any]] = {}
        strays: list[tuple[str, dict[str, Any]]] = []
        for org in organizations:
            if not isinstance(org, dict):
                continue
            named = domain_key(org.get("primary_domain")) or domain_key(org.get("website_url"))
            if named in asked and named not in by_domain:
                by_domain[named] = org
            else:
                strays.append((named or str(org.get("name") or "an unnamed organization"), org))
        note = f"Apollo answered for {', '.join(s for s, _ in strays)}" if strays else None
        answers = []
        for query in queries:
            if query.key in by_domain:
                answers.append(Answer(query.key, "hit", by_domain[query.key]))
            elif len(queries) == 1 and strays:
                answers.append(Answer(query.key, "mismatch", strays[0][1], note))
            else:
                answers.append(Answer(query.key, "miss", None, note))
        return Batch(answers, float(len(by_domain) + len(strays)))

    def _people(self, queries: Sequence[Query]) -> Batch:
        details = [{"email": q.key, **q.params} for q in queries]
        if len(queries) == 1:
            _, body = self._http.request(
                "POST", "/api/v1/people/match", operation="people/match", json_payload=details[0]
            )
            matches = [_field(body, "person", (dict, type(None)))]
        else:
            _, body = self._http.request(
                "POST",
                "/api/v1/people/bulk_match",
                operation="people/bulk_match",
                json_payload={"details": details},
            )
            matches = _field(body, "matches", (list,))
            if len(matches) != len(queries):
                raise ProviderError(
                    f"Apollo people/bulk_match answered {len(matches)} matches for "
                    f"{len(queries)} people; nothing of this call is used"
                )
        answers = [
            Answer(q.key, "hit", m) if isinstance(m, dict) and m else Answer(q.key, "miss")
            for q, m in zip(queries, matches, strict=True)
        ]
        billed = body.get("credits_consumed") if isinstance(body, dict) else None
        hits = sum(a.status == "hit" for a in answers)
        credits = float(billed) if isinstance(billed, int | float) else float(hits)
        return Batch(answers, credits)


def _field(body: Any, name: str, types: tuple[type, ...]) -> Any:
    """`body[name]` when the body is an object and the value has one of `types`; else a
    `ProviderError` saying what came instead (a change in Apollo's format is not a miss)."""
    if not isinstance(body, dict) or not isinstance(body.get(name), types):
        shown = type(body.get(name)).__name__ if isinstance(body, dict) else type(body).__name__
        raise ProviderError(f"Apollo's answer has no usable {name!r} ({shown}); not used")
    return body.get(name)

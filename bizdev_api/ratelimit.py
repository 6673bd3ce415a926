"""Rate limits per client and route: token buckets, refused with 429 and `Retry-After`.

Every route belongs to a group with its own rate (requests per second) and burst
(`BIZDEV_API_RATE_LIMITS="intake=100/200,reads=20/40"`; unset groups keep
`DEFAULT_LIMITS`). A bucket is kept per (client, route): a client flooding one route
neither slows its other routes nor other clients. The client is the token's subject or
the API key's id; requests without credentials (webhooks, health, a failed login) are
counted per remote address. Buckets live in this process (one API process per landing
zone, docs/api.md); the least recently used are dropped past `MAX_BUCKETS`.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass

from bizdev_api.errors import ApiError

# group -> (requests per second, burst)
DEFAULT_LIMITS: dict[str, tuple[float, float]] = {
    "intake": (100.0, 200.0),  # POST /v1/contacts, /v1/uploads
    "status": (50.0, 100.0),  # GET /v1/uploads/{id}
    "reads": (20.0, 40.0),  # GET /v1/contacts*, /graphql
    "webhooks": (200.0, 400.0),  # per sending address
    "triggers": (20.0, 40.0),  # /v1/outreach/*
    "admin": (5.0, 10.0),
    "health": (20.0, 40.0),  # /healthz, /readyz, /metrics per address
    "auth_failures": (5.0, 20.0),  # refused credentials, per address
}
MAX_BUCKETS = 100_000


def parse_limits(text: str | None) -> dict[str, tuple[float, float]]:
    """`intake=100/200,reads=20` -> DEFAULT_LIMITS with those groups replaced (burst
    defaults to twice the rate)."""
    limits = dict(DEFAULT_LIMITS)
    for item in (text or "").split(","):
        if not item.strip():
            continue
        group, _, value = item.partition("=")
        group = group.strip()
        rate, _, burst = value.partition("/")
        try:
            pair = (float(rate), float(burst) if burst else 2 * float(rate))
        except ValueError:
            pair = (0.0, 0.0)
        if group not in DEFAULT_LIMITS or pair[0] <= 0 or pair[1] < 1:
            raise ValueError(
                f"BIZDEV_API_RATE_LIMITS: {item.strip()!r}; write group=rate[/burst] with "
                f"rate > 0 per second, groups: {', '.join(DEFAULT_LIMITS)}"
            )
        limits[group] = pair
    return limits


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, limits: dict[str, tuple[float, float]]) -> None:
        self.limits = limits
        self._buckets: OrderedDict[tuple[str, str], _Bucket] = OrderedDict()

    def check(self, client: str, route: str, group: str) -> None:
        """Take one token, or raise 429 saying when the next one is due."""
        rate, burst = self.limits[group]
        now = time.monotonic()
        key = (client, route)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(burst, now)
            if len(self._buckets) > MAX_BUCKETS:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return
        wait = math.ceil((1 - bucket.tokens) / rate)
        raise ApiError(
            429,
            f"rate limit of {rate:g} requests/s (bursts of {burst:g}) on {route} for this "
            f"client reached; retry after {wait} s",
            headers={"Retry-After": str(wait)},
            limit=rate,
            burst=burst,
        )

"""What every paid enrichment provider is: the queries it answers, the answers it gives,
the errors it raises, and the raw exchanges it keeps for the audit archive.

A provider answers lookups of one `Kind`: a company by its domain, or a person by email.
Each query has a `key` (the domain, or the email), which is also what the cache and the
answers are keyed by. An answer is a `hit` (the vendor's own record for that key), a
`miss`, or a `mismatch` (the vendor answered with another company's domain: billed,
never used). What the vendor's record means field by field is business logic and lives
with the assets (`bizdev_assets/enrichment/vendor_fields.py`), not here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import idna

from resources.http_retry import CallStats

Kind = Literal["company", "person"]
AnswerStatus = Literal["hit", "miss", "mismatch"]


@dataclass(frozen=True)
class Query:
    key: str  # the domain (ASCII, IDNA-encoded) or the email, lower case
    params: Mapping[str, str] = field(default_factory=dict)  # names, the company's domain


@dataclass(frozen=True)
class Answer:
    key: str
    status: AnswerStatus
    record: dict[str, Any] | None = None  # the vendor's record (for a hit or a mismatch)
    note: str | None = None  # e.g. "answered for globex.com"


@dataclass(frozen=True)
class Batch:
    """One call's answers, one per query in order, and what the vendor billed for it."""

    answers: list[Answer]
    credits: float


@dataclass(frozen=True)
class Exchange:
    """One HTTP attempt and what came back, for the NDJSON archive and the raw layer."""

    provider: str
    operation: str
    request: dict[str, Any]
    status_code: int | None  # None: no answer (timeout, dropped connection)
    response: Any  # the parsed JSON, or the first characters of a body that is not JSON
    fetched_at: str  # ISO-8601 UTC
    error: str | None = None


class ProviderError(RuntimeError):
    """A call failed for good (after the retries the loop allowed); nothing of it is
    cached. `stops_provider`: no further call to this provider can succeed this run."""

    stops_provider = False


class ProviderAuthError(ProviderError):
    """The vendor refused the API key; the message names the setting to fix."""

    stops_provider = True


class ProviderConfigError(ProviderError):
    """The provider's settings cannot work (a base URL that is not one); the message
    names the setting to fix."""

    stops_provider = True


class ProviderOutOfCredits(ProviderError):
    """The vendor's own quota is spent (PDL 402, a daily rate limit): rows wait for
    tomorrow like rows over our own budget."""

    stops_provider = True


class Provider(Protocol):
    """A paid provider as the waterfall uses it (`apollo.py`, `pdl.py`)."""

    name: str
    stats: CallStats
    exchanges: list[Exchange]  # every attempt since the last `take_exchanges()`

    def batch_size(self, kind: Kind) -> int:
        """Most queries one call of this kind takes (Apollo bulk: 10; PDL: 1)."""
        ...

    def lookup(self, kind: Kind, queries: Sequence[Query]) -> Batch:
        """One call for at most `batch_size(kind)` queries; raises `ProviderError`."""
        ...

    def take_exchanges(self) -> list[Exchange]:
        """The exchanges recorded since the last call, handed over (and forgotten)."""
        ...


def domain_key(value: str | None) -> str | None:
    """A vendor's domain or website URL reduced to the form queries use, to tell which
    answer belongs to which query: host only, lower case, no `www.`, no trailing dot,
    IDNA (punycode) ASCII. None when nothing is left or it cannot be encoded."""
    if not value:
        return None
    host = value.strip().lower()
    host = host.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    host = host.removeprefix("www.")
    if not host:
        return None
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return None

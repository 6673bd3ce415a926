"""Enrichment providers and signal sources as Dagster resources (docs/enrichment.md).

`EnrichmentProviders` holds the provider order (BIZDEV_ENRICHMENT_PROVIDERS), each paid
provider's key and base URL, and the daily credit budgets, and builds one client per
provider and run. A provider in the order without its key is "not configured": the
waterfall skips it and says so, and everything else runs. `offline` needs nothing: it
is the asset group's own reading of the contacts, not an external system. `clearbit` is
a slot: Clearbit's API was folded into HubSpot (Breeze Intelligence) and issues no new
keys, so it reports why it is skipped. Keys arrive as `dg.EnvVar`s (the UI shows the
variable's name, never its value).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import dagster as dg

from resources.enrichment.apollo import APOLLO_PUBLIC_API, ApolloClient
from resources.enrichment.base import Provider
from resources.enrichment.feeds import FeedSource
from resources.enrichment.pdl import DEFAULT_MIN_LIKELIHOOD, PDL_PUBLIC_API, PdlClient

PAID_PROVIDERS = ("apollo", "pdl")
KNOWN_PROVIDERS = (*PAID_PROVIDERS, "offline", "clearbit")
DEFAULT_DAILY_CREDITS = 1_000.0
CLEARBIT_SLOT = (
    "Clearbit's API was folded into HubSpot (Breeze Intelligence) and issues no new keys"
)
MISSING_KEY = {"apollo": "set APOLLO_API_KEY", "pdl": "set PDL_API_KEY"}


def parse_provider_order(text: str | None) -> list[str]:
    """`apollo, pdl, offline` -> ["apollo", "pdl", "offline"]; empty -> ["offline"]."""
    names = [n for n in re.split(r"[\s,]+", (text or "").strip().lower()) if n]
    unknown = [n for n in names if n not in KNOWN_PROVIDERS]
    if unknown:
        raise ValueError(
            f"BIZDEV_ENRICHMENT_PROVIDERS={text!r}: unknown provider(s) {', '.join(unknown)}; "
            f"known: {', '.join(KNOWN_PROVIDERS)}"
        )
    return list(dict.fromkeys(names)) or ["offline"]


def parse_daily_credits(text: str | None) -> tuple[float, dict[str, float]]:
    """`500` (each paid provider) or `apollo=500, pdl=200` (others keep the default) ->
    (default, per provider)."""
    default, per_provider = DEFAULT_DAILY_CREDITS, {}
    for part in [p for p in re.split(r"[\s,]+", (text or "").strip()) if p]:
        name, sep, value = part.rpartition("=")
        try:
            credits = float(value)
        except ValueError:
            credits = -1.0
        if credits < 0 or (sep and name.lower() not in PAID_PROVIDERS):
            raise ValueError(
                f"BIZDEV_ENRICHMENT_DAILY_CREDITS={text!r}: {part!r} is not a number of credits "
                f"or provider=number with a provider among {', '.join(PAID_PROVIDERS)}"
            )
        if sep:
            per_provider[name.lower()] = credits
        else:
            default = credits
    return default, per_provider


class EnrichmentProviders(dg.ConfigurableResource):
    """The provider waterfall's order, the paid providers' access and budgets."""

    order: list[str] = ["offline"]
    apollo_api_key: str | None = None
    apollo_api_base: str = APOLLO_PUBLIC_API
    pdl_api_key: str | None = None
    pdl_api_base: str = PDL_PUBLIC_API
    pdl_min_likelihood: int = DEFAULT_MIN_LIKELIHOOD
    default_daily_credits: float = DEFAULT_DAILY_CREDITS
    daily_credits: dict[str, float] = {}
    people: bool = False  # BIZDEV_ENRICHMENT_PEOPLE: person lookups (consent permitting)
    # "<provider>:<kind>" -> days a hit stays cached (default 90 companies, 30 people).
    cache_days: dict[str, float] = {}
    max_retries: int = 6
    backoff_seconds: float = 1.0
    timeout_seconds: float = 30.0
    allow_insecure_http: bool = False  # BIZDEV_ALLOW_INSECURE_HTTP=1: http:// for test servers
    # A wrong enrichment setting, kept here so that only the enrichment assets fail on it.
    setting_problem: str | None = None

    def unavailable(self, name: str) -> str | None:
        """Why `name` cannot be asked this run (None: it can)."""
        if name == "clearbit":
            return f"skipped: {CLEARBIT_SLOT}"
        if name in PAID_PROVIDERS and not self._key(name):
            return f"skipped: not configured: {MISSING_KEY[name]}"
        base = {"apollo": self.apollo_api_base, "pdl": self.pdl_api_base}.get(name, "https://")
        if base.startswith("http://") and not self.allow_insecure_http:
            return (
                f"skipped: {name.upper()}_API_BASE must be an https:// URL, not {base!r}: the "
                "API key would cross the network unencrypted. For a local test server only, "
                "set BIZDEV_ALLOW_INSECURE_HTTP=1"
            )
        return None

    def client(self, name: str) -> Provider:
        """A fresh client of a configured paid provider (its call counts start at 0)."""
        options = {
            "max_retries": self.max_retries,
            "backoff_seconds": self.backoff_seconds,
            "timeout_seconds": self.timeout_seconds,
        }
        if name == "apollo":
            return ApolloClient(self._key(name) or "", self.apollo_api_base, **options)
        if name == "pdl":
            return PdlClient(
                self._key(name) or "",
                self.pdl_api_base,
                min_likelihood=self.pdl_min_likelihood,
                **options,
            )
        raise ValueError(f"{name!r} is not a paid provider ({', '.join(PAID_PROVIDERS)})")

    def daily_budget(self, name: str) -> float:
        return self.daily_credits.get(name, self.default_daily_credits)

    def _key(self, name: str) -> str | None:
        return {"apollo": self.apollo_api_key, "pdl": self.pdl_api_key}.get(name)


class SignalSources(dg.ConfigurableResource):
    """News feeds (BIZDEV_NEWS_FEEDS) and the competitor list (BIZDEV_COMPETITORS)."""

    feeds: list[str] = []
    competitors: list[str] = []  # "Name", "Name=domain", "Name|Alias=domain"
    freshness_days: float = 7.0  # a feed whose newest entry is older is stale
    max_retries: int = 3
    backoff_seconds: float = 1.0
    timeout_seconds: float = 20.0

    def feed_source(self) -> FeedSource:
        return FeedSource(
            self.feeds,
            max_retries=self.max_retries,
            backoff_seconds=self.backoff_seconds,
            timeout_seconds=self.timeout_seconds,
        )


def split_list(text: str | None, separators: str = r"[\s,]+") -> list[str]:
    """A list setting: items separated by commas or whitespace (`separators`)."""
    return [item for item in re.split(separators, (text or "").strip()) if item]


def competitor_entries(text: str | None) -> list[str]:
    """BIZDEV_COMPETITORS: comma-separated entries (names may contain spaces)."""
    return split_list(text, r"\s*,\s*")


def daily_credit_settings(text: str | None) -> Mapping[str, object]:
    default, per_provider = parse_daily_credits(text)
    return {"default_daily_credits": default, "daily_credits": per_provider}

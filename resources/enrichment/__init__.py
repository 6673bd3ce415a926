"""Enrichment sources as resources: the paid providers (`apollo.py`, `pdl.py`) and news
feeds (`feeds.py`) over httpx, on one shared transport (`transport.py`: the retry loop of
`resources/http_retry.py`, body checks, the audit record of each exchange), the interface
they share (`base.py`), and the Dagster resources that hold their settings
(`resources.py`). No business rules: what a vendor's record means is the asset group's
(`bizdev_assets/enrichment/`)."""

from resources.enrichment.base import (
    Answer,
    Batch,
    Exchange,
    Kind,
    Provider,
    ProviderAuthError,
    ProviderConfigError,
    ProviderError,
    ProviderOutOfCredits,
    Query,
    domain_key,
)
from resources.enrichment.feeds import FeedSource, SignalItem, SignalSource, SourceReport
from resources.enrichment.resources import (
    KNOWN_PROVIDERS,
    PAID_PROVIDERS,
    EnrichmentProviders,
    SignalSources,
    competitor_entries,
    daily_credit_settings,
    parse_provider_order,
    split_list,
)

__all__ = [
    "KNOWN_PROVIDERS",
    "PAID_PROVIDERS",
    "Answer",
    "Batch",
    "EnrichmentProviders",
    "Exchange",
    "FeedSource",
    "Kind",
    "Provider",
    "ProviderAuthError",
    "ProviderConfigError",
    "ProviderError",
    "ProviderOutOfCredits",
    "Query",
    "SignalItem",
    "SignalSource",
    "SignalSources",
    "SourceReport",
    "competitor_entries",
    "daily_credit_settings",
    "domain_key",
    "parse_provider_order",
    "split_list",
]

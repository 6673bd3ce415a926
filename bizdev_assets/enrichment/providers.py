"""From the `enrichment` resource to the waterfall's steps, and from the tallies back to one
line per provider (the asset's metadata and `bizdev run`'s summary, like the CRM lines).

A paid provider that is not configured, or not in BIZDEV_ENRICHMENT_PROVIDERS, is a
skipped step with the reason; the offline provider is a step that reads the contacts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from bizdev_assets.enrichment.waterfall import Step, Tally
from resources.enrichment import PAID_PROVIDERS, EnrichmentProviders, Provider

NOT_IN_ORDER = "skipped: not in BIZDEV_ENRICHMENT_PROVIDERS"


def build_steps(
    enrichment: EnrichmentProviders, offline: Mapping[str, Mapping[str, Any]]
) -> tuple[list[Step], list[Provider]]:
    """The steps in the configured order, and the clients made for them (to close)."""
    steps, clients = [], []
    for name in enrichment.order:
        reason = enrichment.unavailable(name)
        if reason is not None:
            steps.append(Step(name, skipped=reason))
        elif name == "offline":
            steps.append(Step(name, offline=offline))
        else:
            client = enrichment.client(name)
            clients.append(client)
            steps.append(Step(name, client=client))
    return steps, clients


def ledger_options(enrichment: EnrichmentProviders, kind: str) -> dict[str, Any]:
    """The daily budgets of the paid providers and any TTL the resource sets for `kind`."""
    ttls = {
        name: timedelta(days=enrichment.cache_days[f"{name}:{kind}"])
        for name in PAID_PROVIDERS
        if f"{name}:{kind}" in enrichment.cache_days
    }
    budgets = {name: enrichment.daily_budget(name) for name in PAID_PROVIDERS}
    return {"budgets": budgets, "hit_ttls": ttls}


def provider_line(name: str, tally: Tally | None, budget: float | None, what: str) -> str:
    """One provider's run in words, e.g. `9 calls: 70 hits, 20 misses, 70 credits; ...`."""
    if tally is None:
        return "not asked: nothing was left open"
    if tally.skipped:
        return tally.skipped
    if budget is None:  # offline
        return f"{tally.hits:,} {what} filled from the contacts"
    parts = [
        f"{tally.calls:,} calls: {tally.hits:,} hits, {tally.misses:,} misses, "
        f"{tally.credits:,.0f} credits, {tally.cache_hits:,} from cache"
    ]
    if tally.mismatches:
        parts.append(f"{tally.mismatches:,} answers for another domain ignored")
    if tally.budget_exhausted:
        parts.append(
            f"{tally.budget_exhausted:,} left for tomorrow (daily budget {budget:,.0f} spent)"
        )
    if tally.errors:
        parts.append(
            f"{tally.errors:,} failed calls ({tally.provider_errors:,} lookups): {tally.last_error}"
        )
    return "; ".join(parts)


def provider_lines(
    enrichment: EnrichmentProviders, tallies: Mapping[str, Tally], what: str
) -> dict[str, str]:
    """provider -> line, for every paid provider and the offline one."""
    lines = {}
    for name in (*PAID_PROVIDERS, "offline"):
        if name not in enrichment.order:
            missing = enrichment.unavailable(name)
            lines[name] = (
                f"{missing} and add {name} to BIZDEV_ENRICHMENT_PROVIDERS"
                if missing
                else NOT_IN_ORDER
            )
            continue
        budget = enrichment.daily_budget(name) if name in PAID_PROVIDERS else None
        lines[name] = provider_line(name, tallies.get(name), budget, what)
    return lines

"""Benchmark: pushing golden contacts to HubSpot and Salesforce, and re-syncing.

    .venv/bin/python bench/crm_sync.py [--contacts 100000] [--changed 0.01]

For each CRM, against the local wire-format servers of the test suite (run in this
process, so their request handling shares the 2 cores with the client):
  1. push N new contacts (all changed),
  2. re-sync with nothing changed (must make zero write calls),
  3. re-sync after changing the title of --changed of the contacts,
  4. re-sync after changing the city of all of them (N changed contacts, updated by id),
  5. a full pull of the N records back (cursor at the start).
It prints time, API calls (write calls) and peak RSS per step as it goes, then all steps
as a markdown table and one JSON line per step. The golden contacts are synthetic rows
written straight into a DuckDB warehouse: the benchmark measures the sync, not the
contact pipeline.
"""

from __future__ import annotations

import argparse
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.harness import Stopwatch, peak_rss_mb, print_table
from bizdev_assets.crm.mapping import CrmMapping
from bizdev_assets.crm.pull import pull_object, pull_table
from bizdev_assets.crm.push import PushOptions, push_contacts
from bizdev_assets.crm.setup import run_setup
from bizdev_assets.crm.state import RunRecord
from resources.crm.hubspot import HubSpotCrm
from resources.crm.salesforce import SalesforceCrm
from resources.warehouse import DuckDBWarehouse
from tests.crm_support import golden_frames
from tests.servers.hubspot import HubSpotServer
from tests.servers.salesforce import SalesforceServer

# The README's table; a push fills "sent", a pull fills "read".
COLUMNS = {
    "CRM": "{crm}",
    "step": "{step}",
    "time": "{time_s:.1f} s",
    "API calls (writes)": "{api_calls:,} ({write_calls:,})",
    "sent (succeeded, rejected)": "{sent:,} ({succeeded:,}, {rejected:,})",
    "read (stored)": "{read:,} ({stored:,})",
    "peak RSS": "{peak_rss_mb:,} MB",
}


def step(crm_type: str, label: str, client, action: Callable[[], dict[str, int]]) -> dict[str, Any]:
    """Run one step, print its line at once (a 100k run takes minutes), return its figures."""
    calls, writes = client.stats.api_calls, client.stats.write_calls
    watch = Stopwatch()
    counts = action()
    row = {
        "crm": crm_type,
        "step": label,
        "time_s": round(watch.seconds, 1),
        "api_calls": client.stats.api_calls - calls,
        "write_calls": client.stats.write_calls - writes,
        **counts,
        "peak_rss_mb": peak_rss_mb(),
    }
    detail = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    print(
        f"  {label:<38} {row['time_s']:7.1f} s  {row['api_calls']:6,} calls "
        f"({row['write_calls']:,} writes)  {detail}  peak RSS {row['peak_rss_mb']:,} MB",
        flush=True,
    )
    return row


def bench_crm(
    crm_type: str, client, warehouse: DuckDBWarehouse, n: int, changed: float
) -> list[dict[str, Any]]:
    mapping = CrmMapping.shipped(crm_type).check_against(client.describe("contacts"))
    table = pull_table(crm_type, "contacts")
    print(f"{crm_type} ({n:,} contacts, batches of {client.batch_size})")

    def push() -> dict[str, int]:
        run = RunRecord(str(uuid.uuid4()), crm_type, "contacts", "push")
        counts = push_contacts(client, warehouse, mapping, run, PushOptions(), pull_table=table)
        return {"sent": counts.sent, "succeeded": counts.succeeded, "rejected": counts.rejected}

    rows = [
        step(crm_type, "push all (new)", client, push),
        step(crm_type, "re-sync, nothing changed", client, push),
    ]
    for share, label in ((changed, "title"), (1.0, "city")):
        k = int(n * share)
        warehouse.query(
            f"update golden_contacts set {label} = {label} || ' (new)' where contact_id in "
            f"(select contact_id from golden_contacts order by contact_id limit {k}) "
            "returning contact_id"
        )
        rows.append(step(crm_type, f"re-sync, {share:.0%} changed ({k:,}, by id)", client, push))

    def pull() -> dict[str, int]:
        result = pull_object(
            client, warehouse, "contacts", mapping.properties, str(uuid.uuid4()), table=table
        )
        return {"read": result.records_read, "stored": result.records_stored}

    rows.append(step(crm_type, "full pull", client, pull))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--crm", choices=["hubspot", "salesforce", "both"], default="both")
    args = parser.parse_args()
    rows = []
    frames = golden_frames(args.contacts)
    with tempfile.TemporaryDirectory() as folder:
        for crm_type in ("hubspot", "salesforce"):
            if args.crm not in (crm_type, "both"):
                continue
            warehouse = DuckDBWarehouse(path=str(Path(folder) / f"{crm_type}.duckdb"))
            for name, frame in frames.items():
                warehouse.replace_table(name, frame)
            if crm_type == "hubspot":
                server = HubSpotServer()  # plain HTTP on 127.0.0.1
                client = HubSpotCrm(server.token, server.url, allow_insecure_http=True)
            else:
                server = SalesforceServer()
                client = SalesforceCrm(**server.credentials(), ca_bundle=str(server.ca_path))
            try:
                # The servers start as fresh accounts: create the mapping's custom fields.
                run_setup(client, CrmMapping.shipped(crm_type), dry_run=False)
                rows += bench_crm(crm_type, client, warehouse, args.contacts, args.changed)
            finally:
                server.close()
    print()
    print_table(rows, COLUMNS)


if __name__ == "__main__":
    main()

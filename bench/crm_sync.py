"""Benchmark: pushing golden contacts to HubSpot and Salesforce, and re-syncing.

    .venv/bin/python bench/crm_sync.py [--contacts 100000] [--changed 0.01]

For each CRM, against the local wire-format servers of the test suite (run in this
process, so their request handling shares the 2 cores with the client):
  1. push N new contacts (all changed),
  2. re-sync with nothing changed (must make zero write calls),
  3. re-sync after changing the title of --changed of the contacts,
  4. re-sync after changing the city of all of them (N changed contacts, updated by id),
  5. a full pull of the N records back (cursor at the start).
It prints time, API calls (write calls) and peak RSS per step. The golden contacts are
synthetic rows written straight into a DuckDB warehouse: the benchmark measures the
sync, not the contact pipeline.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bizdev_assets.crm.mapping import CrmMapping  # noqa: E402
from bizdev_assets.crm.pull import pull_object, pull_table  # noqa: E402
from bizdev_assets.crm.push import PushOptions, push_contacts  # noqa: E402
from bizdev_assets.crm.setup import run_setup  # noqa: E402
from bizdev_assets.crm.state import RunRecord  # noqa: E402
from resources.warehouse import DuckDBWarehouse  # noqa: E402
from tests.crm_support import golden_frames  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(label: str, client, action) -> None:
    calls, writes = client.stats.api_calls, client.stats.write_calls
    started = time.perf_counter()
    detail = action()
    elapsed = time.perf_counter() - started
    print(
        f"  {label:<38} {elapsed:7.1f} s  {client.stats.api_calls - calls:6,} calls "
        f"({client.stats.write_calls - writes:,} writes)  {detail}  peak RSS {peak_rss_mb():,.0f} MB",
        flush=True,
    )


def bench_crm(crm_type: str, client, warehouse: DuckDBWarehouse, n: int, changed: float) -> None:
    mapping = CrmMapping.shipped(crm_type).check_against(client.describe("contacts"))
    table = pull_table(crm_type, "contacts")
    print(f"{crm_type} ({n:,} contacts, batches of {client.batch_size})")

    def push() -> str:
        run = RunRecord(str(uuid.uuid4()), crm_type, "contacts", "push")
        counts = push_contacts(client, warehouse, mapping, run, PushOptions(), pull_table=table)
        return f"sent {counts.sent:,}, succeeded {counts.succeeded:,}, rejected {counts.rejected:,}"

    step("push all (new)", client, push)
    step("re-sync, nothing changed", client, push)
    for share, label in ((changed, "title"), (1.0, "city")):
        k = int(n * share)
        warehouse.query(
            f"update golden_contacts set {label} = {label} || ' (new)' where contact_id in "
            f"(select contact_id from golden_contacts order by contact_id limit {k}) "
            "returning contact_id"
        )
        step(f"re-sync, {share:.0%} changed ({k:,}, by id)", client, push)

    def pull() -> str:
        result = pull_object(
            client, warehouse, "contacts", mapping.properties, str(uuid.uuid4()), table=table
        )
        return f"read {result.records_read:,}, stored {result.records_stored:,}"

    step("full pull", client, pull)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--crm", choices=["hubspot", "salesforce", "both"], default="both")
    args = parser.parse_args()

    from resources.crm.hubspot import HubSpotCrm
    from resources.crm.salesforce import SalesforceCrm
    from tests.servers.hubspot import HubSpotServer
    from tests.servers.salesforce import SalesforceServer

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
                bench_crm(crm_type, client, warehouse, args.contacts, args.changed)
            finally:
                server.close()


if __name__ == "__main__":
    main()

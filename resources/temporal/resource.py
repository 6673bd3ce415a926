"""`TemporalResource`: the client connection the outreach assets and commands use.

`TEMPORAL_ADDRESS` set: that cluster (namespace, API key and TLS from the settings).
Unset: the embedded dev server of `state_dir` (`dev_server.py`), adopted or started for
the duration of the call. Callers hand an async function of the client to `run`, which
runs it on a fresh event loop: assets and commands stay synchronous.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import dagster as dg
from temporalio.client import Client

from resources.temporal.dev_server import embedded_server

T = TypeVar("T")


class TemporalResource(dg.ConfigurableResource):
    """A Temporal cluster (TEMPORAL_ADDRESS) or the embedded dev server."""

    address: str | None = None  # host:port; None = the embedded dev server
    namespace: str = "default"
    api_key: str | None = None  # Temporal Cloud API key (a dg.EnvVar)
    tls: bool = False
    task_queue: str = "bizdev-outreach"
    state_dir: str = "./data/temporal"  # embedded: the dev server's SQLite state and pid file
    activity_timeout_seconds: float = 60.0

    @property
    def embedded(self) -> bool:
        return not self.address

    @property
    def location(self) -> str:
        return self.address or f"embedded dev server ({self.state_dir})"

    @contextlib.contextmanager
    def server_address(self) -> Iterator[str]:
        """The address to connect to, starting the embedded server if none runs."""
        if self.address:
            yield self.address
            return
        with embedded_server(self.state_dir) as server:
            yield server.address

    async def connect(self, address: str | None = None) -> Client:
        """A client of `address` (default: TEMPORAL_ADDRESS). Fails at once when nothing
        answers there: the embedded server is healthy before its address is handed out."""
        target = address or self.address
        if not target:
            raise ValueError("connect() needs an address: use run() or server_address()")
        return await Client.connect(
            target,
            namespace=self.namespace,
            api_key=self.api_key or None,
            tls=self.tls or bool(self.api_key),
        )

    def run(self, work: Callable[[Client], Awaitable[T]]) -> T:
        """Run `work(client)` to completion on a fresh event loop."""
        with self.server_address() as address:

            async def main() -> T:
                return await work(await self.connect(address))

            return asyncio.run(main())

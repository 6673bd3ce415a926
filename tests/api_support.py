"""The API under real uvicorn on loopback, for the tests that speak HTTP to it.

`running_api(settings)` starts `create_app(settings)` in a uvicorn server on a socket
bound to 127.0.0.1:0 (an ephemeral port), in a thread of the test process, and stops it
(lifespan shutdown included: the spool drained, the compactor stopped) on exit.
`ApiUnderTest` carries the base URL, the settings and helpers to make tokens and keys.
`api_process(...)` runs `bizdev api` as a process of its own, for a test that kills it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from bizdev_api.app import create_app
from bizdev_api.keys import KeyStore
from bizdev_api.state import StateDB
from bizdev_api.tokens import issue_token
from resources.settings import ApiSettings, Settings

ALL_SCOPES = ["contacts:write", "uploads:write", "contacts:read", "workflows:trigger"]


@dataclass
class ApiUnderTest:
    url: str
    settings: Settings
    app: Any

    @property
    def services(self):
        return self.app.state.services

    def token(self, *scopes: str, subject: str = "tester", ttl: int = 600) -> str:
        return issue_token(self.settings.api, subject, list(scopes or ALL_SCOPES), ttl)[0]

    def client(self, *scopes: str, subject: str = "tester", **kwargs: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token(*scopes, subject=subject)}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)

    def anonymous(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def wait_compacted(self, timeout: float = 20) -> None:
        """Until the spool is empty (every accepted payload is in a landing file)."""
        deadline = time.monotonic() + timeout
        landing = self.services.landing
        while landing.list_keys(".bizdev/api-spool/"):
            assert time.monotonic() < deadline, "the spool was not rolled up in time"
            time.sleep(0.05)


def api_settings(tmp_path: Path, **overrides: Any) -> ApiSettings:
    """Fast windows for tests: a payload is in a landing file about a second after its 202."""
    values = {"state_dir": str(tmp_path / "api-state"), "spool_window_seconds": 0.5} | overrides
    return ApiSettings(**values)


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def running_api(settings: Settings, **app_options: Any) -> Iterator[ApiUnderTest]:
    app = create_app(settings, compactor_grace_seconds=0.2, **app_options)
    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = sock.getsockname()[1]
    try:
        yield ApiUnderTest(f"http://127.0.0.1:{port}", settings, app)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def key_store(settings: Settings) -> KeyStore:
    return KeyStore(StateDB(settings.api.state_dir))


def api_env(settings: Settings, port: int) -> dict[str, str]:
    """The environment `bizdev api` reads for `settings` (what an operator would set)."""
    api = settings.api
    env = {
        **os.environ,
        "BIZDEV_LANDING": settings.landing,
        "BIZDEV_WAREHOUSE": settings.warehouse,
        "BIZDEV_API_STATE": api.state_dir,
        "BIZDEV_API_PORT": str(port),
        "BIZDEV_API_SPOOL_WINDOW_SECONDS": str(api.spool_window_seconds),
        "BIZDEV_API_RATE_LIMITS": api.rate_limits or "",
    }
    return {k: v for k, v in env.items() if v != ""}


@contextmanager
def api_process(settings: Settings, log: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """`bizdev api` as a process of its own (its own group), ready when /healthz answers."""
    with free_socket() as sock:
        port = sock.getsockname()[1]
    bizdev = Path(sys.executable).with_name("bizdev")
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(bizdev), "api"], env=api_env(settings, port), stdout=out, stderr=out,
            start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, f"bizdev api exited: {log.read_text()[-2000:]}"
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "bizdev api did not start"
        time.sleep(0.05)
    try:
        yield process, url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def with_api(settings: Settings, **overrides: Any) -> Settings:
    return replace(settings, api=replace(settings.api, **overrides))

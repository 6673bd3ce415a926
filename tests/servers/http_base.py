"""The HTTP plumbing the local vendor API servers share (`hubspot.py`, `salesforce.py`).

`FakeHttpServer` runs a threaded HTTP (or, given an SSL context, HTTPS) server on
127.0.0.1, logs every request, keeps the injected faults, and knows when no request is
in flight. A vendor server subclasses it and implements `respond(request)`: it decides
where a fault applies (before or after authentication) and what it answers, in the
vendor's own wire format.
"""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-serialisable; a str is sent as it is (XML); None = no body
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json;charset=UTF-8"


@dataclass
class Request:
    method: str
    path: str  # without the query string
    query: dict[str, list[str]]
    headers: Any
    body: bytes
    target: str  # the path as sent, query string included


@dataclass
class Fault:
    route: str  # substring of the request line the vendor server matches it against
    status: int | str  # an HTTP status, or "timeout" (the vendor server says what that does)
    body: Any = None
    times: int = 1
    after: int = 0  # matching requests to let through first: a fault in the middle of a run
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 1.0  # seconds a "timeout" keeps the client waiting


class LoggedRequest(NamedTuple):
    method: str
    path: str  # without the query string
    body_size: int
    body: bytes | None  # kept only when the server's `log_bodies` is set


class FakeHttpServer:
    """A vendor API on 127.0.0.1 (see the module docstring)."""

    server_version = "fake-vendor"
    log_bodies = False  # keep request bodies in the log (for `bodies()`-style assertions)
    request_type: type[Request] = Request

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self._release = threading.Event()  # set by reset()/close(): frees hung requests
        self.faults: list[Fault] = []
        self.requests: list[LoggedRequest] = []
        handler = type("Handler", (_Handler,), {"app": self, "server_version": self.server_version})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self.port: int = self._httpd.server_address[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def respond(self, request: Request) -> Response | None:
        """The vendor's answer (None: hang up without answering)."""
        raise NotImplementedError

    def close(self) -> None:
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def reset_plumbing(self) -> None:
        """Free hung requests, wait (<= 5 s) for those still running, then forget the
        faults and the request log."""
        self._release.set()
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=5)
            self.faults = []
            self.requests = []
            self._release = threading.Event()

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def take_fault(self, line: str) -> Fault | None:
        """The fault this request meets, if any ("METHOD /path..." contains its route)."""
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.route in line:
                    if fault.after > 0:
                        fault.after -= 1
                        return None
                    fault.times -= 1
                    return fault
        return None

    def hang(self, fault: Fault) -> None:
        """Keep the client waiting `fault.delay` seconds (less if the server is reset)."""
        with self._lock:
            release = self._release
        release.wait(fault.delay)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no request is being handled (e.g. a slow "timeout" one finishing)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout)

    def logged(self, method: str | None = None, path: str = "") -> list[LoggedRequest]:
        """Logged requests with this method (any when None) whose path contains `path`."""
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and path in r.path
            ]

    def handle(self, method: str, target: str, headers: Any, body: bytes) -> Response | None:
        """One request (called by the handler threads): log it, then `respond`."""
        split = urlsplit(target)
        request = self.request_type(
            method, split.path, parse_qs(split.query), headers, body, target
        )
        with self._idle:
            self._in_flight += 1
            kept = body if self.log_bodies else None
            self.requests.append(LoggedRequest(method, split.path, len(body), kept))
        try:
            return self.respond(request)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()


def json_bodies(requests: list[LoggedRequest]) -> list[Any]:
    """The parsed JSON bodies of logged requests (None where empty or not JSON)."""
    parsed = []
    for r in requests:
        try:
            parsed.append(json.loads(r.body) if r.body else None)
        except ValueError:
            parsed.append(None)
    return parsed


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each keep-alive answer waits ~40 ms (delayed ACK)
    app: FakeHttpServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        response = self.app.handle(self.command, self.path, self.headers, body)
        if response is None:
            self.close_connection = True
            return
        if isinstance(response.body, str):
            payload = response.body.encode()
        else:
            payload = b"" if response.body is None else json.dumps(response.body).encode()
        try:
            self.send_response(response.status)
            if response.body is not None:
                self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if payload:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # TLS handshakes a test refuses on purpose, clients that hang up: not news

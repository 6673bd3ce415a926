"""Faults the enrichment vendors' local servers (`apollo.py`, `pdl.py`, `feeds.py`) share,
on top of `http_base.Fault`:

    status=429 / 5xx / 4xx   the vendor's JSON error body (headers as given, e.g. Retry-After)
    status="timeout"         hang `delay` seconds, then answer normally (the client left)
    status="html"            200 with an HTML error page (a proxy or maintenance page)
    status="malformed"       200 with JSON cut off in the middle
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.servers.http_base import FakeHttpServer, Fault, Response

HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>"
)
CUT_OFF_JSON = '{"status": "success", "organizations": [{"id": "5e66b6381e05b4008c8331b8", "na'


def fault_response(
    server: FakeHttpServer, fault: Fault, error_body: Callable[[int], Any]
) -> Response | None:
    """The response a fault calls for; None when the request is then handled normally."""
    if fault.status == "timeout":
        server.hang(fault)
        return None
    if fault.status == "html":
        return Response(200, HTML_PAGE, dict(fault.headers), content_type="text/html")
    if fault.status == "malformed":
        return Response(200, CUT_OFF_JSON, dict(fault.headers))
    status = int(fault.status)
    body = fault.body if fault.body is not None else error_body(status)
    return Response(status, body, dict(fault.headers))

"""Request bodies read within limits: never more bytes than a route accepts.

`BodyLimit` (ASGI middleware) refuses a declared `Content-Length` over the route's limit
before reading anything, and stops a body that streams past it (chunked, or lying about
its length). `read_body` then undoes `Content-Encoding: gzip` in pieces, so a gzip bomb
is refused once the inflated size passes the limit, not after inflating it all.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bizdev_api.errors import ApiError, problem

_CHUNK = 64 * 1024


def _mb(size: int) -> str:
    return f"{size / 1_048_576:g} MB" if size >= 1_048_576 else f"{size:,} bytes"


class BodyTooLarge(ApiError):
    def __init__(self, limit: int, what: str = "the request body") -> None:
        super().__init__(
            413,
            f"{what} is larger than {_mb(limit)} ({limit:,} bytes), the most this route "
            "accepts; split the records over several requests (or upload a file)",
            limit=limit,
        )


class BodyLimit:
    """Per-path body limits: `limit_for(path)` -> bytes (the compressed size on the wire)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(scope, receive, send, BodyTooLarge(limit))
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


async def _refuse(scope: Scope, receive: Receive, send: Send, error: ApiError) -> None:
    response = problem(error.status, error.detail, {"Connection": "close"}, **error.extra)
    await response(scope, receive, send)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, inflated when `Content-Encoding: gzip`, at most `limit` bytes either way."""
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", ""):
        raise ApiError(
            415,
            f"Content-Encoding {encoding!r} is not accepted; send the body as is or gzip it",
        )
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if "gzip" in encoding else None
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        if not chunk:
            continue
        if inflate is None:
            size += len(chunk)
            parts.append(chunk)
        else:
            size = _inflate_into(parts, inflate, chunk, size, limit)
        if size > limit:
            raise BodyTooLarge(limit, "the body (after gzip)" if inflate else "the request body")
    if inflate is not None and not inflate.eof:
        raise ApiError(400, "the gzip body ends before its end marker; send the complete body")
    if inflate is not None and inflate.unused_data:
        raise ApiError(400, "bytes follow the end of the gzip body; send one gzip member")
    return b"".join(parts)


def _inflate_into(
    parts: list[bytes], inflate: zlib._Decompress, chunk: bytes, size: int, limit: int
) -> int:
    data = chunk
    while data and not inflate.eof:
        try:
            out = inflate.decompress(data, _CHUNK)
        except zlib.error as error:
            raise ApiError(400, f"the body is not valid gzip ({error})") from None
        size += len(out)
        parts.append(out)
        if size > limit:
            raise BodyTooLarge(limit, "the body (after gzip)")
        data = inflate.unconsumed_tail
    return size

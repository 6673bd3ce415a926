"""Name-based UUIDs (version 5, URL namespace) for many names at once.

Contact IDs, company IDs and fallback contact IDs are all `uuid5(NAMESPACE_URL, prefix +
name)`; a run derives hundreds of thousands of them, and `uuid.uuid5` builds a `UUID`
object per name. This computes the same strings from one hash state copied per name.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable


def uuid5_strings(prefix: str, names: Iterable[str | None]) -> list[str | None]:
    """str(uuid.uuid5(uuid.NAMESPACE_URL, prefix + name)) per name; None stays None."""
    seed = hashlib.sha1(uuid.NAMESPACE_URL.bytes, usedforsecurity=False)
    out: list[str | None] = []
    for name in names:
        if name is None:
            out.append(None)
            continue
        digest = seed.copy()
        digest.update((prefix + name).encode())
        raw = bytearray(digest.digest()[:16])
        raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
        raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
        h = raw.hex()
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out

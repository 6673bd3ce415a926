"""API keys for machine clients: `bzk_<id>_<secret>`, stored as SHA-256 of the secret.

The secret is 32 random bytes, so a plain SHA-256 is enough (a slow password hash
protects guessable secrets; these are not guessable) and verifying costs microseconds
per request. The id is stored in clear so a key can be listed and revoked by it. The
full key is shown once, at creation. Rows live in the API's state file (`state.py`).

Verified keys are cached for `CACHE_SECONDS`, so a revocation takes effect within that
time on a running server. `last_used_at` is kept in memory and written every
`FLUSH_SECONDS` (and at shutdown), not on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass

from bizdev_api.state import StateDB
from bizdev_api.tokens import check_scopes

PREFIX = "bzk_"
_KEY = re.compile(r"^bzk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
CACHE_SECONDS = 5.0
FLUSH_SECONDS = 30.0


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: float
    last_used_at: float | None
    revoked_at: float | None


def looks_like_key(token: str) -> bool:
    return token.startswith(PREFIX)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class KeyStore:
    def __init__(self, state: StateDB) -> None:
        self.state = state
        self._cache: dict[str, tuple[float, dict | None]] = {}
        self._used: dict[str, float] = {}
        self._lock = threading.Lock()
        self._flushed = time.monotonic()

    def create(self, name: str, scopes: list[str]) -> tuple[str, ApiKey]:
        """A new key: (the full key, shown once; its record)."""
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        checked = check_scopes(scopes)
        now = time.time()
        with self.state.transaction() as con:
            con.execute(
                "insert into api_keys (key_id, name, secret_sha256, scopes, created_at) "
                "values (?,?,?,?,?)",
                (key_id, name, _digest(secret), " ".join(checked), now),
            )
        return f"{PREFIX}{key_id}_{secret}", ApiKey(key_id, name, tuple(checked), now, None, None)

    def list(self) -> list[ApiKey]:
        self.flush()
        return [_record(r) for r in self.state.rows("select * from api_keys order by created_at")]

    def revoke(self, key_id: str) -> bool:
        with self.state.transaction() as con:
            cursor = con.execute(
                "update api_keys set revoked_at = ? where key_id = ? and revoked_at is null",
                (time.time(), key_id),
            )
        self._cache.pop(key_id, None)
        return cursor.rowcount == 1

    def verify(self, presented: str) -> ApiKey:
        """The key's record; `ValueError` with the reason when it is not a valid key."""
        match = _KEY.match(presented)
        if not match:
            raise ValueError("not a bizdev API key (bzk_<id>_<secret>)")
        key_id, secret = match.groups()
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is None or now - cached[0] > CACHE_SECONDS:
            row = self.state.one("select * from api_keys where key_id = ?", (key_id,))
            cached = (now, row)
            self._cache[key_id] = cached
        row = cached[1]
        if row is None or not hmac.compare_digest(row["secret_sha256"], _digest(secret)):
            raise ValueError("unknown API key")
        if row["revoked_at"] is not None:
            raise ValueError(f"API key {key_id} was revoked; ask an admin for a new one")
        with self._lock:
            self._used[key_id] = time.time()
        if now - self._flushed > FLUSH_SECONDS:
            self.flush()
        return _record(row)

    def flush(self) -> None:
        """Write the last-used times gathered since the previous flush."""
        with self._lock:
            used, self._used = self._used, {}
            self._flushed = time.monotonic()
        if used:
            with self.state.transaction() as con:
                con.executemany(
                    "update api_keys set last_used_at = max(coalesce(last_used_at, 0), ?) "
                    "where key_id = ?",
                    [(at, key_id) for key_id, at in used.items()],
                )


def _record(row: dict) -> ApiKey:
    return ApiKey(
        key_id=row["key_id"],
        name=row["name"],
        scopes=tuple(row["scopes"].split()),
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
        revoked_at=row["revoked_at"],
    )

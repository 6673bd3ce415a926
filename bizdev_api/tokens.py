"""Scopes, the HS256 signing secret, and tokens for local use (`bizdev api token create`).

The embedded default needs no setting: without `BIZDEV_API_JWT_SECRET`, a random secret
is generated once into `BIZDEV_API_STATE/jwt_secret` (mode 0600), which the server and
the command both read. Production sets the variable (and `..._PREVIOUS` while rotating),
or uses an identity provider's RS256/ES256 tokens through `BIZDEV_API_JWKS_URL`.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import uuid
from pathlib import Path

import jwt

from resources.settings import ApiSettings

SCOPES = {
    "contacts:write": "POST /v1/contacts",
    "uploads:write": "POST /v1/uploads",
    "contacts:read": "GET /v1/contacts, /graphql (names, emails and phones masked)",
    "contacts:read:pii": "with contacts:read: names, emails and phones unmasked",
    "workflows:trigger": "POST /v1/outreach/*",
    "gdpr:erase": "POST /v1/gdpr/erase, GET /v1/gdpr/requests/* (docs/gdpr.md)",
    "admin": "everything, and /v1/admin/api-keys",
}
_TTL = re.compile(r"^(\d+)\s*([smhd]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_TTL_SECONDS = 366 * 86400


def check_scopes(scopes: list[str]) -> list[str]:
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ValueError(
            f"unknown scope(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(SCOPES)}"
        )
    return sorted(set(scopes))


def parse_ttl(text: str) -> int:
    """`90s`, `30m`, `12h`, `7d` (or plain seconds) -> seconds, at most a year."""
    match = _TTL.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"--ttl {text!r}: write a duration such as 3600, 30m, 12h or 7d")
    seconds = int(match.group(1)) * _UNITS[match.group(2)]
    if seconds > MAX_TTL_SECONDS:
        raise ValueError(f"--ttl {text!r}: at most 366d; use an API key for a long-lived client")
    return seconds


def hs256_secrets(settings: ApiSettings) -> list[str]:
    """The secrets an HS256 token may be signed with: current first, then the previous."""
    current = settings.jwt_secret or _generated_secret(Path(settings.state_dir))
    return [s for s in (current, settings.jwt_secret_previous) if s]


def _generated_secret(folder: Path) -> str:
    path = folder / "jwt_secret"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
                out.flush()
                os.fsync(out.fileno())
    return path.read_text().strip()


def issue_token(
    settings: ApiSettings, subject: str, scopes: list[str], ttl_seconds: int
) -> tuple[str, int]:
    """An HS256 token for `subject` with `scopes`; returns it and its expiry (epoch s)."""
    now = int(time.time())
    expires = now + ttl_seconds
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "iat": now,
        "exp": expires,
        "jti": uuid.uuid4().hex,
        "scope": " ".join(check_scopes(scopes)),
    }
    return jwt.encode(claims, hs256_secrets(settings)[0], algorithm="HS256"), expires

"""Who is calling, and may they: JWT bearer tokens and API keys, scopes per route.

- `Authorization: Bearer <JWT>`: HS256 with the shared secret(s) (`tokens.py`; the
  embedded default), or RS256/ES256 signed by an identity provider whose keys are at
  `BIZDEV_API_JWKS_URL`. `iss`, `aud`, `exp` and `sub` are required and checked (30 s
  leeway); scopes come from `scope` (space-separated) or `scp` (a list).
- `X-API-Key: bzk_...` (or `Authorization: Bearer bzk_...`): see `keys.py`.

`require(group, *scopes)` is the dependency every protected route declares: 401 without
valid credentials, 403 without one of the scopes (`admin` holds them all), 429 past the
client's rate for the route. The algorithm comes from the token's header but is checked
against the ones configured, so an `alg: none` or an HS256 token signed with a public
key is refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import jwt
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from bizdev_api.errors import ApiError
from bizdev_api.keys import KeyStore, looks_like_key
from bizdev_api.ratelimit import RateLimiter
from bizdev_api.tokens import hs256_secrets
from resources.settings import ApiSettings

ASYMMETRIC = ("RS256", "ES256")
LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class Principal:
    client: str  # "jwt:<sub>" or "key:<id>"
    scopes: frozenset[str]

    def has(self, scope: str) -> bool:
        return "admin" in self.scopes or scope in self.scopes


class Authenticator:
    def __init__(self, settings: ApiSettings, keys: KeyStore) -> None:
        self.settings = settings
        self.keys = keys
        self.secrets = hs256_secrets(settings)
        self.jwks = jwt.PyJWKClient(settings.jwks_url, lifespan=300) if settings.jwks_url else None

    async def principal(self, request: Request) -> Principal:
        token = request.headers.get("x-api-key")
        if token is None:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise _unauthorized(
                    "no credentials: send Authorization: Bearer <token> or X-API-Key: <key>"
                )
        token = token.strip()
        if looks_like_key(token):
            try:
                key = self.keys.verify(token)
            except ValueError as reason:
                raise _unauthorized(str(reason)) from None
            return Principal(f"key:{key.key_id}", frozenset(key.scopes))
        return await self._jwt(token)

    async def _jwt(self, token: str) -> Principal:
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError:
            raise _unauthorized("the bearer token is not a JWT (nor a bzk_ API key)") from None
        if algorithm == "HS256":
            keys = list(self.secrets)
        elif algorithm in ASYMMETRIC and self.jwks is not None:
            try:
                signing = await run_in_threadpool(self.jwks.get_signing_key_from_jwt, token)
            except jwt.PyJWKClientError as error:
                raise _unauthorized(f"no key for this token at the JWKS URL ({error})") from None
            keys = [signing.key]
        else:
            accepted = ["HS256", *(ASYMMETRIC if self.jwks else ())]
            raise _unauthorized(
                f"tokens signed with {algorithm!r} are not accepted (accepted: "
                f"{', '.join(accepted)})"
            )
        claims = self._decode(token, algorithm, keys)
        scopes = claims.get("scope", "")
        listed = claims.get("scp", [])
        found = set(scopes.split() if isinstance(scopes, str) else [])
        found |= set(listed.split() if isinstance(listed, str) else listed)
        return Principal(f"jwt:{claims['sub']}", frozenset(found))

    def _decode(self, token: str, algorithm: str, keys: list) -> dict:
        error: jwt.PyJWTError | None = None
        for key in keys:
            try:
                return jwt.decode(
                    token,
                    key,
                    algorithms=[algorithm],
                    audience=self.settings.jwt_audience,
                    issuer=self.settings.jwt_issuer,
                    leeway=LEEWAY_SECONDS,
                    options={"require": ["exp", "sub", "iss", "aud"]},
                )
            except jwt.InvalidSignatureError as bad:
                error = bad  # maybe signed with the other (rotated) secret
            except jwt.ExpiredSignatureError:
                raise _unauthorized("the token has expired; get a new one") from None
            except jwt.InvalidAudienceError:
                raise _unauthorized(
                    f"the token is not for this API (its aud is not {self.settings.jwt_audience!r})"
                ) from None
            except jwt.InvalidIssuerError:
                raise _unauthorized(
                    f"the token was not issued by {self.settings.jwt_issuer!r}"
                ) from None
            except jwt.PyJWTError as other:
                raise _unauthorized(f"the token is not valid: {other}") from None
        raise _unauthorized(f"the token's signature does not verify ({error})")


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, detail, headers={"WWW-Authenticate": 'Bearer realm="bizdev"'})


def client_address(request: Request) -> str:
    return f"ip:{request.client.host if request.client else 'unknown'}"


def route_of(request: Request) -> str:
    """`POST /v1/contacts`: the method too, since a path can serve routes of two groups."""
    route = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', request.url.path)}"


def require(group: str, *scopes: str) -> Callable[[Request], Awaitable[Principal]]:
    """Dependency: the caller, authenticated, holding one of `scopes`, within its rate."""

    async def dependency(request: Request) -> Principal:
        auth: Authenticator = request.app.state.authenticator
        limiter: RateLimiter = request.app.state.limiter
        try:
            principal = await auth.principal(request)
        except ApiError:
            limiter.check(client_address(request), "auth", "auth_failures")
            raise
        if scopes and not any(principal.has(s) for s in scopes):
            held = ", ".join(sorted(principal.scopes)) or "none"
            raise ApiError(
                403, f"this route needs scope {' or '.join(scopes)}; the credentials hold {held}"
            )
        limiter.check(principal.client, route_of(request), group)
        request.state.principal = principal
        return principal

    return dependency


def limit_by_address(group: str) -> Callable[[Request], Awaitable[None]]:
    """Dependency for routes without credentials (webhooks, health): rate per address."""

    async def dependency(request: Request) -> None:
        request.app.state.limiter.check(client_address(request), route_of(request), group)

    return dependency

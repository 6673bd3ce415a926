"""The Salesforce session: logging in, adopting an access token, and sending each request
through the shared retry loop with Salesforce's classifier (`errors.py`).

Authentication: a session id (`SALESFORCE_INSTANCE_URL` + `SALESFORCE_ACCESS_TOKEN`) and/or
a SOAP username-password login (`SALESFORCE_USERNAME`, `SALESFORCE_PASSWORD`,
`SALESFORCE_SECURITY_TOKEN`, `SALESFORCE_DOMAIN` = `login`, `test`, a My Domain prefix, or a
full `https://host[:port]` URL). The connection logs in itself (simple-salesforce's
`SalesforceLogin`) and hands simple-salesforce only the session, so that re-logins after an
expired session are ours to count and bound.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import requests
from simple_salesforce import Salesforce, SalesforceLogin

from resources.crm.salesforce.errors import classify
from resources.http_retry import CallStats, RetryPolicy, call_with_retries

T = TypeVar("T")


class _TimeoutSession(requests.Session):
    """A requests session with a default timeout (simple-salesforce's login sets none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.default_timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any):  # type: ignore[override]
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, url, *args, **kwargs)


class SalesforceConnection:
    def __init__(
        self,
        *,
        instance_url: str | None,
        access_token: str | None,
        username: str | None,
        password: str | None,
        security_token: str | None,
        domain: str,
        ca_bundle: str | None,
        api_version: str,
        policy: RetryPolicy,
        timeout_seconds: float,
    ) -> None:
        self.instance_url = instance_url
        self.domain = domain
        self.username = username
        self.can_login = bool(username and password)
        self.api_version = api_version
        self.policy = policy
        self.stats = CallStats()
        self._access_token = access_token
        self._password = password
        self._security_token = security_token
        self._session = _TimeoutSession(timeout_seconds)
        if ca_bundle:
            # trust_env=False, or REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override `verify`.
            self._session.verify = ca_bundle
            self._session.trust_env = False
        self._session.hooks["response"].append(self._remember_limits)
        self._sf: Salesforce | None = None

    def connect(self) -> Salesforce:
        """Log in (or adopt the access token) unless already connected."""
        if self._sf is None:
            if self._access_token and self.instance_url:
                self._sf = self._client(self.instance_url, self._access_token)
            else:
                self.login()
        assert self._sf is not None
        return self._sf

    def login(self) -> None:
        """SOAP username-password login; replaces the simple-salesforce client."""
        full_url = self.domain.startswith("https://")

        def login() -> tuple[str, str]:
            return SalesforceLogin(
                username=self.username,
                password=self._password,
                security_token=self._security_token,
                sf_version=self.api_version,
                session=self._session,
                domain=None if full_url else self.domain,
                scratch_url=self.domain if full_url else None,
            )

        session_id, instance = self._retrying("login", login)
        self._sf = self._client(f"https://{instance}", session_id)

    def call(
        self,
        operation: str,
        send: Callable[[Salesforce], T],
        *,
        write: bool = False,
        idempotent: bool = True,
    ) -> T:
        """`send(client)` through the retry loop, with the client current at each attempt
        (a re-login replaces it)."""
        self.connect()
        return self._retrying(
            operation, lambda: send(self.connect()), write=write, idempotent=idempotent
        )

    def _retrying(
        self,
        operation: str,
        send: Callable[[], T],
        *,
        write: bool = False,
        idempotent: bool = True,
    ) -> T:
        return call_with_retries(
            send,
            operation=operation,
            classify=partial(
                classify,
                operation=operation,
                username=self.username,
                domain=self.domain,
                can_login=self.can_login,
            ),
            policy=self.policy,
            stats=self.stats,
            write=write,
            idempotent=idempotent,
            reauthenticate=self.login if self.can_login else None,
        )

    def _client(self, instance_url: str, session_id: str) -> Salesforce:
        return Salesforce(
            instance_url=instance_url,
            session_id=session_id,
            session=self._session,
            version=self.api_version,
        )

    def _remember_limits(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        limit_info = response.headers.get("Sforce-Limit-Info")
        if limit_info:
            self.stats.limit_info = limit_info

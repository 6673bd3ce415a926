"""The Postgres warehouse URL: its password kept out of messages, its `sslmode` applied.

`BIZDEV_WAREHOUSE` holds a password, so it reaches the resource as a `dg.EnvVar`
(resolved when a run starts; `url_value` resolves it outside a run). `sslmode` is
libpq's: set it with `BIZDEV_WAREHOUSE_SSLMODE` or `?sslmode=` in the URL (the setting
wins); `verify-full` (with `sslrootcert=`) is the production choice (docs/production.md).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dagster as dg

SETTING = "BIZDEV_WAREHOUSE"
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def url_value(url: str) -> str:
    """The URL itself: an `EnvVar` is read from the environment (outside a run Dagster has
    not resolved it)."""
    if isinstance(url, dg.EnvVar):
        value = url.get_value()
        if not value:
            raise ValueError(
                f"{url.env_var_name} is not set: set it to postgresql://USER:PASSWORD@HOST/DB"
            )
        return value
    return url


def with_sslmode(url: str, sslmode: str | None) -> str:
    """The URL with `sslmode=` set (replacing the URL's own); unchanged when None."""
    if sslmode is None:
        return url
    if sslmode not in SSL_MODES:
        raise ValueError(
            f"BIZDEV_WAREHOUSE_SSLMODE={sslmode!r}: expected one of {', '.join(SSL_MODES)}"
        )
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "sslmode"] + [("sslmode", sslmode)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="/")))


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        if ":" in credentials:
            netloc = f"{credentials.split(':', 1)[0]}:***@{host}"
    query = urlencode(
        [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)], safe="/*"
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))

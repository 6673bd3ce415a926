"""`bizdev api`: serve the API; `bizdev api token create`; `bizdev api key create|list|revoke`.

Everything reads the same settings as the pipeline (`Settings.from_env`): the landing
zone, the warehouse, and the `BIZDEV_API_*` block (docs/settings.md). FastAPI and
uvicorn are imported only when serving, so other `bizdev` commands start as fast as before.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import typer

from bizdev_api.keys import KeyStore
from bizdev_api.state import StateDB
from bizdev_api.tokens import SCOPES, check_scopes, issue_token, parse_ttl
from resources.settings import Settings

api_app = typer.Typer(
    help="The HTTP API: contact intake, webhooks, workflow triggers, reads (docs/api.md).",
    invoke_without_command=True,
)
token_app = typer.Typer(help="JWTs for local use (HS256, the API's own secret).")
key_app = typer.Typer(help="API keys for machine clients (hashed at rest).")
api_app.add_typer(token_app, name="token")
api_app.add_typer(key_app, name="key")
_SCOPE_HELP = "Scope to grant (repeat it): " + ", ".join(SCOPES)


@api_app.callback()
def serve(
    context: typer.Context,
    host: str = typer.Option(None, help="Address to listen on [BIZDEV_API_HOST, 127.0.0.1]."),
    port: int = typer.Option(None, help="Port [BIZDEV_API_PORT, 8000]."),
    access_log: bool = typer.Option(False, help="Log every request (costs CPU under load)."),
) -> None:
    """Serve the API (uvicorn, one process: see docs/api.md for why one)."""
    if context.invoked_subcommand is not None:
        return
    import uvicorn

    from bizdev_api.app import create_app

    settings = Settings.from_env()
    api = replace(settings.api, host=host or settings.api.host, port=port or settings.api.port)
    settings = replace(settings, api=api)
    uvicorn.run(
        create_app(settings),
        host=api.host,
        port=api.port,
        loop="uvloop",
        http="httptools",
        access_log=access_log,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=20,
        log_level="info",
    )


@token_app.command("create")
def token_create(
    scope: list[str] = typer.Option(..., "--scope", help=_SCOPE_HELP),
    ttl: str = typer.Option("1h", help="Lifetime: 3600, 30m, 12h, 7d (at most 366d)."),
    subject: str = typer.Option("local", help="Who the token is for (its sub claim)."),
) -> None:
    """Print a signed token for `Authorization: Bearer <token>`."""
    try:
        token, expires = issue_token(Settings.from_env().api, subject, scope, parse_ttl(ttl))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(token)
    typer.echo(f"expires {datetime.fromtimestamp(expires, UTC).isoformat()}", err=True)


def _keys() -> KeyStore:
    return KeyStore(StateDB(Settings.from_env().api.state_dir))


@key_app.command("create")
def key_create(
    name: str = typer.Option(..., help="What the key is for (shown in `key list`)."),
    scope: list[str] = typer.Option(..., "--scope", help=_SCOPE_HELP),
) -> None:
    """Create an API key; it is printed once (only its hash is stored)."""
    try:
        full, key = _keys().create(name, check_scopes(scope))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(full)
    typer.echo(f"key {key.key_id} ({', '.join(key.scopes)}): store it now", err=True)


@key_app.command("list")
def key_list() -> None:
    """Every API key: id, name, scopes, created, last used, revoked."""
    for key in _keys().list():
        when = [_iso(key.created_at), _iso(key.last_used_at), _iso(key.revoked_at)]
        typer.echo("\t".join([key.key_id, key.name, " ".join(key.scopes), *when]))


@key_app.command("revoke")
def key_revoke(key_id: str = typer.Argument(..., help="The id `key list` shows.")) -> None:
    """Revoke a key (a running server stops accepting it within 5 s)."""
    if not _keys().revoke(key_id):
        typer.echo(f"no active API key {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")


def _iso(moment: float | None) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds") if moment else "-"

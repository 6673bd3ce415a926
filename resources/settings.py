"""The one place where environment variables become resources.

Read when Definitions are built (not at import), so tests build their own settings
and never reload modules. Every setting is optional: no settings = embedded default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dlt import DagsterDltResource

from resources.crm import HUBSPOT_PUBLIC_API, HubSpotResource, SalesforceResource
from resources.enrichment import (
    EnrichmentProviders,
    SignalSources,
    competitor_entries,
    daily_credit_settings,
    parse_provider_order,
    split_list,
)
from resources.enrichment.apollo import APOLLO_PUBLIC_API
from resources.enrichment.pdl import PDL_PUBLIC_API
from resources.ingest_limits import LIMIT_SETTINGS, IngestLimits
from resources.landing import LandingZone, LocalLanding
from resources.mail import MailResource, OutboxMail, SmtpMail
from resources.mail.base import DEFAULT_SENDER
from resources.notify import (
    PAGERDUTY_EVENTS_URL,
    AlertNotifier,
    FileNotifier,
    Notifier,
    WebhookNotifier,
)
from resources.observability_config import ObservabilityConfig
from resources.outreach_config import OutreachConfig
from resources.pipeline_config import PipelineConfig
from resources.temporal import TemporalResource
from resources.warehouse import DuckDBWarehouse, PostgresWarehouse, Warehouse, is_postgres_url

DEFAULT_LANDING = "./data/landing"
DEFAULT_WAREHOUSE = "./data/warehouse.duckdb"
DEFAULT_API_STATE = "./data/api"


@dataclass(frozen=True)
class ApiSettings:
    """The HTTP API's process (`bizdev api`, docs/api.md). Plain values, not `dg.EnvVar`s:
    no Dagster resource carries them. Each `*_previous` secret stays valid beside the
    current one during a rotation."""

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None  # the URL senders call us by (HubSpot signs it)
    state_dir: str = DEFAULT_API_STATE  # API keys, idempotency keys, upload index (SQLite)
    jwt_secret: str | None = None  # HS256; None = a secret generated in state_dir
    jwt_secret_previous: str | None = None
    jwks_url: str | None = None  # RS256/ES256 tokens of an identity provider
    jwt_issuer: str = "bizdev"
    jwt_audience: str = "bizdev-api"
    hubspot_webhook_secret: str | None = None  # the HubSpot app's client secret
    hubspot_webhook_secret_previous: str | None = None
    salesforce_relay_secret: str | None = None  # whsec_...: the relay signs deliveries
    salesforce_relay_secret_previous: str | None = None
    webhook_secret: str | None = None  # whsec_...: generic Standard Webhooks senders
    webhook_secret_previous: str | None = None
    rate_limits: str | None = None  # "intake=100/200,reads=20/40": per client and route
    max_body_bytes: int = 10 * 1024 * 1024  # POST /v1/contacts (after gzip)
    max_records: int = 10_000
    max_upload_bytes: int = 100 * 1024 * 1024  # POST /v1/uploads
    spool_window_seconds: float = 10.0  # accepted payloads -> one landing file per window
    query_timeout_seconds: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ApiSettings:
        def text(name: str) -> str | None:
            return env.get(name) or None

        def number(name: str, default: float) -> float:
            raw = (text(name) or "").replace("_", "")
            try:
                value = float(raw) if raw else default
            except ValueError:
                value = -1
            if value <= 0:
                raise ValueError(f"{name}={raw!r} is not a positive number; fix or unset it")
            return value

        return cls(
            host=text("BIZDEV_API_HOST") or "127.0.0.1",
            port=int(number("BIZDEV_API_PORT", 8000)),
            public_url=text("BIZDEV_API_PUBLIC_URL"),
            state_dir=text("BIZDEV_API_STATE") or DEFAULT_API_STATE,
            jwt_secret=text("BIZDEV_API_JWT_SECRET"),
            jwt_secret_previous=text("BIZDEV_API_JWT_SECRET_PREVIOUS"),
            jwks_url=text("BIZDEV_API_JWKS_URL"),
            jwt_issuer=text("BIZDEV_API_JWT_ISSUER") or "bizdev",
            jwt_audience=text("BIZDEV_API_JWT_AUDIENCE") or "bizdev-api",
            hubspot_webhook_secret=text("BIZDEV_API_HUBSPOT_SECRET"),
            hubspot_webhook_secret_previous=text("BIZDEV_API_HUBSPOT_SECRET_PREVIOUS"),
            salesforce_relay_secret=text("BIZDEV_API_SALESFORCE_SECRET"),
            salesforce_relay_secret_previous=text("BIZDEV_API_SALESFORCE_SECRET_PREVIOUS"),
            webhook_secret=text("BIZDEV_API_WEBHOOK_SECRET"),
            webhook_secret_previous=text("BIZDEV_API_WEBHOOK_SECRET_PREVIOUS"),
            rate_limits=text("BIZDEV_API_RATE_LIMITS"),
            max_body_bytes=int(number("BIZDEV_API_MAX_BODY_BYTES", cls.max_body_bytes)),
            max_records=int(number("BIZDEV_API_MAX_RECORDS", cls.max_records)),
            max_upload_bytes=int(number("BIZDEV_API_MAX_UPLOAD_BYTES", cls.max_upload_bytes)),
            spool_window_seconds=number(
                "BIZDEV_API_SPOOL_WINDOW_SECONDS", cls.spool_window_seconds
            ),
            query_timeout_seconds=number(
                "BIZDEV_API_QUERY_TIMEOUT_SECONDS", cls.query_timeout_seconds
            ),
        )


@dataclass(frozen=True)
class Settings:
    """Operator settings; see the README's settings table."""

    landing: str = DEFAULT_LANDING  # a folder, or s3://bucket/prefix (AWS_* variables)
    warehouse: str = DEFAULT_WAREHOUSE  # a DuckDB file, or postgresql://...
    migrate_db: bool = False  # apply the ADR-013 migrations when the warehouse starts
    header_overrides: str | None = None  # YAML of per-source header mappings
    survivorship_rules: str | None = None  # YAML; None = shipped default
    quality_weights: str | None = None  # YAML; None = shipped default
    # Enrichment and market signals (docs/enrichment.md). Keys are dg.EnvVar from the env.
    enrichment_providers: tuple[str, ...] = ("offline",)  # the waterfall's order
    apollo_api_key: str | None = None
    apollo_api_base: str = APOLLO_PUBLIC_API
    pdl_api_key: str | None = None
    pdl_api_base: str = PDL_PUBLIC_API
    enrichment_daily_credits: str | None = None  # "500" or "apollo=500,pdl=200"
    enrichment_people: bool = False  # person lookups (consent permitting)
    enrichment_backoff_seconds: float = 1.0
    news_feeds: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()  # "Name", "Name=domain", "Name|Alias=domain"
    enrichment_problem: str | None = None  # a wrong enrichment setting: fails only enrichment
    # CRM sync (README: CRM settings). Secrets are dg.EnvVar when read from the environment.
    hubspot_access_token: str | None = None
    hubspot_api_base: str = HUBSPOT_PUBLIC_API
    hubspot_mapping: str | None = None
    salesforce_instance_url: str | None = None
    salesforce_access_token: str | None = None
    salesforce_username: str | None = None
    salesforce_password: str | None = None
    salesforce_security_token: str | None = None
    salesforce_domain: str = "login"
    salesforce_ca_bundle: str | None = None
    salesforce_mapping: str | None = None
    crm_push_mode: str = "upsert"
    crm_mirror: bool = False
    crm_lookback_minutes: float = 5.0
    crm_backoff_seconds: float = 1.0  # first wait after a 429 / 5xx; doubles per retry
    # Ingest limits (docs/settings.md): limit name -> value, only those set; None = default.
    ingest_limits: dict[str, float] | None = None
    # GDPR (docs/gdpr.md): the suppression list's HMAC secret, else a generated key file.
    gdpr_hmac_key: str | None = None
    gdpr_key_file: str = "./data/gdpr/hmac.key"
    retention_policy: str | None = None  # YAML of retention periods (docs/gdpr.md)
    # Transport security (docs/settings.md, docs/production.md).
    allow_insecure_http: bool = False  # http:// CRM API bases, for local test servers only
    warehouse_sslmode: str | None = None  # libpq sslmode for Postgres; None = the URL's own
    # Outreach (docs/outreach.md): Temporal, mail, notifications, lead and sequence rules.
    temporal_address: str | None = None  # None = embedded dev server
    temporal_namespace: str = "default"
    temporal_api_key: str | None = None
    temporal_tls: bool = False
    temporal_task_queue: str = "bizdev-outreach"
    temporal_state_dir: str = "./data/temporal"
    outreach_activity_timeout_seconds: float = 60.0
    smtp_host: str | None = None  # None = the .eml outbox
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    smtp_ssl: bool = False
    smtp_ca_bundle: str | None = None
    smtp_ledger: str = "./data/outreach/smtp_sent.sqlite"
    mail_from: str = DEFAULT_SENDER
    outbox: str = "./data/outbox"
    notify_webhook_url: str | None = None  # None = the notifications file
    notifications_file: str = "./data/outreach/notifications.jsonl"
    lead_weights: str | None = None
    territories: str | None = None
    sequences_dir: str | None = None
    outreach_sequence: str = "demo-intro"
    sla_business_hours: float = 4.0
    outreach_settle_seconds: float = 20.0
    api: ApiSettings = ApiSettings()  # the HTTP API process (docs/api.md)
    # Observability (docs/observability.md): SLO thresholds and where alerts go.
    slo_window_minutes: float = 5.0
    slo_quarantine_share: float = 0.05
    alert_webhook_url: str | None = None  # None (and no other channel) = alerts only logged
    pagerduty_routing_key: str | None = None
    pagerduty_url: str = PAGERDUTY_EVENTS_URL
    alert_email_to: str | None = None
    sentry_dsn: str | None = None  # errors to Sentry, personal data masked
    sentry_environment: str = "production"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            landing=env.get("BIZDEV_LANDING") or DEFAULT_LANDING,
            warehouse=_warehouse_setting(env),
            migrate_db=_flag(env, "BIZDEV_DB_MIGRATE"),
            header_overrides=env.get("BIZDEV_HEADER_OVERRIDES") or None,
            survivorship_rules=env.get("BIZDEV_SURVIVORSHIP_RULES") or None,
            quality_weights=env.get("BIZDEV_QUALITY_WEIGHTS") or None,
            **_enrichment_settings(env),
            hubspot_access_token=_secret(env, "HUBSPOT_ACCESS_TOKEN"),
            hubspot_api_base=env.get("HUBSPOT_API_BASE") or HUBSPOT_PUBLIC_API,
            hubspot_mapping=env.get("BIZDEV_HUBSPOT_MAPPING") or None,
            salesforce_instance_url=env.get("SALESFORCE_INSTANCE_URL") or None,
            salesforce_access_token=_secret(env, "SALESFORCE_ACCESS_TOKEN"),
            salesforce_username=env.get("SALESFORCE_USERNAME") or None,
            salesforce_password=_secret(env, "SALESFORCE_PASSWORD"),
            salesforce_security_token=_secret(env, "SALESFORCE_SECURITY_TOKEN"),
            salesforce_domain=env.get("SALESFORCE_DOMAIN") or "login",
            salesforce_ca_bundle=env.get("SALESFORCE_CA_BUNDLE") or None,
            salesforce_mapping=env.get("BIZDEV_SALESFORCE_MAPPING") or None,
            crm_push_mode=env.get("BIZDEV_CRM_PUSH_MODE") or "upsert",
            crm_mirror=_flag(env, "BIZDEV_CRM_MIRROR"),
            crm_lookback_minutes=float(env.get("BIZDEV_CRM_LOOKBACK_MINUTES") or 5),
            crm_backoff_seconds=float(env.get("BIZDEV_CRM_BACKOFF_SECONDS") or 1),
            ingest_limits=_ingest_limits(env),
            gdpr_hmac_key=_secret(env, "BIZDEV_GDPR_HMAC_KEY"),
            gdpr_key_file=env.get("BIZDEV_GDPR_KEY_FILE") or "./data/gdpr/hmac.key",
            retention_policy=env.get("BIZDEV_RETENTION") or None,
            allow_insecure_http=_flag(env, "BIZDEV_ALLOW_INSECURE_HTTP"),
            warehouse_sslmode=env.get("BIZDEV_WAREHOUSE_SSLMODE") or None,
            api=ApiSettings.from_env(env),
            **_outreach_from_env(env),
            **_observability_from_env(env),
        )


def build_resources(settings: Settings) -> dict[str, Any]:
    """Resources for one environment, chosen only by `settings`."""
    return {
        "landing": landing_for(settings.landing),
        "warehouse": warehouse_for(
            settings.warehouse,
            migrate_on_start=settings.migrate_db,
            sslmode=settings.warehouse_sslmode,
        ),
        "pipeline_config": PipelineConfig(
            header_overrides=_existing(settings.header_overrides, "BIZDEV_HEADER_OVERRIDES"),
            survivorship_rules=_existing(settings.survivorship_rules, "BIZDEV_SURVIVORSHIP_RULES"),
            quality_weights=_existing(settings.quality_weights, "BIZDEV_QUALITY_WEIGHTS"),
            ingest_limits=IngestLimits(**(settings.ingest_limits or {})),
            gdpr_hmac_key=settings.gdpr_hmac_key,
            gdpr_key_file=settings.gdpr_key_file,
            retention_policy=_existing(settings.retention_policy, "BIZDEV_RETENTION"),
        ),
        "hubspot": HubSpotResource(
            access_token=settings.hubspot_access_token,
            api_base=settings.hubspot_api_base,
            mapping_path=_existing(settings.hubspot_mapping, "BIZDEV_HUBSPOT_MAPPING"),
            **_sync_options(settings),
        ),
        "salesforce": SalesforceResource(
            instance_url=settings.salesforce_instance_url,
            access_token=settings.salesforce_access_token,
            username=settings.salesforce_username,
            password=settings.salesforce_password,
            security_token=settings.salesforce_security_token,
            domain=settings.salesforce_domain,
            ca_bundle=_existing(settings.salesforce_ca_bundle, "SALESFORCE_CA_BUNDLE"),
            mapping_path=_existing(settings.salesforce_mapping, "BIZDEV_SALESFORCE_MAPPING"),
            **_sync_options(settings),
        ),
        **enrichment_resources(settings),
        **outreach_resources(settings),
        **observability_resources(settings),
    }


def landing_for(value: str) -> LandingZone:
    """The landing zone a `BIZDEV_LANDING` value names: `s3://bucket/prefix` or a folder."""
    if value.startswith("s3://"):
        # Imported here, not at the top: boto3 and dagster_aws add over a second to every
        # start of the code location, which only bucket users should pay.
        from resources.landing.s3 import S3Landing

        return S3Landing.from_url(value)
    return LocalLanding(root=value)


def warehouse_for(
    url_or_path: str, *, migrate_on_start: bool = False, sslmode: str | None = None
) -> Warehouse:
    """`postgresql://`/`postgres://` URL -> PostgresWarehouse; anything else is a DuckDB file.

    A URL read from BIZDEV_WAREHOUSE arrives as a `dg.EnvVar` and stays one in the
    resource, so the Dagster UI shows the variable's name, never the password."""
    value = resolved(url_or_path)
    if is_postgres_url(value):
        url = url_or_path if isinstance(url_or_path, dg.EnvVar) else value.strip()
        return PostgresWarehouse(url=url, migrate_on_start=migrate_on_start, sslmode=sslmode)
    return DuckDBWarehouse(path=value)


def resolved(value: str) -> str:
    """A setting's value: an `EnvVar` read from the environment, else the value itself."""
    if isinstance(value, dg.EnvVar):
        return value.get_value() or ""
    return value


def _outreach_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "temporal_address": env.get("TEMPORAL_ADDRESS") or None,
        "temporal_namespace": env.get("TEMPORAL_NAMESPACE") or "default",
        "temporal_api_key": _secret(env, "TEMPORAL_API_KEY"),
        "temporal_tls": _flag(env, "TEMPORAL_TLS"),
        "temporal_task_queue": env.get("BIZDEV_TEMPORAL_TASK_QUEUE") or "bizdev-outreach",
        "temporal_state_dir": env.get("BIZDEV_TEMPORAL_STATE_DIR") or "./data/temporal",
        "outreach_activity_timeout_seconds": float(
            env.get("BIZDEV_OUTREACH_ACTIVITY_TIMEOUT_SECONDS") or 60
        ),
        "smtp_host": env.get("BIZDEV_SMTP_HOST") or None,
        "smtp_port": int(env.get("BIZDEV_SMTP_PORT") or 587),
        "smtp_username": env.get("BIZDEV_SMTP_USERNAME") or None,
        "smtp_password": _secret(env, "BIZDEV_SMTP_PASSWORD"),
        "smtp_starttls": _flag(env, "BIZDEV_SMTP_STARTTLS", default=True),
        "smtp_ssl": _flag(env, "BIZDEV_SMTP_SSL"),
        "smtp_ca_bundle": env.get("BIZDEV_SMTP_CA_BUNDLE") or None,
        "smtp_ledger": env.get("BIZDEV_SMTP_LEDGER") or "./data/outreach/smtp_sent.sqlite",
        "mail_from": env.get("BIZDEV_MAIL_FROM") or DEFAULT_SENDER,
        "outbox": env.get("BIZDEV_OUTBOX") or "./data/outbox",
        "notify_webhook_url": _secret(env, "BIZDEV_NOTIFY_WEBHOOK_URL"),
        "notifications_file": env.get("BIZDEV_NOTIFICATIONS_FILE")
        or "./data/outreach/notifications.jsonl",
        "lead_weights": env.get("BIZDEV_LEAD_WEIGHTS") or None,
        "territories": env.get("BIZDEV_TERRITORIES") or None,
        "sequences_dir": env.get("BIZDEV_SEQUENCES_DIR") or None,
        "outreach_sequence": env.get("BIZDEV_OUTREACH_SEQUENCE") or "demo-intro",
        "sla_business_hours": float(env.get("BIZDEV_SLA_BUSINESS_HOURS") or 4),
        "outreach_settle_seconds": float(env.get("BIZDEV_OUTREACH_SETTLE_SECONDS") or 20),
    }


def outreach_resources(settings: Settings) -> dict[str, Any]:
    """temporal, mail, notifier and outreach_config for one environment."""
    mail: MailResource
    if settings.smtp_host:
        mail = SmtpMail(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            ssl=settings.smtp_ssl,
            ca_bundle=_existing(settings.smtp_ca_bundle, "BIZDEV_SMTP_CA_BUNDLE"),
            ledger_path=settings.smtp_ledger,
            sender=settings.mail_from,
        )
    else:
        mail = OutboxMail(folder=settings.outbox, sender=settings.mail_from)
    notifier: Notifier = (
        WebhookNotifier(url=settings.notify_webhook_url)
        if settings.notify_webhook_url
        else FileNotifier(path=settings.notifications_file)
    )
    return {
        "temporal": TemporalResource(
            address=settings.temporal_address,
            namespace=settings.temporal_namespace,
            api_key=settings.temporal_api_key,
            tls=settings.temporal_tls,
            task_queue=settings.temporal_task_queue,
            state_dir=settings.temporal_state_dir,
            activity_timeout_seconds=settings.outreach_activity_timeout_seconds,
        ),
        "mail": mail,
        "notifier": notifier,
        "outreach_config": OutreachConfig(
            lead_weights=_existing(settings.lead_weights, "BIZDEV_LEAD_WEIGHTS"),
            territories=_existing(settings.territories, "BIZDEV_TERRITORIES"),
            sequences_dir=settings.sequences_dir,
            sequence=settings.outreach_sequence,
            sla_business_hours=settings.sla_business_hours,
            settle_seconds=settings.outreach_settle_seconds,
        ),
    }


def _observability_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "slo_window_minutes": float(env.get("BIZDEV_SLO_WINDOW_MINUTES") or 5),
        "slo_quarantine_share": float(env.get("BIZDEV_SLO_QUARANTINE_SHARE") or 0.05),
        "alert_webhook_url": _secret(env, "BIZDEV_ALERT_WEBHOOK_URL"),
        "pagerduty_routing_key": _secret(env, "BIZDEV_PAGERDUTY_ROUTING_KEY"),
        "pagerduty_url": env.get("BIZDEV_PAGERDUTY_URL") or PAGERDUTY_EVENTS_URL,
        "alert_email_to": env.get("BIZDEV_ALERT_EMAIL_TO") or None,
        "sentry_dsn": env.get("SENTRY_DSN") or None,
        "sentry_environment": env.get("SENTRY_ENVIRONMENT") or "production",
    }


def observability_resources(settings: Settings) -> dict[str, Any]:
    """observability (SLO thresholds) and alerts (where incidents go) for one environment."""
    return {
        "observability": ObservabilityConfig(
            slo_window_minutes=settings.slo_window_minutes,
            quarantine_share=settings.slo_quarantine_share,
        ),
        "alerts": AlertNotifier(
            webhook_url=settings.alert_webhook_url,
            pagerduty_routing_key=settings.pagerduty_routing_key,
            pagerduty_url=settings.pagerduty_url,
            email_to=settings.alert_email_to,
        ),
    }


def _sync_options(settings: Settings) -> dict[str, Any]:
    return {
        "push_mode": settings.crm_push_mode,
        "mirror": settings.crm_mirror,
        "lookback_minutes": settings.crm_lookback_minutes,
        "backoff_seconds": settings.crm_backoff_seconds,
        "allow_insecure_http": settings.allow_insecure_http,
    }


def _ingest_limits(env: Mapping[str, str]) -> dict[str, float] | None:
    """The ingest limits set in the environment (`BIZDEV_MAX_*`), as positive numbers."""
    limits: dict[str, float] = {}
    for field, name in LIMIT_SETTINGS.items():
        raw = (env.get(name) or "").strip().replace("_", "")
        if not raw:
            continue
        try:
            value = float(raw) if field == "max_xlsx_ratio" else int(raw)
        except ValueError:
            value = 0
        if value <= 0:
            raise ValueError(
                f"{name}={env[name]!r} is not a positive "
                f"{'number' if field == 'max_xlsx_ratio' else 'whole number'}; "
                f"fix or unset {name} (default: {IngestLimits.model_fields[field].default:,})."
            )
        limits[field] = value
    return limits or None


def _warehouse_setting(env: Mapping[str, str]) -> str:
    """BIZDEV_WAREHOUSE: a Postgres URL (it holds a password) as a `dg.EnvVar`; a DuckDB
    path as it is."""
    value = env.get("BIZDEV_WAREHOUSE") or DEFAULT_WAREHOUSE
    if is_postgres_url(value) and env is os.environ:
        return dg.EnvVar("BIZDEV_WAREHOUSE")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    """A yes/no setting: `1`, `true` or `yes` (any case) is on; unset or empty, `default`."""
    value = (env.get(name) or "").lower()
    return default if not value else value in ("1", "true", "yes")


def _secret(env: Mapping[str, str], name: str) -> str | None:
    """A set secret as dg.EnvVar: resolved when the run starts, shown by name in the UI."""
    return dg.EnvVar(name) if env.get(name) else None


def _existing(path: str | None, setting: str) -> str | None:
    if path is not None and not Path(path).is_file():
        raise FileNotFoundError(f"{setting}={path!r}: no such file. Fix or unset {setting}.")
    return path


def _enrichment_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The enrichment settings. A wrong one is kept as `enrichment_problem` (the default
    stands in for it) instead of stopping the code location: it then fails only the
    enrichment assets, never file ingest or the contact chain."""
    problems: list[str] = []

    def read(parse: Any, default: Any) -> Any:
        try:
            return parse()
        except ValueError as exc:
            problems.append(str(exc))
            return default

    backoff = env.get("BIZDEV_ENRICHMENT_BACKOFF_SECONDS")
    return {
        "enrichment_providers": read(
            lambda: tuple(parse_provider_order(env.get("BIZDEV_ENRICHMENT_PROVIDERS"))),
            ("offline",),
        ),
        "apollo_api_key": _secret(env, "APOLLO_API_KEY"),
        "apollo_api_base": env.get("APOLLO_API_BASE") or APOLLO_PUBLIC_API,
        "pdl_api_key": _secret(env, "PDL_API_KEY"),
        "pdl_api_base": env.get("PDL_API_BASE") or PDL_PUBLIC_API,
        "enrichment_daily_credits": read(
            lambda: _checked_credits(env.get("BIZDEV_ENRICHMENT_DAILY_CREDITS")), None
        ),
        "enrichment_people": _flag(env, "BIZDEV_ENRICHMENT_PEOPLE"),
        "enrichment_backoff_seconds": read(lambda: _seconds(backoff), 1.0),
        "news_feeds": tuple(split_list(env.get("BIZDEV_NEWS_FEEDS"))),
        "competitors": tuple(competitor_entries(env.get("BIZDEV_COMPETITORS"))),
        "enrichment_problem": "; ".join(problems) or None,
    }


def _seconds(value: str | None) -> float:
    try:
        seconds = float(value or 1)
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise ValueError(
            f"BIZDEV_ENRICHMENT_BACKOFF_SECONDS={value!r}: not a number of seconds (e.g. 1.5)"
        )
    return seconds


def enrichment_resources(settings: Settings) -> dict[str, Any]:
    """The provider waterfall (`enrichment`), the signal sources (`signal_sources`) and dlt
    for the raw layer (`dlt_raw`)."""
    problems = [settings.enrichment_problem] if settings.enrichment_problem else []
    try:
        credits = daily_credit_settings(settings.enrichment_daily_credits)
    except ValueError as exc:
        credits = daily_credit_settings(None)
        problems.append(str(exc))
    return {
        "enrichment": EnrichmentProviders(
            order=list(settings.enrichment_providers),
            apollo_api_key=settings.apollo_api_key,
            apollo_api_base=settings.apollo_api_base,
            pdl_api_key=settings.pdl_api_key,
            pdl_api_base=settings.pdl_api_base,
            people=settings.enrichment_people,
            backoff_seconds=settings.enrichment_backoff_seconds,
            allow_insecure_http=settings.allow_insecure_http,
            setting_problem="; ".join(problems) or None,
            **credits,
        ),
        "signal_sources": SignalSources(
            feeds=list(settings.news_feeds),
            competitors=list(settings.competitors),
            backoff_seconds=settings.enrichment_backoff_seconds,
        ),
        "dlt_raw": DagsterDltResource(),
    }


def _checked_credits(value: str | None) -> str | None:
    daily_credit_settings(value)  # a wrong value becomes the enrichment_problem
    return value or None

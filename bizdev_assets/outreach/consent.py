"""The consent gate: may this contact be emailed by an outreach sequence?

One function on purpose: a per-purpose consent model (a later GDPR issue) replaces
`outreach_consent` and nothing else changes. Today's rule, from what the golden contact
carries: explicit consent (`gdpr_consent`) allows outreach; without it, no contact is
emailed. A contact also needs a usable email that is not a role or disposable address.
"""

from __future__ import annotations

import polars as pl

CONSENT_COLUMNS = ["gdpr_consent", "consent_source", "email", "email_valid", "is_role_email", "is_disposable_email"]  # fmt: skip


def outreach_consent(contacts: pl.DataFrame) -> pl.DataFrame:
    """contact_id, outreach_allowed (bool), consent_basis (why it is or is not allowed)."""
    email_ok = (
        pl.col("email").is_not_null()
        & pl.col("email_valid").fill_null(False)
        & ~pl.col("is_role_email").fill_null(False)
        & ~pl.col("is_disposable_email").fill_null(False)
    )
    consent = pl.col("gdpr_consent").fill_null(False)
    return contacts.select(
        "contact_id",
        outreach_allowed=consent & email_ok,
        consent_basis=pl.when(~consent)
        .then(pl.lit("no consent"))
        .when(~email_ok)
        .then(pl.lit("no usable email"))
        .otherwise(pl.format("consent ({})", pl.col("consent_source").fill_null("source unknown"))),
    )

"""Jobs over the contact chain."""

from __future__ import annotations

import dagster as dg

from bizdev_assets.dedup.assets import contact_clusters, contact_match_model
from bizdev_assets.golden.assets import contacts, golden_contacts
from bizdev_assets.ingest.assets import raw_contact_files
from bizdev_assets.normalize.assets import contacts_normalized
from bizdev_assets.quality.assets import contact_quality_scores

# Every contact asset but the match model (trained by its own job); contacts_normalized
# also brings contacts_quarantine, made in the same step.
CONTACT_CHAIN = dg.AssetSelection.assets(
    raw_contact_files,
    contacts_normalized,
    contact_clusters,
    golden_contacts,
    contact_quality_scores,
    contacts,
)

contacts_refresh = dg.define_asset_job(
    "contacts_refresh",
    selection=CONTACT_CHAIN,
    description="New landing files -> normalized, clustered, golden, scored contacts. "
    "Uses the latest saved match model; retrain with the contact_model_training job.",
    # Runs write the same warehouse tables: the run queue starts one at a time.
    tags={"bizdev/writes": "warehouse"},
)

contact_model_training = dg.define_asset_job(
    "contact_model_training",
    selection=dg.AssetSelection.assets(contact_match_model),
    description="Re-estimate the Splink match model on all normalized contacts.",
    tags={"bizdev/writes": "warehouse"},
)

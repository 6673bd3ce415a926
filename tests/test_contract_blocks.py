"""docs/pipeline.md: the pandera contract of contacts_normalized is a blocking check; a
file whose rows break it is held back and the assets downstream do not run."""

from __future__ import annotations

import dagster as dg

from bizdev_assets.definitions import ASSETS
from resources.settings import build_resources
from resources.warehouse import DuckDBWarehouse

DOWNSTREAM = {"contact_match_model", "contact_clusters", "golden_contacts", "contacts"}


def test_a_file_breaking_the_contract_is_held_back_and_blocks_downstream(settings, landing):
    (landing / "good.csv").write_text("Name,Email\nAda Lovelace,ada@example.com\n")
    # A record id of 300 characters: contacts_normalized allows 255.
    (landing / "long_ids.csv").write_text(f"id,Name,Email\n{'R' * 300},Bo Li,bo@example.com\n")
    chain = dg.AssetSelection.all() - dg.AssetSelection.groups("crm")
    result = dg.materialize(
        ASSETS,
        selection=chain,
        resources=build_resources(settings),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )

    (check,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "pandera_contract"
    ]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert "long_ids.csv" in check.metadata["files_held_back"].value
    done = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "contacts_normalized" in done and not DOWNSTREAM & done
    log = DuckDBWarehouse(path=settings.warehouse).query(
        "select source_file, normalized_at is not null as done from landing_file_log"
    )
    assert dict(log.iter_rows()) == {"good.csv": True, "long_ids.csv": False}

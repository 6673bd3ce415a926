"""The `enrichment` asset group (docs/enrichment.md): company and person enrichment
(`assets.py`), market signals (`signal_assets.py`), the raw layer (`raw_layer.py`)."""

from bizdev_assets.enrichment.assets import COMPANY_ASSETS
from bizdev_assets.enrichment.raw_layer import enrichment_raw
from bizdev_assets.enrichment.signal_assets import company_signals

ENRICHMENT_ASSETS = [*COMPANY_ASSETS, company_signals, enrichment_raw]
# The steps (ops) of these assets: `bizdev run` tells their failure apart from the contacts'.
ENRICHMENT_STEPS = frozenset(asset.op.name for asset in ENRICHMENT_ASSETS)

__all__ = ["ENRICHMENT_ASSETS", "ENRICHMENT_STEPS"]

"""Where the rule files that shape the pipeline are (header overrides, survivorship rules,
quality weights), and the limits a landing file must keep (`ingest_limits.py`).

Each is a YAML file an operator can point at; unset means the default shipped beside
the code. The resource holds only the paths: the asset that uses a file loads and
validates it (`HeaderMapping.load`, `SurvivorshipRules.load`, `QualityWeights.load`), so
a typo fails that step with a message naming the file, and `resources/` knows nothing
of the rules themselves.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dagster as dg

from resources.ingest_limits import IngestLimits


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


class PipelineConfig(dg.ConfigurableResource):
    """Paths of the optional rule files (see the README's settings table); None = shipped
    default. And the ingest limits (defaults unless set)."""

    header_overrides: str | None = None
    survivorship_rules: str | None = None
    quality_weights: str | None = None
    ingest_limits: IngestLimits = IngestLimits()
    # GDPR suppression list: the HMAC secret (BIZDEV_GDPR_HMAC_KEY), else a key file made
    # on first use (the embedded default needs no setting; docs/gdpr.md).
    gdpr_hmac_key: str | None = None
    gdpr_key_file: str = "./data/gdpr/hmac.key"
    retention_policy: str | None = None  # YAML of retention periods; None = shipped default

    def gdpr_secret(self) -> bytes:
        """The suppression list's HMAC key: the setting, else the key file (created with
        a random key, readable by its owner only, the first time it is needed)."""
        if self.gdpr_hmac_key:
            return self.gdpr_hmac_key.encode()
        path = Path(self.gdpr_key_file)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
        return path.read_text().strip().encode()

    def header_overrides_path(self) -> Path | None:
        return _path(self.header_overrides)

    def survivorship_rules_path(self) -> Path | None:
        return _path(self.survivorship_rules)

    def quality_weights_path(self) -> Path | None:
        return _path(self.quality_weights)

"""Where the outreach rule files are and the knobs of enrolment and SLAs (settings:
docs/settings.md). Like `PipelineConfig`, it holds values only: the `leads` and
`outreach` assets load and validate the files, so a typo fails that step naming the file."""

from __future__ import annotations

from pathlib import Path

import dagster as dg


class OutreachConfig(dg.ConfigurableResource):
    lead_weights: str | None = None  # YAML; None = bizdev_assets/leads/weights.yaml
    territories: str | None = None  # YAML; None = bizdev_assets/leads/territories.yaml
    sequences_dir: str | None = None  # folder of sequence YAMLs; None = the shipped ones
    sequence: str = "demo-intro"  # the sequence newly qualified leads are enrolled into
    sla_business_hours: float = 4.0  # a routed lead untouched this long: notify; 2x: escalate
    settle_seconds: float = 20.0  # how long enrolment waits for new workflows' first step

    def path(self, name: str) -> Path | None:
        value = getattr(self, name)
        return Path(value) if value else None

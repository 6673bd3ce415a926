"""How much one landing file may hold before ingest refuses it, and why each limit exists.

Anyone who can drop a file is untrusted in practice (a partner's export, a web form, a
scraped list), so size, width, nesting and cell length are bounded before the bytes are
parsed, not discovered by running out of memory. Each limit is a setting (the variable
names below, `resources/settings.py`), carried by the `pipeline_config` resource; the
message of a file or row refused by one names the limit and the variable that raises it.
"""

from __future__ import annotations

import dagster as dg

MIB = 1024 * 1024

# Setting name of each limit, for the messages that tell an operator how to raise it.
LIMIT_SETTINGS: dict[str, str] = {
    "max_file_bytes": "BIZDEV_MAX_FILE_BYTES",
    "max_xlsx_uncompressed_bytes": "BIZDEV_MAX_XLSX_UNCOMPRESSED_BYTES",
    "max_xlsx_ratio": "BIZDEV_MAX_XLSX_RATIO",
    "max_columns": "BIZDEV_MAX_COLUMNS",
    "max_field_chars": "BIZDEV_MAX_FIELD_CHARS",
    "max_json_depth": "BIZDEV_MAX_JSON_DEPTH",
}


class IngestLimits(dg.Config):
    """Limits on one landing file (`PipelineConfig.ingest_limits`); see `docs/settings.md`."""

    # A text file costs about 3x its size in memory while read; 512 MiB keeps a file
    # under ~2 GB. Larger exports: split them, or raise the limit with the memory.
    max_file_bytes: int = 512 * MIB
    # Sheet XML is parsed in memory: the ZIP directory's sizes are checked first.
    max_xlsx_uncompressed_bytes: int = 1024 * MIB
    # Real workbooks compress 5-30x; a zip bomb compresses 200-1000x.
    max_xlsx_ratio: float = 100.0
    # CRM exports reach a few hundred columns; 20,000 is an attack or an accident.
    max_columns: int = 2_000
    # A contact's notes can be long; a 50 MB cell is not a contact.
    max_field_chars: int = 100_000
    # Web-form payloads nest 3-5 levels; Python's parser fails near 1,000.
    max_json_depth: int = 64

    def how_to_raise(self, limit: str) -> str:
        """`the limit is 2,000 (BIZDEV_MAX_COLUMNS)`: the words every refusal ends with."""
        value = getattr(self, limit)
        shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        return f"the limit is {shown} ({LIMIT_SETTINGS[limit]}; raise it to accept this)"

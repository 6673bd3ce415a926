"""Which landing files are CRM feeds bizdev wrote itself (`crm_feed_files`).

A pull writes the contacts that changed in a CRM into the landing zone
(`crm/<crm>_contacts_<time>_<run>.ndjson`), where the contact pipeline ingests them like
any drop. Anyone who can drop a file can also drop one named like that, so the name
proves nothing: the pull records each feed file's content hash here before writing it,
and what trusts a feed (a record's CRM id as the link to a CRM record in `links.py`,
the `source: crm_feed` survivorship trust) asks this table by the hash of the file the
record was read from. A forged or altered file has another hash and is an ordinary drop.
"""

from __future__ import annotations

import polars as pl

from bizdev_assets.crm.state import utcnow
from resources.landing import content_hash
from resources.warehouse import Warehouse

FEED_FILES_TABLE = "crm_feed_files"
FEED_FILE_SCHEMA: dict[str, pl.DataType] = {
    "file_hash": pl.String(),  # sha256 of the bytes written (resources.landing.content_hash)
    "landing_key": pl.String(),
    "crm_type": pl.String(),
    "object": pl.String(),
    "records": pl.Int64(),
    "run_id": pl.String(),
    "written_at": pl.Datetime("us"),
}


def record_feed_file(
    warehouse: Warehouse,
    key: str,
    data: bytes,
    *,
    crm_type: str,
    object_type: str,
    records: int,
    run_id: str,
) -> str:
    """Remember a feed file about to be written; returns its content hash."""
    file_hash = content_hash(data)
    row = {
        "file_hash": file_hash,
        "landing_key": key,
        "crm_type": crm_type,
        "object": object_type,
        "records": records,
        "run_id": run_id,
        "written_at": utcnow(),
    }
    warehouse.append_rows(FEED_FILES_TABLE, pl.DataFrame([row], schema=FEED_FILE_SCHEMA))
    return file_hash


def verified_feed_hashes(warehouse: Warehouse, crm_type: str | None = None) -> set[str]:
    """Content hashes of the feed files bizdev wrote (of one CRM, or of any)."""
    if not warehouse.table_exists(FEED_FILES_TABLE):
        return set()
    where, params = ("where crm_type = ?", [crm_type]) if crm_type else ("", None)
    rows = warehouse.query(f"select distinct file_hash from {FEED_FILES_TABLE} {where}", params)
    return set(rows["file_hash"])

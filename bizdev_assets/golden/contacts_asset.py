"""Transitional re-export: `contacts` now lives in `bizdev_assets/golden/assets.py`.

Only `tests/test_warehouse_postgres.py` (outside the shape-assets branch's files) still
imports it from here. Delete this module once that import reads
`from bizdev_assets.golden.assets import contacts`.
"""

from bizdev_assets.golden.assets import contacts

__all__ = ["contacts"]

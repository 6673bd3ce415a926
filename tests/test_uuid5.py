"""The batch uuid5 used for contact and company IDs gives exactly `uuid.uuid5`'s IDs."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from bizdev_assets.uuid5 import uuid5_strings


@given(st.lists(st.none() | st.text(), max_size=20), st.sampled_from(["bizdev:", "company:", ""]))
def test_batch_uuids_are_uuid5_of_the_prefixed_names(names, prefix):
    expected = [
        None if n is None else str(uuid.uuid5(uuid.NAMESPACE_URL, prefix + n)) for n in names
    ]
    assert uuid5_strings(prefix, names) == expected

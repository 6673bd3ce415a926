"""Where sales ops drop contact files: one interface, a folder or a bucket behind it.

`BIZDEV_LANDING` chooses (`resources/settings.py`, `landing_for`): `s3://bucket/prefix` is
a bucket (`S3Landing`, credentials and endpoint from the standard AWS variables),
anything else a local folder (`LocalLanding`).

- `base.py`: the `LandingZone` interface, `LandingFile`, `content_hash`
- `local.py`: `LocalLanding`, a drop folder (the embedded default)
- `s3.py`: `S3Landing`, objects under a bucket prefix

Import these names from `resources.landing`, except `S3Landing`: import it from
`resources.landing.s3`, so that only bucket users pay for importing boto3 and
dagster_aws (over a second on a busy 2-core machine, on every start of the code location).
"""

from resources.landing.base import (
    LandingFile,
    LandingUnavailable,
    LandingZone,
    content_hash,
    is_landing_key,
)
from resources.landing.local import LocalLanding

__all__ = [
    "LandingFile",
    "LandingUnavailable",
    "LandingZone",
    "LocalLanding",
    "content_hash",
    "is_landing_key",
]

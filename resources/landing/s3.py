"""The landing zone as an S3 (or MinIO, or any S3-compatible) bucket under a prefix.

Credentials, region and endpoint come from boto3's default chain, that is the standard
AWS variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
`AWS_ENDPOINT_URL`) or a profile, so `BIZDEV_LANDING=s3://bucket/prefix` is the only
bizdev setting. Objects are read straight from the bucket; nothing is copied locally.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)
from botocore.utils import parse_timestamp
from dagster_aws.s3.sensor import get_objects
from pydantic import PrivateAttr

from resources.landing.base import (
    FileTooLarge,
    IgnoredEntry,
    LandingFile,
    LandingScan,
    LandingUnavailable,
    LandingZone,
    display_name,
    ignored_reason,
)
from resources.landing.s3_cursor import BucketCursor, Listed

READ_CHUNK_BYTES = 8 * 1024 * 1024

_CREDENTIAL_ERRORS = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidToken",
    "ExpiredToken",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
}
_BUCKET_ERRORS = {"NoSuchBucket", "InvalidBucketName"}
_REGION_ERRORS = {"PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraint"}


class S3Landing(LandingZone):
    """Objects under `prefix` in `bucket` (`BIZDEV_LANDING=s3://bucket/prefix`)."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None  # None: AWS_ENDPOINT_URL, else AWS itself
    region: str | None = None  # None: AWS_REGION / the profile's region
    # How long after its last-modified time an object is surely visible in listings
    # (uploads slower than this, e.g. huge multipart ones, could be missed by the sensor;
    # the ingest asset, which lists everything, still reads them on its next run).
    settle_seconds: int = 60
    # Seconds a sensor tick spends listing, frontier and sweep (s3_cursor.py): a key
    # that sorts before the newest one, or an object rewritten in place, is found within
    # one sweep of the bucket, (objects / 1,000) list calls spread over ticks.
    sweep_seconds: float = 1.0

    _client: Any = PrivateAttr(default=None)

    @classmethod
    def from_url(cls, url: str) -> S3Landing:
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise ValueError(
                f"BIZDEV_LANDING={url!r} is not a bucket URL; write s3://bucket or s3://bucket/prefix."
            )
        return cls(bucket=parsed.netloc, prefix=parsed.path.strip("/"))

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self._key_prefix}"

    @property
    def _key_prefix(self) -> str:
        """The prefix as a folder: `leads` must not match `leads-archive/...`."""
        prefix = self.prefix.strip("/")
        return f"{prefix}/" if prefix else ""

    def scan(self) -> LandingScan:
        files, ignored = [], []
        for key, obj in self._list():
            why = ignored_reason(key)
            if why is None:
                files.append(obj)
            elif why:
                ignored.append(IgnoredEntry(display_name(key), why))
        return LandingScan(sorted(files, key=lambda f: f.key), ignored)

    def read_bytes(self, key: str, max_bytes: int | None = None) -> bytes:
        """The object's bytes, streamed in chunks into one buffer of its size (never a list
        of chunks joined after); over `max_bytes`, refused before its body is read."""
        with self._translated_errors():
            try:
                response = self._s3().get_object(Bucket=self.bucket, Key=self._key_prefix + key)
            except ClientError as exc:
                if _code(exc) in {"NoSuchKey", "404"}:
                    raise FileNotFoundError(
                        f"{self.location}{display_name(key)}: the object no longer exists"
                    ) from None
                raise
            body = response["Body"]
            size = int(response.get("ContentLength") or 0)
            if max_bytes is not None and size > max_bytes:
                body.close()
                raise FileTooLarge(key, size, max_bytes)
            buffer = bytearray(size)
            filled = 0
            for chunk in body.iter_chunks(chunk_size=READ_CHUNK_BYTES):
                end = filled + len(chunk)
                if end > size:  # longer than announced: refuse rather than grow unbounded
                    body.close()
                    raise FileTooLarge(key, end, size if max_bytes is None else max_bytes)
                buffer[filled:end] = chunk
                filled = end
        return buffer if filled == size else buffer[:filled]

    def write_bytes(self, key: str, data: bytes) -> None:
        with self._translated_errors():
            self._s3().put_object(Bucket=self.bucket, Key=self._key_prefix + key, Body=data)

    def exists(self, key: str) -> bool:
        with self._translated_errors():
            try:
                self._s3().head_object(Bucket=self.bucket, Key=self._key_prefix + key)
            except ClientError as exc:
                if _code(exc) in {"NoSuchKey", "404", "NotFound"}:
                    return False
                raise
        return True

    def list_keys(self, prefix: str) -> list[str]:
        with self._translated_errors():
            objects = get_objects(self.bucket, prefix=self._key_prefix + prefix, client=self._s3())
        start = len(self._key_prefix)
        return sorted(o["Key"][start:] for o in objects if not o["Key"].endswith(".part"))

    def delete(self, key: str) -> None:
        with self._translated_errors():
            self._s3().delete_object(Bucket=self.bucket, Key=self._key_prefix + key)

    def list_files_since(self, cursor: str | None, limit: int) -> tuple[list[LandingFile], str]:
        """Objects new or rewritten since the cursor, at most `limit`, without listing the
        whole prefix: see `s3_cursor.py` for the frontier and the sweep."""
        now, settle = time.time_ns(), self.settle_seconds * 10**9
        state = BucketCursor.load(cursor, now, settle)
        new = state.advance(self._page, limit, self.sweep_seconds, now, settle)
        return new, state.dump()

    def _page(self, start_after: str) -> tuple[list[Listed], bool]:
        """One ListObjectsV2 page (1,000 keys) under the prefix, after `start_after`."""
        with self._translated_errors():
            response = self._s3().list_objects_v2(
                Bucket=self.bucket,
                Prefix=self._key_prefix,
                StartAfter=start_after or self._key_prefix,
            )
        listed = [(obj["Key"], self._landing_file(obj)) for obj in response.get("Contents", [])]
        return listed, bool(response.get("IsTruncated"))

    def _list(self) -> list[tuple[str, LandingFile]]:
        """Every object under the prefix as (relative key, file); ListObjectsV2 pages of 1,000."""
        with self._translated_errors():
            objects = get_objects(self.bucket, prefix=self._key_prefix, client=self._s3())
        return [(obj["Key"][len(self._key_prefix) :], self._file(obj)) for obj in objects]

    def _file(self, obj: dict) -> LandingFile:
        return LandingFile(
            key=obj["Key"][len(self._key_prefix) :],
            size=obj["Size"],
            modified_ns=_epoch_ns(obj["LastModified"]),
            etag=obj["ETag"].strip('"'),
        )

    def _landing_file(self, obj: dict) -> LandingFile | None:
        item = self._file(obj)
        return item if ignored_reason(item.key) is None else None

    def _s3(self):
        if self._client is None:
            # A session of its own: boto3's default session caches credentials process-wide.
            session = botocore.session.get_session()
            session.get_component("response_parser_factory").set_parser_defaults(
                timestamp_parser=_parse_timestamp
            )
            self._client = boto3.session.Session(botocore_session=session).client(
                "s3",
                endpoint_url=self.endpoint_url or None,
                region_name=self.region or None,
                config=Config(connect_timeout=10, read_timeout=60),
            )
        return self._client

    @contextmanager
    def _translated_errors(self) -> Iterator[None]:
        """botocore failures as one sentence naming the setting to fix."""
        where = self.location
        try:
            yield
        except (NoCredentialsError, PartialCredentialsError):
            raise LandingUnavailable(
                f"{where}: no AWS credentials found. Set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)."
            ) from None
        except ConnectionError as exc:
            raise LandingUnavailable(
                f"{where}: cannot reach the S3 endpoint ({exc}). Check AWS_ENDPOINT_URL "
                "(unset it for AWS itself) and that the server is up."
            ) from None
        except ClientError as exc:
            raise LandingUnavailable(self._explain(exc)) from None
        except BotoCoreError as exc:
            raise LandingUnavailable(f"{where}: {exc}") from None

    def _explain(self, exc: ClientError) -> str:
        code = _code(exc)
        detail = f"{code}: {exc.response.get('Error', {}).get('Message', exc)}"
        endpoint = self._s3().meta.endpoint_url
        if code in _CREDENTIAL_ERRORS:
            return (
                f"{self.location}: {endpoint} rejected the credentials ({detail}). "
                "Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
            )
        if code in {"AccessDenied", "403"}:
            return (
                f"{self.location}: access denied ({detail}). Check AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, and that they may list and read this bucket and prefix."
            )
        if code in _BUCKET_ERRORS:
            return (
                f"{self.location}: no bucket {self.bucket!r} at {endpoint} ({detail}). "
                "Fix the bucket in BIZDEV_LANDING, or AWS_ENDPOINT_URL if it points at the "
                "wrong server."
            )
        if code in _REGION_ERRORS:
            return (
                f"{self.location}: wrong region ({detail}). Set AWS_REGION to the bucket's region."
            )
        return f"{self.location}: S3 request to {endpoint} failed ({detail})."


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _parse_timestamp(value: str) -> datetime:
    """ISO 8601 listing timestamps without dateutil (the slowest part of a 10k listing)."""
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return parse_timestamp(value)


def _epoch_ns(moment: datetime) -> int:
    return calendar.timegm(moment.utctimetuple()) * 10**9 + moment.microsecond * 1000

"""S3 adapters: the ingest bucket (sources in, error reports out) and the site bucket."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pressroom.adapters.aws import domain_errors, error_code
from pressroom.model import Inspected, Source

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CopySourceTypeDef

_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


def _unless_missing(call: Any, **kwargs: Any) -> Any:
    """`call(**kwargs)`, or None when the object does not exist."""
    from botocore.exceptions import ClientError

    try:
        with domain_errors():
            return call(**kwargs)
    except ClientError as error:
        if error_code(error) in _MISSING:
            return None
        raise


_CHUNK = 1024 * 1024


class IngestBucket:
    def __init__(self, name: str, client: S3Client, reports_prefix: str = "reports/") -> None:
        self.name = name
        self._client = client
        self._reports_prefix = reports_prefix

    def read(self, key: str, max_bytes: int) -> Source | None:
        """The current object under `key`, or None when it is gone. Reads at most
        `max_bytes + 1` bytes, so an oversized upload is detected without loading it."""
        from botocore.exceptions import ClientError

        try:
            response = _unless_missing(
                self._client.get_object, Bucket=self.name, Key=key, Range=f"bytes=0-{max_bytes}"
            )
        except ClientError as error:
            if error_code(error) != "InvalidRange":
                raise
            # A zero-byte object has no byte 0 to range over.
            head = _unless_missing(self._client.head_object, Bucket=self.name, Key=key)
            return None if head is None else Source(key, b"", head["LastModified"])
        if response is None:
            return None
        with response["Body"] as body:
            data = body.read()
        return Source(key=key, body=data, uploaded=response["LastModified"])

    def inspect(self, key: str, head_bytes: int, max_bytes: int) -> Inspected | None:
        """The object under `key` streamed once, never held whole (a large video), or None when
        it is gone. One larger than `max_bytes` is not read past its first bytes."""
        response = _unless_missing(self._client.get_object, Bucket=self.name, Key=key)
        if response is None:
            return None
        size = int(response["ContentLength"])
        digest = hashlib.sha256()
        head = b""
        with response["Body"] as body:
            while chunk := body.read(_CHUNK if size <= max_bytes else head_bytes):
                head += chunk[: max(0, head_bytes - len(head))]
                if size > max_bytes:
                    break
                digest.update(chunk)
        found = digest.hexdigest() if size <= max_bytes else "etag:" + response["ETag"].strip('"')
        return Inspected(
            key, found, head, size, response.get("VersionId"), response["LastModified"]
        )

    def deleted_since(self, key: str, since: datetime) -> bool:
        """Whether `key` was deleted at or after `since` (the bucket keeps versions, so a delete
        leaves a marker). S3 dates an object to the second and a marker to the millisecond: a
        delete in the same second as `since` counts, erring towards honouring the delete."""
        paginator = self._client.get_paginator("list_object_versions")
        with domain_errors():
            for page in paginator.paginate(Bucket=self.name, Prefix=key):
                for marker in page.get("DeleteMarkers", []):
                    if marker["Key"] == key and marker["LastModified"] >= since:
                        return True
        return False

    def report_key(self, source_key: str) -> str:
        return f"{self._reports_prefix}{source_key}.txt"

    def put_report(self, source_key: str, text: str) -> None:
        with domain_errors():
            self._client.put_object(
                Bucket=self.name,
                Key=self.report_key(source_key),
                Body=text.encode("utf-8"),
                ContentType="text/plain; charset=utf-8",
            )

    def delete_report(self, source_key: str) -> None:
        with domain_errors():
            self._client.delete_object(Bucket=self.name, Key=self.report_key(source_key))

    def keys(self, prefix: str) -> Iterator[str]:
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.name, Prefix=prefix):
            for obj in page.get("Contents", []):
                yield obj["Key"]


class SiteBucket:
    def __init__(self, name: str, client: S3Client) -> None:
        self.name = name
        self._client = client

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        with domain_errors():
            self._client.put_object(
                Bucket=self.name,
                Key=key,
                Body=body,
                ContentType=content_type,
                CacheControl=cache_control,
            )

    def delete(self, key: str) -> None:
        with domain_errors():
            self._client.delete_object(Bucket=self.name, Key=key)

    def copy_from(
        self,
        source: Inspected,
        bucket: str,
        key: str,
        content_type: str,
        cache_control: str,
    ) -> None:
        """Copy an uploaded object's exact version (`source`, from `bucket`) here, inside S3."""
        copied: CopySourceTypeDef = {"Bucket": bucket, "Key": source.key}
        if source.version_id and source.version_id != "null":
            copied["VersionId"] = source.version_id
        with domain_errors():
            self._client.copy_object(
                Bucket=self.name,
                Key=key,
                CopySource=copied,
                MetadataDirective="REPLACE",
                ContentType=content_type,
                CacheControl=cache_control,
            )

    def get(self, key: str) -> bytes | None:
        response = _unless_missing(self._client.get_object, Bucket=self.name, Key=key)
        if response is None:
            return None
        with response["Body"] as body:
            data: bytes = body.read()
        return data

    def keys(self, prefix: str = "") -> Iterator[str]:
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.name, Prefix=prefix):
            for obj in page.get("Contents", []):
                yield obj["Key"]

    def etags(self, prefix: str) -> Iterator[tuple[str, str]]:
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.name, Prefix=prefix):
            for obj in page.get("Contents", []):
                yield obj["Key"], obj["ETag"].strip('"')

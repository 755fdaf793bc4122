"""Content-addressed blob storage for archives: local disk or S3-compatible object storage.

Public interface::

    class BlobStore(Protocol):
        put(data: bytes, *, suffix: str = "") -> str
        put_stream(stream: BinaryIO, *, suffix: str = "") -> str
        open(key: str) -> BinaryIO          # streaming read; the caller closes it
        exists(key: str) -> bool
        size(key: str) -> int
    LocalStore(root: str)
    S3Store(bucket: str, prefix: str = "", client: Any = None)
    store_from_url(url: str) -> BlobStore
    blob_store() -> BlobStore           # the running app's store (ARCHIVE_STORAGE)
    blob_key(data: bytes, suffix: str = "") -> str
    InvalidKey(ValueError)

A key is the SHA-256 hex digest of the bytes plus a suffix such as ``.warc.gz``, so the same
bytes always get the same key and storing them twice writes nothing the second time. Keys
are checked (hex digest, then a short ``.ext`` suffix) before any path or object name is made
from them. ``open``/``size`` of a missing key raise ``FileNotFoundError`` on every backend.

``ARCHIVE_STORAGE`` picks the backend through ``store_from_url``:

- ``file://instance/archive``: relative to the working directory (RFC 8089 has no relative
  file URLs; this is the embedded default's convenience form);
- ``file:///srv/archive`` or ``file://localhost/srv/archive``: absolute;
- ``s3://bucket/prefix``: boto3 finds credentials, region and ``AWS_ENDPOINT_URL`` (MinIO,
  Ceph, R2...) in the usual ``AWS_*`` variables and files.

LocalStore lays files out as ``root/ab/cd/abcd...<suffix>`` and writes each one to a temporary
file in the same directory, flushed to disk, then renamed into place: a reader sees the whole
blob or none of it, even if the writer dies midway.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, Protocol, cast
from urllib.parse import unquote, urlsplit

CHUNK = 1 << 20
_KEY = re.compile(r"[0-9a-f]{64}(\.[A-Za-z0-9]{1,16}){0,3}")


class InvalidKey(ValueError):
    """A key or suffix that this store could not have produced."""


class BlobStore(Protocol):
    def put(self, data: bytes, *, suffix: str = "") -> str: ...
    def put_stream(self, stream: BinaryIO, *, suffix: str = "") -> str: ...
    def open(self, key: str) -> BinaryIO: ...
    def exists(self, key: str) -> bool: ...
    def size(self, key: str) -> int: ...


def blob_key(data: bytes, suffix: str = "") -> str:
    """The key ``data`` is stored under."""
    return _checked(hashlib.sha256(data).hexdigest() + suffix)


def _checked(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise InvalidKey(f"invalid blob key {key!r}")
    return key


class LocalStore:
    """Blobs as files under ``root``, fanned out by the first two bytes of the digest."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        os.makedirs(self.root, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalStore({self.root!r})"

    def path(self, key: str) -> str:
        """Where the blob ``key`` lives (whether or not it exists yet)."""
        key = _checked(key)
        return os.path.join(self.root, key[:2], key[2:4], key)

    def put(self, data: bytes, *, suffix: str = "") -> str:
        key = blob_key(data, suffix)
        if not self.exists(key):
            final = self.path(key)
            tmp = self._staged_in_dir_of(final, [data])
            os.replace(tmp, final)
        return key

    def put_stream(self, stream: BinaryIO, *, suffix: str = "") -> str:
        _checked("0" * 64 + suffix)
        digest = hashlib.sha256()

        def chunks() -> Iterator[bytes]:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                yield chunk

        # The key is known only at the end; the root is on the same filesystem as every
        # blob directory, so the rename below is still atomic.
        tmp = self._staged(self.root, chunks())
        key = digest.hexdigest() + suffix
        if self.exists(key):
            _remove_quietly(tmp)
        else:
            final = self.path(key)
            os.makedirs(os.path.dirname(final), exist_ok=True)
            os.replace(tmp, final)
        return key

    def _staged_in_dir_of(self, final: str, chunks: Iterable[bytes]) -> str:
        directory = os.path.dirname(final)
        try:
            return self._staged(directory, chunks)
        except FileNotFoundError:
            # The first blob in this fan-out directory. Creating directories only then saves
            # a mkdir call per blob, a measurable share of archiving a small page.
            os.makedirs(directory, exist_ok=True)
            return self._staged(directory, chunks)

    def _staged(self, directory: str, chunks: Iterable[bytes]) -> str:
        """A complete, synced, readable temporary file in ``directory``; its path."""
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide blobs from a web process
        except BaseException:
            _remove_quietly(tmp)
            raise
        return tmp

    def open(self, key: str) -> BinaryIO:
        return cast(BinaryIO, open(self.path(key), "rb"))  # the caller closes it

    def exists(self, key: str) -> bool:
        return os.path.isfile(self.path(key))

    def size(self, key: str) -> int:
        return os.path.getsize(self.path(key))


class S3Store:
    """Blobs as objects ``prefix/<key>`` in one bucket of any S3-compatible service."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client

    def __repr__(self) -> str:
        return f"S3Store({self.bucket!r}, {self.prefix!r})"

    def name(self, key: str) -> str:
        """The object name of blob ``key``."""
        key = _checked(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, data: bytes, *, suffix: str = "") -> str:
        key = blob_key(data, suffix)
        if not self.exists(key):
            # A PUT replaces an object whole: readers never see part of one.
            self.client.put_object(Bucket=self.bucket, Key=self.name(key), Body=data)
        return key

    def put_stream(self, stream: BinaryIO, *, suffix: str = "") -> str:
        _checked("0" * 64 + suffix)
        # The key is the digest, known only at the end: stage locally, then upload.
        with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as staging:
            digest = hashlib.sha256()
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                staging.write(chunk)
            key = digest.hexdigest() + suffix
            if not self.exists(key):
                staging.seek(0)
                self.client.upload_fileobj(staging, self.bucket, self.name(key))
        return key

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.name(key))
        except ClientError as exc:
            if _missing(exc):
                raise FileNotFoundError(key) from exc
            raise
        return cast(BinaryIO, response["Body"])  # botocore's StreamingBody reads lazily

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileNotFoundError(key)
        return int(head["ContentLength"])

    def _head(self, key: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.name(key))
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        return cast(dict[str, Any], head)


def store_from_url(url: str) -> BlobStore:
    """The store that ``ARCHIVE_STORAGE`` names; ValueError, saying why, for anything else."""
    parts = urlsplit(url.strip())
    if parts.query or parts.fragment:
        raise ValueError(f"ARCHIVE_STORAGE {url!r} must not have a query or fragment")
    if parts.scheme == "file":
        if parts.netloc in ("", "localhost"):
            path = unquote(parts.path)  # file:///abs/path
        else:
            path = unquote(parts.netloc + parts.path)  # file://instance/archive, relative
        if not path:
            raise ValueError(f"ARCHIVE_STORAGE {url!r} has no path")
        return LocalStore(path)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"ARCHIVE_STORAGE {url!r} names no bucket (s3://bucket/prefix)")
        return S3Store(parts.netloc, unquote(parts.path))
    raise ValueError(
        f"ARCHIVE_STORAGE must be file://relative/dir, file:///absolute/dir or "
        f"s3://bucket/prefix, not {url!r}"
    )


def _missing(exc: Any) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def blob_store() -> BlobStore:
    """The running app's store (``ARCHIVE_STORAGE``), built once per app and kept with it."""
    from flask import current_app

    from config import settings

    store: BlobStore | None = current_app.extensions.get("claimdesk.store")
    if store is None:
        store = store_from_url(settings().ARCHIVE_STORAGE)
        current_app.extensions["claimdesk.store"] = store
    return store

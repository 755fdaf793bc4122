"""Blob storage: content addressing, atomic local writes, S3 against moto's real HTTP server."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.archive.storage import InvalidKey, LocalStore, S3Store, blob_key, store_from_url

DATA = b"WARC/1.1\r\n" + bytes(range(256)) * 40
KEY = hashlib.sha256(DATA).hexdigest() + ".warc.gz"


# --- LocalStore -------------------------------------------------------------------------------


def test_local_put_is_content_addressed_and_fanned_out(tmp_path: Path) -> None:
    store = LocalStore(str(tmp_path))
    key = store.put(DATA, suffix=".warc.gz")
    assert key == KEY == blob_key(DATA, ".warc.gz")
    assert Path(store.path(key)) == tmp_path / key[:2] / key[2:4] / key
    with store.open(key) as fh:
        assert fh.read() == DATA
    assert store.exists(key) and store.size(key) == len(DATA)
    assert oct(os.stat(store.path(key)).st_mode & 0o777) == "0o644"


def test_local_put_is_idempotent_and_does_not_rewrite(tmp_path: Path) -> None:
    store = LocalStore(str(tmp_path))
    key = store.put(DATA, suffix=".warc.gz")
    inode = os.stat(store.path(key)).st_ino
    os.utime(store.path(key), (1, 1))
    assert store.put(DATA, suffix=".warc.gz") == key
    assert os.stat(store.path(key)).st_ino == inode and os.stat(store.path(key)).st_mtime == 1
    assert store.put(DATA, suffix=".txt") != key  # the suffix is part of the key
    assert store.put(DATA + b"!", suffix=".warc.gz") != key


def test_local_write_is_never_visible_half_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the bytes are being written, the final name does not exist; a failed write
    leaves neither the final name nor a temporary file behind."""
    store = LocalStore(str(tmp_path))
    final = Path(store.path(KEY))
    seen_during_write: list[bool] = []
    real_fsync = os.fsync

    def fsync_then_fail(fd: int) -> None:
        real_fsync(fd)
        seen_during_write.append(final.exists())
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", fsync_then_fail)
    with pytest.raises(OSError, match="disk full"):
        store.put(DATA, suffix=".warc.gz")
    assert seen_during_write == [False]
    assert not final.exists() and not store.exists(KEY)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []

    monkeypatch.setattr(os, "fsync", real_fsync)
    assert store.put(DATA, suffix=".warc.gz") == KEY and final.read_bytes() == DATA


def test_local_temp_file_is_complete_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalStore(str(tmp_path))
    renamed: list[tuple[str, bytes, str]] = []
    real_replace = os.replace

    def spy(src: Any, dst: Any) -> None:
        renamed.append((os.path.dirname(src), Path(src).read_bytes(), os.path.basename(src)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    store.put(DATA, suffix=".warc.gz")
    [(directory, content, name)] = renamed
    assert directory == os.path.dirname(store.path(KEY))  # same directory: rename is atomic
    assert content == DATA and name.startswith(".tmp-")


def test_concurrent_puts_of_the_same_blob(tmp_path: Path) -> None:
    store = LocalStore(str(tmp_path))
    barrier = threading.Barrier(8)
    keys: list[str] = []

    def put() -> None:
        barrier.wait()
        keys.append(store.put(DATA, suffix=".warc.gz"))

    threads = [threading.Thread(target=put) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert keys == [KEY] * 8
    assert Path(store.path(KEY)).read_bytes() == DATA
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [KEY]


def test_local_put_stream(tmp_path: Path) -> None:
    store = LocalStore(str(tmp_path))
    key = store.put_stream(io.BytesIO(DATA), suffix=".warc.gz")
    assert key == KEY and Path(store.path(key)).read_bytes() == DATA
    assert store.put_stream(io.BytesIO(DATA), suffix=".warc.gz") == KEY
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [KEY]


@pytest.mark.parametrize(
    "key", ["../../etc/passwd", "ab", KEY.upper(), KEY + "/x", "." + KEY, KEY[:-1] + "/"]
)
def test_keys_are_checked_before_touching_the_disk(tmp_path: Path, key: str) -> None:
    store = LocalStore(str(tmp_path))
    for call in (store.open, store.exists, store.size):
        with pytest.raises(InvalidKey):
            call(key)


@pytest.mark.parametrize("suffix", ["/../x", ".warc/../../y", "x" * 40, ". gz"])
def test_bad_suffixes_are_refused(tmp_path: Path, suffix: str) -> None:
    with pytest.raises(ValueError):
        LocalStore(str(tmp_path)).put(b"data", suffix=suffix)


def test_missing_blob(tmp_path: Path) -> None:
    store = LocalStore(str(tmp_path))
    assert not store.exists(KEY)
    with pytest.raises(FileNotFoundError):
        store.open(KEY)
    with pytest.raises(FileNotFoundError):
        store.size(KEY)


# --- store_from_url ---------------------------------------------------------------------------


def test_store_from_file_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    relative = store_from_url("file://instance/archive")
    assert isinstance(relative, LocalStore)
    assert relative.root == str(tmp_path / "instance" / "archive")
    absolute = store_from_url(f"file://{tmp_path}/abs")
    assert isinstance(absolute, LocalStore) and absolute.root == str(tmp_path / "abs")
    localhost = store_from_url(f"file://localhost{tmp_path}/lh")
    assert isinstance(localhost, LocalStore) and localhost.root == str(tmp_path / "lh")
    spaced = store_from_url(f"file://{tmp_path}/with%20space")
    assert isinstance(spaced, LocalStore) and spaced.root == str(tmp_path / "with space")


def test_store_from_s3_url() -> None:
    store = store_from_url("s3://archives/claimdesk/prod/")
    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix) == ("archives", "claimdesk/prod")
    assert store.name(KEY) == f"claimdesk/prod/{KEY}"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "instance/archive",
        "ftp://host/x",
        "s3://",
        "s3:///prefix",
        "file://",
        "http://x/",
        "s3://bucket/p?region=x",
        "file:///tmp/a#frag",
    ],
)
def test_store_from_url_refuses_the_rest(url: str) -> None:
    with pytest.raises(ValueError, match="ARCHIVE_STORAGE"):
        store_from_url(url)


# --- S3Store against moto's server ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@dataclass
class Bucket:
    client: Any
    name: str


@pytest.fixture()
def s3(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    """A bucket on the moto server, reached the way production reaches S3: through env vars."""
    import boto3

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto_endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    client = boto3.client("s3")
    bucket = f"archives-{os.getpid()}-{_free_port()}"
    client.create_bucket(Bucket=bucket)
    return Bucket(client, bucket)


def test_s3_put_open_exists_size(s3: Bucket) -> None:
    store = store_from_url(f"s3://{s3.name}/claimdesk")
    assert isinstance(store, S3Store)
    key = store.put(DATA, suffix=".warc.gz")
    assert key == KEY
    assert store.exists(key) and store.size(key) == len(DATA)
    with store.open(key) as fh:
        assert fh.read(10) == DATA[:10]  # streamed: read in pieces
        assert fh.read() == DATA[10:]
    listed = s3.client.list_objects_v2(Bucket=s3.name)["Contents"]
    assert [o["Key"] for o in listed] == [f"claimdesk/{KEY}"]


def test_s3_put_is_idempotent(s3: Bucket) -> None:
    store = S3Store(s3.name, "p", client=s3.client)
    store.put(DATA, suffix=".warc.gz")
    first = s3.client.head_object(Bucket=s3.name, Key=f"p/{KEY}")["LastModified"]
    calls: list[str] = []
    s3.client.meta.events.register("before-call.s3.PutObject", lambda **kw: calls.append("put"))
    assert store.put(DATA, suffix=".warc.gz") == KEY
    assert calls == []  # nothing rewritten
    assert s3.client.head_object(Bucket=s3.name, Key=f"p/{KEY}")["LastModified"] == first


def test_s3_put_stream_and_missing_keys(s3: Bucket) -> None:
    store = S3Store(s3.name, "", client=s3.client)
    key = store.put_stream(io.BytesIO(DATA), suffix=".warc.gz")
    assert key == KEY and s3.client.get_object(Bucket=s3.name, Key=KEY)["Body"].read() == DATA
    missing = hashlib.sha256(b"nothing").hexdigest()
    assert not store.exists(missing)
    with pytest.raises(FileNotFoundError):
        store.open(missing)
    with pytest.raises(FileNotFoundError):
        store.size(missing)
    with pytest.raises(InvalidKey):
        store.exists("../" + missing)


def test_s3_errors_other_than_missing_are_not_hidden(s3: Bucket) -> None:
    from botocore.exceptions import ClientError

    store = S3Store("no-such-bucket-here", "", client=s3.client)
    with pytest.raises(ClientError):
        store.put(DATA)

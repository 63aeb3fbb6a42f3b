"""Media archive service: moves uploaded files to S3, indexes them, and expires old ones.

A realistic module for the pre-commit benchmark (``bench/corpus/one.py``): ordinary code
with a handful of the credential mistakes lint-creds reports. The keys below are fake.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import mimetypes
import os
import pathlib
import threading
import time
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

log = logging.getLogger(__name__)

BUCKET = os.environ.get("ARCHIVE_BUCKET", "media-archive")
REGION = os.environ.get("AWS_REGION", "eu-west-1")
PREFIX = "archive/"
CHUNK = 8 * 1024 * 1024
RETENTION_DAYS = int(os.environ.get("ARCHIVE_RETENTION_DAYS", "90"))

# Left over from the first prototype; still used by the nightly job.
LEGACY_KEY_ID = "AKIABENCHFAKEKEY0001"
LEGACY_SECRET = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycA"

RETRY_CONFIG = Config(
    region_name=REGION,
    retries={"max_attempts": 5, "mode": "adaptive"},
    connect_timeout=5,
    read_timeout=60,
)
TRANSFER = TransferConfig(multipart_threshold=CHUNK, multipart_chunksize=CHUNK, max_concurrency=4)


@dataclass(frozen=True)
class ArchivedObject:
    """One object in the archive, as the index stores it."""

    key: str
    size: int
    sha256: str
    content_type: str
    uploaded: dt.datetime
    tags: Tuple[Tuple[str, str], ...] = ()

    def to_json(self) -> Dict[str, object]:
        """The index row for this object."""
        return {
            "key": self.key,
            "size": self.size,
            "sha256": self.sha256,
            "content_type": self.content_type,
            "uploaded": self.uploaded.isoformat(),
            "tags": dict(self.tags),
        }


@dataclass
class Stats:
    """Counters for one archive pass."""

    uploaded: int = 0
    skipped: int = 0
    failed: int = 0
    bytes: int = 0
    errors: List[str] = field(default_factory=list)

    def merge(self, other: "Stats") -> None:
        """Add another pass's counters to these."""
        self.uploaded += other.uploaded
        self.skipped += other.skipped
        self.failed += other.failed
        self.bytes += other.bytes
        self.errors.extend(other.errors)


def make_client():
    """The S3 client of this service (credentials from the environment, by hand)."""
    return boto3.client(
        "s3",
        region_name=REGION,
        config=RETRY_CONFIG,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    )


def make_legacy_session():
    """The session the nightly job still uses."""
    return boto3.Session(
        aws_access_key_id=LEGACY_KEY_ID,
        aws_secret_access_key=LEGACY_SECRET,
        region_name=REGION,
    )


def make_worker_client(session):
    """A client for worker threads, built from a copy of the session's credentials."""
    creds = session.get_credentials().get_frozen_credentials()
    return boto3.client(
        "s3",
        region_name=REGION,
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
        aws_session_token=creds.token,
    )


def export_credentials_for_subprocess(key_id: str, secret: str) -> None:
    """The transcoder subprocess reads keys from its environment."""
    os.environ["AWS_ACCESS_KEY_ID"] = key_id
    os.environ["AWS_SECRET_ACCESS_KEY"] = secret


def sha256_of(path: pathlib.Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def content_type_of(path: pathlib.Path) -> str:
    """A MIME type for ``path``, defaulting to octet-stream."""
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def object_key(root: pathlib.Path, path: pathlib.Path) -> str:
    """The archive key of ``path`` below ``root``."""
    relative = path.relative_to(root).as_posix()
    return PREFIX + relative


def walk(root: pathlib.Path) -> Iterator[pathlib.Path]:
    """Every regular file below ``root``, hidden files skipped, in a stable order."""
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield pathlib.Path(directory) / name


def exists_with_hash(client, key: str, sha256: str) -> bool:
    """Is ``key`` already archived with the same content?"""
    try:
        head = client.head_object(Bucket=BUCKET, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            return False
        raise
    return head.get("Metadata", {}).get("sha256") == sha256


def upload_one(client, root: pathlib.Path, path: pathlib.Path, stats: Stats) -> Optional[ArchivedObject]:
    """Upload one file unless an identical copy is archived; updates ``stats``."""
    key = object_key(root, path)
    digest = sha256_of(path)
    if exists_with_hash(client, key, digest):
        stats.skipped += 1
        return None
    content_type = content_type_of(path)
    try:
        client.upload_file(
            str(path), BUCKET, key,
            ExtraArgs={"ContentType": content_type, "Metadata": {"sha256": digest}},
            Config=TRANSFER,
        )
    except ClientError as error:
        stats.failed += 1
        stats.errors.append(f"{key}: {error}")
        log.warning("upload failed for %s: %s", key, error)
        return None
    size = path.stat().st_size
    stats.uploaded += 1
    stats.bytes += size
    return ArchivedObject(key, size, digest, content_type, dt.datetime.now(dt.timezone.utc))


def archive_tree(root: pathlib.Path, workers: int = 4) -> Tuple[List[ArchivedObject], Stats]:
    """Archive every file below ``root`` with a few worker threads."""
    session = boto3.Session(region_name=REGION)
    paths = list(walk(root))
    results: List[ArchivedObject] = []
    total = Stats()
    lock = threading.Lock()

    def work(batch: List[pathlib.Path]) -> None:
        client = make_worker_client(session)
        local = Stats()
        done = [upload_one(client, root, p, local) for p in batch]
        with lock:
            results.extend(obj for obj in done if obj is not None)
            total.merge(local)

    batches = [paths[i::workers] for i in range(workers)]
    threads = [threading.Thread(target=work, args=(b,), daemon=True) for b in batches if b]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, total


def write_index(objects: Iterable[ArchivedObject], client=None) -> str:
    """Write the JSON index of ``objects`` next to them; returns its key."""
    client = client or make_client()
    rows = sorted((obj.to_json() for obj in objects), key=lambda row: str(row["key"]))
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    key = f"{PREFIX}index/{stamp}.json"
    body = json.dumps({"objects": rows, "count": len(rows)}, indent=1).encode()
    client.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType="application/json")
    return key


def expired_keys(client, now: Optional[dt.datetime] = None) -> Iterator[str]:
    """Keys older than the retention period."""
    now = now or dt.datetime.now(dt.timezone.utc)
    cutoff = now - dt.timedelta(days=RETENTION_DAYS)
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=BUCKET, Prefix=PREFIX):
        for item in page.get("Contents", []):
            if item["LastModified"] < cutoff and "/index/" not in item["Key"]:
                yield item["Key"]


def expire(client=None, dry_run: bool = True) -> int:
    """Delete expired objects in batches of a thousand; returns how many."""
    client = client or make_legacy_session().client("s3", config=RETRY_CONFIG)
    batch: List[Dict[str, str]] = []
    count = 0
    for key in expired_keys(client):
        batch.append({"Key": key})
        if len(batch) == 1000:
            count += _delete(client, batch, dry_run)
            batch = []
    if batch:
        count += _delete(client, batch, dry_run)
    return count


def _delete(client, batch: List[Dict[str, str]], dry_run: bool) -> int:
    if dry_run:
        log.info("would delete %d objects", len(batch))
        return len(batch)
    response = client.delete_objects(Bucket=BUCKET, Delete={"Objects": batch, "Quiet": True})
    for error in response.get("Errors", []):
        log.warning("could not delete %s: %s", error.get("Key"), error.get("Message"))
    return len(batch) - len(response.get("Errors", []))


def transcode_queue():
    """The SQS queue the transcoder listens on."""
    sqs = boto3.resource("sqs", region_name=REGION)
    return sqs.get_queue_by_name(QueueName=os.environ.get("TRANSCODE_QUEUE", "transcode"))


def notify_transcoder(objects: Iterable[ArchivedObject]) -> int:
    """Queue every archived video for transcoding; returns how many were sent."""
    queue = transcode_queue()
    sent = 0
    for obj in objects:
        if not obj.content_type.startswith("video/"):
            continue
        queue.send_message(MessageBody=json.dumps({"bucket": BUCKET, "key": obj.key}))
        sent += 1
    return sent


def main(argv: Optional[List[str]] = None) -> int:
    """``archive ROOT [--expire] [--apply]``: archive a tree, then optionally expire."""
    import argparse

    parser = argparse.ArgumentParser(prog="archive")
    parser.add_argument("root", type=pathlib.Path)
    parser.add_argument("--expire", action="store_true")
    parser.add_argument("--apply", action="store_true")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    started = time.monotonic()
    objects, stats = archive_tree(args.root, workers=args.workers)
    index_key = write_index(objects)
    sent = notify_transcoder(objects)
    expired = expire(dry_run=not args.apply) if args.expire else 0
    log.info(
        "archived %d (%d bytes), skipped %d, failed %d, queued %d, expired %d, index %s in %.1fs",
        stats.uploaded, stats.bytes, stats.skipped, stats.failed, sent, expired, index_key,
        time.monotonic() - started,
    )
    return 1 if stats.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Identity: content-addressed upload names, tags, spec hashes, fingerprints and the hash cache."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from aac.errors import AacError
from aac.identity import (
    file_attributes,
    fingerprint,
    hash_files,
    owner_of,
    parse_upload_filename,
    spec_hash,
    tags,
    upload_basename,
    upload_filename,
)
from aac.resources import LocalFile

SHA = "ab" * 32


def test_upload_filename_keeps_the_extension_last_and_parses_back() -> None:
    name = upload_filename("demo", SHA, "knowledge/policies/warranty.pdf")
    assert name == f"aac.demo.{SHA}.warranty.pdf"
    assert parse_upload_filename(name, "demo") == SHA
    assert upload_basename(name) == "warranty.pdf"


@pytest.mark.parametrize(
    ("filename", "stack", "expected"),
    [
        (f"aac.prod.eu.{SHA}.faq.md", "prod.eu", SHA),  # dotted stack names are unambiguous
        (f"aac.prod.eu.{SHA}.faq.md", "prod", None),  # another stack whose name starts like ours
        (f"aac.prod.{SHA}.faq.md", "prod.eu", None),
        (f"aac.demo.{SHA[:63]}.faq.md", "demo", None),  # 63 hex is not a sha
        (f"aac.demo.{SHA.upper()}.faq.md", "demo", None),
        (f"aac.demo.{SHA}.", "demo", None),  # no basename
        ("faq.md", "demo", None),
    ],
)
def test_parse_upload_filename_matches_only_this_stacks_uploads(filename: str, stack: str,
                                                                expected: str | None) -> None:
    assert parse_upload_filename(filename, stack) == expected


def test_tags_round_trip_through_owner_of_and_foreign_metadata_has_no_owner() -> None:
    metadata = {"team": "x", **tags("demo", "kb", "sha256:1", protect=True)}
    assert owner_of(metadata) == ("demo", "kb", "sha256:1")
    assert metadata["aac-protect"] == "true"
    assert "aac-protect" not in tags("demo", "kb", "sha256:1")
    assert owner_of({"aac-stack": "demo", "aac-key": "kb"}) is None  # not managed by aac
    assert owner_of(None) is None


def test_attributes_carry_the_sha_and_a_path_cut_to_the_api_limit() -> None:
    attributes = file_attributes(SHA, "d/" + "x" * 600)
    assert attributes["aac-sha256"] == SHA and len(attributes["aac-path"]) == 512


def test_spec_hash_ignores_key_order_and_fingerprint_ignores_volatile_fields() -> None:
    assert spec_hash({"a": 1, "b": [1, {"c": 2, "d": 3}]}) == spec_hash({"b": [1, {"d": 3, "c": 2}], "a": 1})
    assert spec_hash({"a": 1}).startswith("sha256:") and spec_hash({"a": 1}) != spec_hash({"a": 2})
    store = {"id": "vs_1", "name": "kb", "usage_bytes": 1, "status": "in_progress", "last_active_at": 5,
             "file_counts": {"total": 1}, "expires_at": None}
    later = {**store, "usage_bytes": 900, "status": "completed", "last_active_at": 99, "file_counts": {"total": 2}}
    assert fingerprint(store) == fingerprint(later)
    assert fingerprint(store) != fingerprint({**store, "name": "kb2"})


def _local(root: Path, name: str, data: bytes) -> LocalFile:
    path = root / name
    path.write_bytes(data)
    return LocalFile(path=name, abspath=path, size=len(data))


def test_hash_files_streams_and_caches_by_size_and_mtime(tmp_path: Path) -> None:
    big = _local(tmp_path, "big.bin", os.urandom(3 * 1024 * 1024 + 7))  # several 1 MiB chunks
    small = _local(tmp_path, "small.txt", b"hello")
    cache = tmp_path / ".aac" / "hashes.json"
    hashes = hash_files({"big.bin": big, "small.txt": small}, cache)
    assert hashes == {"big.bin": hashlib.sha256(big.abspath.read_bytes()).hexdigest(),
                      "small.txt": hashlib.sha256(b"hello").hexdigest()}
    assert set(json.loads(cache.read_text())) == {"big.bin", "small.txt"}
    # Same size and mtime: the cache answers without reading the bytes again.
    stat = small.abspath.stat()
    small.abspath.write_bytes(b"HELLO")
    os.utime(small.abspath, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert hash_files({"small.txt": small}, cache)["small.txt"] == hashlib.sha256(b"hello").hexdigest()
    # A new mtime: the file is read again.
    os.utime(small.abspath, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert hash_files({"small.txt": small}, cache)["small.txt"] == hashlib.sha256(b"HELLO").hexdigest()


def test_a_corrupt_cache_is_ignored_and_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    cache = tmp_path / "hashes.json"
    cache.write_text("{not json")
    small = _local(tmp_path, "a.txt", b"a")
    assert hash_files({"a.txt": small}, cache)["a.txt"] == hashlib.sha256(b"a").hexdigest()
    gone = LocalFile(path="gone.txt", abspath=tmp_path / "gone.txt", size=1)
    with pytest.raises(AacError, match="cannot read gone.txt"):
        hash_files({"gone.txt": gone}, cache)

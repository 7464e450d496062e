"""The sandbox's state: one SQLite database plus a folder of uploaded bytes.

Every object is a JSON document in one table, keyed by (kind, parent, id) and ordered
by an insertion sequence, so list pagination is exact even when many objects share a
`created_at` second. Deleted rows stay as tombstones so an `after` cursor that names a
just-deleted object still pages on (clients delete while they iterate).
"""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
import string
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aac import limits
from aac.sandbox.profiles import OPENAI, Profile
from aac.sandbox.search_index import DEFAULT_BUDGET, IndexCache

JSON = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    parent TEXT NOT NULL DEFAULT '',
    id TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    UNIQUE (kind, parent, id)
);
CREATE INDEX IF NOT EXISTS objects_by_id ON objects (kind, id);
CREATE INDEX IF NOT EXISTS objects_by_expiry ON objects (kind, json_extract(body, '$.expires_at')) WHERE deleted = 0;
"""
_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


class Unstorable(ValueError):
    """An object that could not be written back as JSON (a lone surrogate, NaN): never stored."""


def _encode(obj: JSON) -> str:
    """The stored form; raises Unstorable rather than store what every later read would fail on."""
    try:
        text = json.dumps(obj, allow_nan=False, ensure_ascii=False)
        text.encode("utf-8")
    except (ValueError, UnicodeEncodeError) as exc:
        raise Unstorable(str(exc)) from None
    return text


@dataclass(frozen=True)
class Page:
    """One page of a list, in the requested order."""

    items: list[JSON]
    has_more: bool


class Store:
    """Thread-safe access to the objects table and the uploaded bytes."""

    def __init__(
        self, db: str = ":memory:", *, index_delay_ms: int = 50, max_upload_bytes: int = limits.FILE_BYTES_MAX,
        profile: Profile = OPENAI, index_memory_bytes: int = DEFAULT_BUDGET,
    ) -> None:
        self.db = db
        self.profile = profile  # whose server the sandbox answers as
        self.index_delay_s = index_delay_ms / 1000  # how long a vector-store file takes to index
        self.max_upload_bytes = max_upload_bytes
        self.indexes = IndexCache(index_memory_bytes)  # what search keeps of the texts in memory
        self._temp = db == ":memory:"
        if self._temp:
            self.blob_dir = Path(tempfile.mkdtemp(prefix="aac-sandbox-"))
        else:
            path = Path(db)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.blob_dir = path.with_name(path.name + ".files")
            self.blob_dir.mkdir(exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
        if not self._temp:
            # One transaction per statement; WAL + NORMAL keeps that from being an fsync each.
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._closed = False

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._conn.close()
            self.indexes.clear()
            if self._temp:
                shutil.rmtree(self.blob_dir, ignore_errors=True)

    def blob_path(self, file_id: str) -> Path:
        return self.blob_dir / file_id

    def text_path(self, file_id: str) -> Path:
        """Where the text parsed from an upload is kept (for types whose text is extracted)."""
        return self.blob_dir / f"{file_id}.txt"

    def insert(self, kind: str, obj: JSON, parent: str = "") -> None:
        with self._lock:
            self._conn.execute(
                "DELETE FROM objects WHERE kind=? AND parent=? AND id=? AND deleted=1", (kind, parent, obj["id"])
            )
            self._conn.execute(
                "INSERT INTO objects (kind, parent, id, body) VALUES (?, ?, ?, ?)",
                (kind, parent, obj["id"], _encode(obj)),
            )

    def get(self, kind: str, obj_id: str, parent: str = "") -> JSON | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT body FROM objects WHERE kind=? AND parent=? AND id=? AND deleted=0", (kind, parent, obj_id)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, kind: str, obj: JSON, parent: str = "") -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE objects SET body=? WHERE kind=? AND parent=? AND id=? AND deleted=0",
                (_encode(obj), kind, parent, obj["id"]),
            )

    def delete(self, kind: str, obj_id: str, parent: str = "", children: str | None = None) -> bool:
        """Delete an object, and with it every object of kind `children` under it; False when there was none."""
        with self._lock:
            cur = self._conn.execute(
                "UPDATE objects SET deleted=1 WHERE kind=? AND parent=? AND id=? AND deleted=0", (kind, parent, obj_id)
            )
            if cur.rowcount and children is not None:
                self._conn.execute(
                    "UPDATE objects SET deleted=1 WHERE kind=? AND parent=? AND deleted=0", (children, obj_id)
                )
        return cur.rowcount > 0

    def tally(self, kind: str, parent: str, where: dict[str, Any] | None = None) -> dict[str, tuple[int, int]]:
        """Per `status`: how many live objects, and the sum of their `usage_bytes`."""
        sql, args = self._filter(kind, parent, where)
        with self._lock:
            rows = self._conn.execute(
                "SELECT json_extract(body, '$.status'), COUNT(*), "
                f"COALESCE(SUM(json_extract(body, '$.usage_bytes')), 0) FROM objects WHERE {sql} GROUP BY 1",
                args,
            ).fetchall()
        return {status: (count, total) for status, count, total in rows}

    def expired(self, kind: str, now: float) -> list[JSON]:
        """Live objects of a kind whose `expires_at` is at or before `now`."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT body FROM objects WHERE kind=? AND deleted = 0 AND json_extract(body, '$.expires_at') <= ?",
                (kind, now),
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def all(self, kind: str, parent: str | None = None, where: dict[str, Any] | None = None) -> list[JSON]:
        """Every live object of a kind (optionally under one parent), oldest first."""
        sql, args = self._filter(kind, parent, where)
        with self._lock:
            rows = self._conn.execute(f"SELECT body FROM objects WHERE {sql} ORDER BY seq", args).fetchall()
        return [json.loads(r[0]) for r in rows]

    def page(
        self,
        kind: str,
        *,
        parent: str | None = None,
        where: dict[str, Any] | None = None,
        limit: int,
        order: str = "desc",
        after: str | None = None,
        before: str | None = None,
        lossy: bool = False,
    ) -> Page:
        """A page of a list, with the cursor semantics of OpenAI's list endpoints.

        `lossy`: the cursor compares `created_at` seconds, as llama-stack's does, so objects
        sharing the cursor's second are skipped.
        """
        sql, args = self._filter(kind, parent, where)
        desc = order == "desc"
        reverse = False
        with self._lock:
            for cursor, forward in ((after, True), (before, False)):
                if cursor is None:
                    continue
                seq = self._seq(kind, parent, cursor)
                if seq is None:
                    return Page([], False)
                op = "<" if desc == forward else ">"
                sql += f" AND seq {op} ?"
                args.append(seq)
                if lossy:
                    sql += f" AND json_extract(body, '$.created_at') {op} ?"
                    args.append(self._created_at(seq))
                reverse = reverse or not forward
            direction = "DESC" if desc != reverse else "ASC"
            rows = self._conn.execute(
                f"SELECT body FROM objects WHERE {sql} ORDER BY seq {direction} LIMIT ?", [*args, limit + 1]
            ).fetchall()
        items = [json.loads(r[0]) for r in rows[:limit]]
        if reverse:
            items.reverse()
        return Page(items, len(rows) > limit)

    def _created_at(self, seq: int) -> int:
        sql = "SELECT json_extract(body, '$.created_at') FROM objects WHERE seq=?"
        row = self._conn.execute(sql, (seq,)).fetchone()
        return int(row[0] or 0)

    def _seq(self, kind: str, parent: str | None, obj_id: str) -> int | None:
        sql = "SELECT seq FROM objects WHERE kind=? AND id=?"
        args: list[Any] = [kind, obj_id]
        if parent is not None:
            sql += " AND parent=?"
            args.append(parent)
        row = self._conn.execute(sql + " ORDER BY seq DESC", args).fetchone()
        return int(row[0]) if row else None

    @staticmethod
    def _filter(kind: str, parent: str | None, where: dict[str, Any] | None) -> tuple[str, list[Any]]:
        sql = "kind=? AND deleted=0"
        args: list[Any] = [kind]
        if parent is not None:
            sql += " AND parent=?"
            args.append(parent)
        for key, value in (where or {}).items():
            # The path is a parameter, not SQL text: a key can come from a client's query.
            sql += " AND json_extract(body, ?) = ?"
            args.extend([f"$.{key}", value])
        return sql, args

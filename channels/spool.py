"""A local durable spool: webhooks kept on disk while PostgreSQL cannot take them.

Twilio does not redeliver an inbound SMS after a 5xx, so during a database outage a
webhook is appended here, flushed to disk, and only then answered 200. The drainer
(`channels.drain`) moves the entries into PostgreSQL in arrival order once it is back.

Why SQLite in WAL mode rather than an append-only file of our own: a commit is atomic
and, with `synchronous=FULL`, fsynced before it returns, so a crash leaves whole
entries or none (no torn record to detect and skip by hand); entries are read back in
arrival order through the rowid and removed once stored without rewriting the file;
and the stdlib has it. Each `serve` process keeps its own file, so there is one writer.

What is kept is the request as it came (provider, URL, headers, body), sealed with a
key derived from the master key (a body may hold a card number typed in a message), so
the drain can run it through the same verify/parse/route/store steps as a live request.
The sqlite calls run on one thread of their own, never on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.errors import Unavailable

T = TypeVar("T")
log = logging.getLogger(__name__)

_SCHEMA = """CREATE TABLE IF NOT EXISTS spool (
    id INTEGER PRIMARY KEY AUTOINCREMENT, arrived REAL NOT NULL, provider TEXT NOT NULL,
    verified INTEGER NOT NULL, sealed BLOB NOT NULL)"""
# entries no master key opens (spooled under a key since retired and not configured as
# previous): kept here, out of the drain's way, for an operator who still has that key
_ASIDE = """CREATE TABLE IF NOT EXISTS unreadable (
    id INTEGER PRIMARY KEY, arrived REAL NOT NULL, provider TEXT NOT NULL,
    verified INTEGER NOT NULL, sealed BLOB NOT NULL)"""


class SpoolFull(Unavailable):
    """The spool holds as much as it may (size or age): answered 503."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One webhook request as it came: enough to verify, parse and route it again."""

    provider: str
    url: str  # the public URL exactly as the provider called it (query included)
    headers: tuple[tuple[str, str], ...]
    body: bytes
    arrived: float  # unix time it reached us
    verified: bool = False  # its signature was checked before it was spooled


@dataclass(frozen=True, slots=True)
class Spooled:
    """A delivery in the spool, with its place in the order of arrival."""

    id: int
    delivery: Delivery


def spool_key(master_key: bytes) -> bytes:
    """The key that seals spool entries, derived from the master key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"orderagent webhook spool").derive(master_key)


class Spool:
    """An append-only queue of deliveries in a SQLite file, bounded in size and age."""

    def __init__(self, path: Path, key: bytes, *, max_bytes: int, max_age_s: float,
                 clock: Callable[[], float] = time.time, previous: tuple[bytes, ...] = ()
                 ) -> None:
        self.path, self._aead = path, AESGCM(key)
        # keys of retired master keys: what was spooled before a rotation still drains
        self._retired = tuple(AESGCM(k) for k in previous)
        self._max_bytes, self._max_age_s, self._clock = max_bytes, max_age_s, clock
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spool")
        self._db: sqlite3.Connection | None = None
        self._depth, self._bytes = 0, 0
        self._oldest: float | None = None
        self.pending = 0  # requests routed to the spool, not appended yet

    @property
    def depth(self) -> int:
        """How many deliveries wait in the spool."""
        return self._depth

    @property
    def busy(self) -> bool:
        """True while anything waits in the spool or is on its way there."""
        return self._depth > 0 or self.pending > 0

    def oldest_age(self) -> float | None:
        """Seconds the oldest waiting delivery has waited, or None when empty."""
        return None if self._oldest is None else max(0.0, self._clock() - self._oldest)

    def full(self, extra: int = 0) -> bool:
        """True when `extra` more bytes would not be taken (size or age bound)."""
        age = self.oldest_age()
        return self._bytes + extra > self._max_bytes or (
            age is not None and age > self._max_age_s)

    async def _run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn)

    async def open(self) -> None:
        """Open (or create) the file; entries a crashed process left are kept for the drain."""
        await self._run(self._open)

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)  # never world-readable
        os.close(fd)
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # each commit is on disk before it returns
        db.execute(_SCHEMA)
        db.execute(_ASIDE)
        self._db = db
        self._recount(db)

    async def close(self) -> None:
        """Close the file (what it holds stays for the next start)."""
        if self._db is not None:
            await self._run(self._db.close)
            self._db = None
        self._thread.shutdown(wait=True)

    async def append(self, delivery: Delivery) -> int:
        """Add a delivery and return once it is on disk; `SpoolFull` when bounded out."""
        sealed = self._seal(delivery)
        if self.full(len(sealed)):
            raise SpoolFull("webhook spool is full")
        rowid = await self._run(lambda: self._insert(delivery, sealed))
        self._depth += 1
        self._bytes += len(sealed)
        self._oldest = delivery.arrived if self._oldest is None else self._oldest
        return rowid

    def _insert(self, delivery: Delivery, sealed: bytes) -> int:
        assert self._db is not None, "spool not open"
        cur = self._db.execute(
            "INSERT INTO spool (arrived, provider, verified, sealed) VALUES (?, ?, ?, ?)",
            (delivery.arrived, delivery.provider, int(delivery.verified), sealed))
        return int(cur.lastrowid or 0)

    async def head(self, limit: int, max_bytes: int = 32 * 1024 * 1024) -> list[Spooled]:
        """The `limit` oldest deliveries, oldest first, at most about `max_bytes` of them
        (always at least one)."""
        rows = await self._run(lambda: self._select(limit, max_bytes))
        entries, aside = [], []
        for rowid, arrived, provider, verified, sealed in rows:
            try:
                entries.append(Spooled(rowid, self._open_sealed(
                    sealed, arrived, provider, bool(verified))))
            except InvalidTag:
                aside.append(rowid)
        if aside:
            # one such entry must not hold up every delivery behind it
            log.error("%d spooled webhook(s) sealed under a master key that is not "
                      "configured: set aside (table 'unreadable' of %s); configure the "
                      "retired key in ORDERAGENT_PREVIOUS_ENCRYPTION_KEYS to recover them",
                      len(aside), self.path)
            await self._run(lambda: self._set_aside(aside))
            if not entries and self._depth:
                return await self.head(limit, max_bytes)
        return entries

    def _recount(self, db: sqlite3.Connection) -> None:
        self._depth, self._bytes, self._oldest = db.execute(
            "SELECT count(*), coalesce(sum(length(sealed)), 0), min(arrived) FROM spool"
        ).fetchone()

    def _set_aside(self, ids: list[int]) -> None:
        assert self._db is not None, "spool not open"
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT OR REPLACE INTO unreadable SELECT * FROM spool WHERE id = ?",
                       [(i,) for i in ids])
        db.executemany("DELETE FROM spool WHERE id = ?", [(i,) for i in ids])
        db.execute("COMMIT")
        self._recount(db)

    def _select(self, limit: int, max_bytes: int) -> list[tuple[int, float, str, int, bytes]]:
        assert self._db is not None, "spool not open"
        # by arrival: a request whose write failed slowly is spooled after later ones
        sizes = self._db.execute("SELECT id, length(sealed) FROM spool ORDER BY arrived, id "
                                 "LIMIT ?", (limit,)).fetchall()
        ids, total = [], 0
        for rowid, size in sizes:
            if ids and total + size > max_bytes:
                break
            ids.append(rowid)
            total += size
        rows = self._db.execute(
            f"SELECT id, arrived, provider, verified, sealed FROM spool WHERE id IN "
            f"({','.join('?' * len(ids))}) ORDER BY arrived, id", ids).fetchall() if ids else []
        return rows

    async def remove(self, ids: Sequence[int]) -> None:
        """Forget deliveries that are stored (or could never be)."""
        if ids:
            await self._run(lambda: self._delete(list(ids)))

    def _delete(self, ids: list[int]) -> None:
        assert self._db is not None, "spool not open"
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        db.executemany("DELETE FROM spool WHERE id = ?", [(i,) for i in ids])
        db.execute("COMMIT")
        self._recount(db)

    def _seal(self, delivery: Delivery) -> bytes:
        clear = json.dumps({"url": delivery.url, "headers": delivery.headers}).encode()
        payload = len(clear).to_bytes(4, "big") + clear + delivery.body
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, payload, delivery.provider.encode())

    def _open_sealed(self, sealed: bytes, arrived: float, provider: str,
                     verified: bool) -> Delivery:
        for aead in (self._aead, *self._retired):
            try:
                payload = aead.decrypt(sealed[:12], sealed[12:], provider.encode())
                break
            except InvalidTag:
                continue
        else:
            raise InvalidTag
        size = int.from_bytes(payload[:4], "big")
        meta = json.loads(payload[4:4 + size])
        return Delivery(provider=provider, url=meta["url"],
                        headers=tuple((k, v) for k, v in meta["headers"]),
                        body=payload[4 + size:], arrived=arrived, verified=verified)

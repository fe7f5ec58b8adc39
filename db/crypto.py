"""Encryption at rest: per-distributor data keys, wrapped by the master key (envelope).

The master key (`ORDERAGENT_ENCRYPTION_KEY`, or generated once into `$ORDERAGENT_HOME`)
never encrypts data itself: it wraps each distributor's AES-256-GCM data key, stored in
`encryption_keys`. A value is sealed as `v<key version>:<base64(nonce + ciphertext)>`,
with the distributor id as associated data, so a token copied to another tenant's row
does not decrypt. Rotating the master key re-wraps the data keys; data is not rewritten.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from core.settings import Settings
from db.models import Distributor, EncryptionKey
from db.tenant import scope

ALGORITHM = "AES-256-GCM"


class DecryptionError(ValueError):
    """A token that does not decrypt with this distributor's keys."""


def derive_kek(master_key: bytes) -> bytes:
    """The key-encryption key derived from the master key (any length in, 32 bytes out)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"orderagent key-encryption key v1").derive(master_key)


def key_id(kek: bytes) -> str:
    """A short fingerprint naming a master key without revealing it."""
    return hashlib.sha256(b"orderagent kek id" + kek).hexdigest()[:16]


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, blob: bytes, aad: bytes) -> bytes:
    return AESGCM(key).decrypt(blob[:12], blob[12:], aad)


class Keyring:
    """Data keys of every distributor, unwrapped on first use and cached in memory.

    `previous` master keys still open data keys they wrapped, so processes keep working
    while a rotation (`orderagent keys rotate`) is rolled out.
    """

    def __init__(self, master_key: bytes, previous: tuple[bytes, ...] = ()) -> None:
        self.kek = derive_kek(master_key)
        self.kek_id = key_id(self.kek)
        self._keks = {key_id(k): k for k in map(derive_kek, previous)}
        self._keks[self.kek_id] = self.kek
        self._keys: dict[tuple[uuid.UUID, int], bytes] = {}
        self._active: dict[uuid.UUID, int] = {}

    async def _load(self, session: AsyncSession, distributor_id: uuid.UUID) -> None:
        rows = (await session.execute(
            select(EncryptionKey).where(EncryptionKey.distributor_id == distributor_id)
        )).scalars().all()
        uncommitted = session.info.get("new_data_keys", {}).get(distributor_id)
        for row in rows:
            if uncommitted is not None and uncommitted[0] == row.version:
                continue  # this transaction's own new key: cached only on commit
            aad = distributor_id.bytes + row.version.to_bytes(4, "big")
            kek = self._keks.get(row.master_key_id)
            try:
                if kek is None:
                    raise InvalidTag
                self._keys[(distributor_id, row.version)] = _open(kek, row.wrapped_key, aad)
            except InvalidTag:
                raise DecryptionError(
                    f"data key v{row.version} is wrapped by master key {row.master_key_id}, "
                    f"not by the configured one ({self.kek_id})"
                ) from None
            if row.active:
                self._active[distributor_id] = row.version

    async def _active_key(self, session: AsyncSession, distributor_id: uuid.UUID
                          ) -> tuple[int, bytes]:
        created = session.info.get("new_data_keys", {}).get(distributor_id)
        if created is not None:  # made earlier in this same transaction
            return created
        if distributor_id not in self._active:
            await self._load(session, distributor_id)
        if distributor_id not in self._active:
            version = 1 + max((v for d, v in self._keys if d == distributor_id), default=0)
            key = AESGCM.generate_key(bit_length=256)
            aad = distributor_id.bytes + version.to_bytes(4, "big")
            session.add(EncryptionKey(distributor_id=distributor_id, version=version,
                                      algorithm=ALGORITHM, wrapped_key=_seal(self.kek, key, aad),
                                      master_key_id=self.kek_id, active=True))
            await session.flush()
            # cached only once committed: a key from a rolled-back transaction must never
            # seal anything, or that data could not be opened again
            pending = session.info.setdefault("new_data_keys", {})
            pending[distributor_id] = (version, key)
            if len(pending) == 1:
                event.listen(session.sync_session, "after_commit", self._promote, once=True)
                event.listen(session.sync_session, "after_rollback",
                             lambda s: s.info.pop("new_data_keys", None), once=True)
            return version, key
        version = self._active[distributor_id]
        return version, self._keys[(distributor_id, version)]

    def _promote(self, session: Session) -> None:
        for distributor_id, (version, key) in session.info.pop("new_data_keys", {}).items():
            self._keys[(distributor_id, version)] = key
            self._active[distributor_id] = version

    async def encrypt(self, session: AsyncSession, distributor_id: uuid.UUID, plaintext: str
                      ) -> str:
        """Seal `plaintext` with the distributor's active data key."""
        version, key = await self._active_key(session, distributor_id)
        blob = _seal(key, plaintext.encode("utf-8"), distributor_id.bytes)
        return f"v{version}:" + base64.urlsafe_b64encode(blob).decode("ascii")

    async def decrypt(self, session: AsyncSession, distributor_id: uuid.UUID, token: str) -> str:
        """Open a token sealed by `encrypt` for this distributor."""
        try:
            prefix, b64 = token.split(":", 1)
            version = int(prefix.removeprefix("v"))
            blob = base64.urlsafe_b64decode(b64)
        except ValueError:
            raise DecryptionError("not an encrypted token") from None
        created = session.info.get("new_data_keys", {}).get(distributor_id)
        if created is not None and created[0] == version:
            key: bytes | None = created[1]
        else:
            if (distributor_id, version) not in self._keys:
                await self._load(session, distributor_id)
            key = self._keys.get((distributor_id, version))
        if key is None:
            raise DecryptionError(f"no data key v{version} for this distributor")
        try:
            return _open(key, blob, distributor_id.bytes).decode("utf-8")
        except InvalidTag:
            raise DecryptionError("token does not decrypt for this distributor") from None

    async def encrypt_json(self, session: AsyncSession, distributor_id: uuid.UUID,
                           value: Any) -> dict[str, str]:
        """Seal a JSON value as `{"ciphertext": token}` (for JSONB credential columns)."""
        plain = json.dumps(value, sort_keys=True)
        return {"ciphertext": await self.encrypt(session, distributor_id, plain)}

    async def decrypt_json(self, session: AsyncSession, distributor_id: uuid.UUID,
                           sealed: dict[str, Any]) -> Any:
        """Open a value sealed by `encrypt_json` (an empty dict opens to `{}`)."""
        if not sealed:
            return {}
        return json.loads(await self.decrypt(session, distributor_id, sealed["ciphertext"]))


def hash_api_key(api_key: str) -> str:
    """The stored form of an API key: keys are long random secrets, so SHA-256 suffices."""
    return "sha256:" + hashlib.sha256(api_key.encode("utf-8")).hexdigest()


async def rewrap_all(session: AsyncSession, old: Keyring, new: Keyring,
                     *, new_data_keys: bool = False) -> int:
    """Re-wrap every data key from `old`'s master key to `new`'s; returns how many.

    Sealed values are not touched: their data keys stay the same, only the wrapping
    changes. With `new_data_keys`, each distributor also gets a fresh active data key
    (new writes use it; older values still open with the old versions).
    """
    # one distributor at a time, each in its own scope: the system role may read the
    # data keys (routing opens credentials) but rewrites them only as their tenant
    count = 0
    for distributor_id in (await session.execute(
            select(Distributor.id).order_by(Distributor.id))).scalars().all():
        await scope(session, distributor_id)
        count += await _rewrap(session, distributor_id, old, new, new_data_keys=new_data_keys)
    await session.flush()
    return count


async def _rewrap(session: AsyncSession, distributor_id: uuid.UUID, old: Keyring,
                  new: Keyring, *, new_data_keys: bool) -> int:
    rows = (await session.execute(select(EncryptionKey).where(
        EncryptionKey.distributor_id == distributor_id).with_for_update())).scalars().all()
    for row in rows:
        aad = row.distributor_id.bytes + row.version.to_bytes(4, "big")
        kek = old._keks.get(row.master_key_id)
        if kek is None:
            raise DecryptionError(f"data key v{row.version} of {row.distributor_id} is wrapped "
                                  f"by an unknown master key {row.master_key_id}")
        key = _open(kek, row.wrapped_key, aad)
        row.wrapped_key = _seal(new.kek, key, aad)
        row.master_key_id = new.kek_id
        row.rotated_at = datetime.now(UTC)
    if new_data_keys and rows:
        for row in rows:
            row.active = False
        await session.flush()
        new._active.pop(distributor_id, None)
        new._keys = {k: v for k, v in new._keys.items() if k[0] != distributor_id}
        await new._active_key(session, distributor_id)
    await session.flush()
    return len(rows)


def keyring_for(settings: Settings) -> Keyring:
    """The keyring of the configured master key (and any keys being retired)."""
    return Keyring(settings.master_key(), settings.previous_master_keys())

"""Opaque keyset cursors: (sort key, id) of the last row of a page, base64url JSON."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from core.errors import BadInput


def encode(key: datetime | str | None, row_id: uuid.UUID) -> str:
    """The cursor after a row sorted by `key`, then id."""
    value: Any = key.isoformat() if isinstance(key, datetime) else key
    raw = json.dumps({"k": value, "id": str(row_id)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, *, as_time: bool) -> tuple[Any, uuid.UUID]:
    """The (sort key, id) inside a cursor; a cursor we did not make is a 400."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        key = data["k"]
        if as_time and key is not None:
            key = datetime.fromisoformat(key)
            if key.tzinfo is None:
                key = key.replace(tzinfo=UTC)
        elif not as_time and not isinstance(key, str):
            raise TypeError("key")
        return key, uuid.UUID(data["id"])
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, AttributeError):
        raise BadInput("query: cursor: not a cursor this API returned") from None

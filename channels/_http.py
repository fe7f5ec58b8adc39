"""One outbound HTTP call for the provider adapters, classified for the retry policy.

The classification is what keeps a send safe to retry: a failure before the request left
us (refused connection, connect timeout) is retryable; a failure after it may have
reached the provider (read timeout, disconnect) is *ambiguous* and never retried, since
neither Twilio's Messages API nor the Graph API takes an idempotency key.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=20, sock_connect=5)
# no integration setting waits longer for one request: the outbox lease is sized on it
MAX_TIMEOUT_S = 60.0
_MAX_BODY = 64 * 1024  # provider answers are small; never buffer an unbounded body
# 504 is a gateway that gave up waiting for the provider, which may still have acted
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503})
AMBIGUOUS_STATUSES = frozenset({504})
# idle pooled connections are dropped sooner than providers drop them (60 s and up), so a
# send never goes out on a connection the far end already closed
KEEPALIVE_S = 15.0
# one HTTP client per event loop (in practice: per process), shared by every provider send:
# connections and TLS sessions are reused instead of opened for each message
_SESSIONS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.ClientSession] = \
    weakref.WeakKeyDictionary()


def client_session() -> aiohttp.ClientSession:
    """The process's shared HTTP client session for provider calls (made on first use)."""
    loop = asyncio.get_running_loop()
    session = _SESSIONS.get(loop)
    if session is None or session.closed:
        session = aiohttp.ClientSession(
            timeout=DEFAULT_TIMEOUT,
            connector=aiohttp.TCPConnector(limit=100, keepalive_timeout=KEEPALIVE_S))
        _SESSIONS[loop] = session
    return session


async def close_client_session() -> None:
    """Close this loop's shared session (at shutdown); the next send opens a new one."""
    session = _SESSIONS.pop(asyncio.get_running_loop(), None)
    if session is not None:
        await session.close()


@dataclass(frozen=True, slots=True)
class HttpReply:
    """The provider's answer: status, parsed JSON body (or None) and Retry-After."""

    status: int
    body: Any
    retry_after_s: float | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HttpFailure:
    """No answer: `ambiguous` when the request may have reached the provider."""

    error: str
    ambiguous: bool
    retryable: bool


def basic_auth(username: str, password: str) -> dict[str, str]:
    """An HTTP Basic Authorization header (RFC 7617, UTF-8)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def timeout_from(config: Mapping[str, Any]) -> aiohttp.ClientTimeout:
    """The integration's `http_timeout_s` (total, at most MAX_TIMEOUT_S), or the default."""
    total = config.get("http_timeout_s")
    if not total:
        return DEFAULT_TIMEOUT
    total = min(float(total), MAX_TIMEOUT_S)
    return aiohttp.ClientTimeout(total=total, sock_connect=min(5.0, total))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def post(
    url: str,
    *,
    data: Any = None,
    json_body: Any = None,
    headers: Mapping[str, str] | None = None,
    client_timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
) -> HttpReply | HttpFailure:
    """POST once and classify the outcome; never raises for network trouble."""
    try:
        async with client_session().post(
            url, data=data, json=json_body, headers=headers, timeout=client_timeout
        ) as response:
            raw = await response.content.read(_MAX_BODY)
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            return HttpReply(
                status=response.status,
                body=body,
                retry_after_s=parse_retry_after(response.headers.get("Retry-After")),
                headers=dict(response.headers),
            )
    except (aiohttp.InvalidURL, ValueError) as exc:
        # a bad api_base_url: a configuration problem that no retry fixes
        log.error("provider URL is invalid: %s", type(exc).__name__)
        return HttpFailure(error="invalid provider URL", ambiguous=False, retryable=False)
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
        # nothing was sent: the connection never opened
        log.warning("provider unreachable: %s", type(exc).__name__)
        return HttpFailure(
            error=f"connect failed: {type(exc).__name__}", ambiguous=False, retryable=True
        )
    except (TimeoutError, aiohttp.ClientError) as exc:
        log.warning("provider call broke after sending: %s", type(exc).__name__)
        return HttpFailure(
            error=f"no answer: {type(exc).__name__}", ambiguous=True, retryable=False
        )

"""Outbound retry policy: exponential backoff with full jitter, honouring Retry-After.

Pure of the database: the outbox calls `send_with_retries` for one message and stores
the final `SendResult`. Only results the adapter marked `retryable` are retried: those
are failures where the provider certainly did not take the message (refused connection,
429, 5xx other than 504, SMTP 4xx). An `ambiguous` result (timeout or disconnect after
the request left, 504) is returned at once: Twilio's and Meta's send APIs take no
idempotency key, so a resend could reach the customer twice.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from channels.base import ChannelAdapter
from channels.smtp import LONGEST_SEND_S
from core.messages import OutboundMessage, SendResult

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard one send tries before handing the message back to the outbox."""

    max_attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 20.0
    # a longer Retry-After is not waited out in-process: the outbox reschedules instead
    max_retry_after_s: float = 60.0


def longest_send_s(policy: RetryPolicy) -> float:
    """The longest `send_with_retries` can take with this policy: every attempt running
    into its timeout (SMTP's two phases are the longest) and every wait at its longest."""
    waits = max(policy.max_delay_s, policy.max_retry_after_s)
    return policy.max_attempts * LONGEST_SEND_S + (policy.max_attempts - 1) * waits


def backoff_delay(attempt: int, policy: RetryPolicy, *, retry_after_s: float | None = None,
                  rand: Callable[[], float] = random.random) -> float | None:
    """Seconds to wait before attempt `attempt + 1`, or None when not worth waiting for."""
    if retry_after_s is not None:
        if retry_after_s > policy.max_retry_after_s:
            return None
        # never earlier than the provider asked; a little jitter so senders spread out
        return retry_after_s + rand() * policy.base_delay_s
    ceiling = min(policy.max_delay_s, policy.base_delay_s * 2 ** (attempt - 1))
    return rand() * ceiling  # "full jitter": spreads retries of many senders apart


async def send_with_retries(
    adapter: ChannelAdapter,
    message: OutboundMessage,
    *,
    config: Mapping[str, Any],
    credentials: Mapping[str, str],
    policy: RetryPolicy = RetryPolicy(),  # frozen: safe to share as a default
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    rand: Callable[[], float] = random.random,
) -> SendResult:
    """Send, retrying retryable failures; returns the last result (never raises for them)."""
    result = SendResult(ok=False, error="not attempted")
    for attempt in range(1, max(1, policy.max_attempts) + 1):
        result = await adapter.send(message, config=config, credentials=credentials)
        if result.ok or not result.retryable or result.ambiguous:
            return result
        if attempt == policy.max_attempts:
            break
        delay = backoff_delay(attempt, policy, retry_after_s=result.retry_after_s, rand=rand)
        if delay is None:
            break
        log.info("%s send attempt %d for message %s failed (%s); retrying in %.2fs",
                 adapter.name, attempt, message.message_id, result.status_code, delay)
        await sleep(delay)
    return result

"""The outbound retry policy, alone and against the local Graph API fake."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from channels.meta import MetaWhatsAppAdapter
from channels.retry import RetryPolicy, backoff_delay, send_with_retries
from core.messages import Channel, OutboundMessage, SendResult
from tests.channels.samples import META_PHONE_NUMBER_ID
from tests.fakes.graph_api import FakeGraphAPI, Scripted, graph_error

POLICY = RetryPolicy(max_attempts=4, base_delay_s=0.5, max_delay_s=4.0, max_retry_after_s=30)
MESSAGE = OutboundMessage(channel=Channel.WHATSAPP, recipient="+16505551234", text="Confirmed.",
                          message_id="msg-9")


class ScriptedProvider:
    """A provider whose answers are given in advance (the retry loop is what is tested)."""

    name = "scripted"

    def __init__(self, *results: SendResult) -> None:
        self.results = list(results)
        self.calls = 0

    async def send(self, message: OutboundMessage, *, config: Mapping[str, Any],
                   credentials: Mapping[str, str]) -> SendResult:
        """Answer the next scripted result."""
        self.calls += 1
        return self.results.pop(0)


class Sleeps(list):
    """Records requested sleeps instead of sleeping."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


async def _run(provider: ScriptedProvider, policy: RetryPolicy = POLICY) -> tuple[SendResult,
                                                                                   Sleeps]:
    sleeps = Sleeps()
    result = await send_with_retries(provider, MESSAGE, config={}, credentials={},  # type: ignore[arg-type]
                                     policy=policy, sleep=sleeps, rand=lambda: 1.0)
    return result, sleeps


def test_backoff_grows_exponentially_up_to_the_cap() -> None:
    """With jitter at its maximum: 0.5, 1, 2, 4, 4 seconds."""
    assert [backoff_delay(n, POLICY, rand=lambda: 1.0) for n in range(1, 6)] == [
        0.5, 1.0, 2.0, 4.0, 4.0]


def test_backoff_is_jittered() -> None:
    """Full jitter: anywhere between 0 and the ceiling."""
    assert backoff_delay(3, POLICY, rand=lambda: 0.25) == 0.5


def test_retry_after_is_honoured_and_capped() -> None:
    """Never earlier than Retry-After; a longer wait than the cap is not waited in-process."""
    assert backoff_delay(1, POLICY, retry_after_s=10, rand=lambda: 0.0) == 10
    assert backoff_delay(1, POLICY, retry_after_s=31) is None


async def test_retryable_failures_are_retried_until_success() -> None:
    """Two 503s then success: three attempts, two backoffs."""
    provider = ScriptedProvider(SendResult(ok=False, retryable=True, status_code=503),
                                SendResult(ok=False, retryable=True, status_code=503),
                                SendResult(ok=True, external_id="id-1"))
    result, sleeps = await _run(provider)
    assert result.ok and result.external_id == "id-1"
    assert provider.calls == 3 and sleeps == [0.5, 1.0]


async def test_attempts_are_bounded() -> None:
    """A provider down for good is tried max_attempts times; the last failure is returned."""
    provider = ScriptedProvider(*[SendResult(ok=False, retryable=True, status_code=500)] * 4)
    result, sleeps = await _run(provider)
    assert provider.calls == 4 and len(sleeps) == 3 and result.status_code == 500


async def test_final_failures_are_not_retried() -> None:
    """A non-retryable failure (e.g. 131047) returns at once."""
    provider = ScriptedProvider(SendResult(ok=False, error_code="131047"))
    result, sleeps = await _run(provider)
    assert provider.calls == 1 and sleeps == [] and result.error_code == "131047"


async def test_ambiguous_failures_are_never_retried() -> None:
    """A timeout after sending could mean delivered: one attempt only."""
    provider = ScriptedProvider(SendResult(ok=False, retryable=True, ambiguous=True))
    result, _ = await _run(provider)
    assert provider.calls == 1 and result.ambiguous


async def test_long_retry_after_goes_back_to_the_outbox() -> None:
    """Retry-After beyond the cap: stop now, return the result with its wait for rescheduling."""
    provider = ScriptedProvider(SendResult(ok=False, retryable=True, retry_after_s=120))
    result, sleeps = await _run(provider)
    assert provider.calls == 1 and sleeps == [] and result.retry_after_s == 120


async def test_graph_api_throttled_then_accepted_sends_once() -> None:
    """Against the Graph fake: 429 (Retry-After 2) and 500, then one accepted message."""
    fake = FakeGraphAPI("token", META_PHONE_NUMBER_ID)
    fake.script += [Scripted(429, graph_error(130429, "Rate limit hit"), {"Retry-After": "2"}),
                    Scripted(500, graph_error(131000, "Something went wrong"))]
    sleeps = Sleeps()
    async with fake.serve() as base:
        result = await send_with_retries(
            MetaWhatsAppAdapter(), MESSAGE,
            config={"phone_number_id": META_PHONE_NUMBER_ID, "api_base_url": base},
            credentials={"access_token": "token"}, policy=POLICY, sleep=sleeps,
            rand=lambda: 0.0)
    assert result.ok and result.external_id == fake.messages[0]["id"]
    assert len(fake.requests) == 3 and len(fake.messages) == 1
    assert sleeps == [2.0, 0.0]

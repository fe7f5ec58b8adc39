"""The sender: outbound messages (status QUEUED) go out through their channel, exactly once.

One attempt is three short steps, so no transaction is held open across a provider call:
1. claim (one transaction): the oldest due QUEUED message whose conversation has no
   earlier one still QUEUED (thread order), locked FOR UPDATE SKIP LOCKED; refuse it
   (FAILED) if the customer opted out, no integration can send it, or WhatsApp's 24 h
   window closed without a template; otherwise mark it in flight
   (`external_metadata.send_in_flight`, `send_attempts + 1`, `next_attempt_at` = now +
   lease) and commit;
2. send through the adapter (`send_with_retries`: short in-process retries);
3. record (one transaction): SENT with the provider id and an `external_message_mappings`
   row (status callbacks find it), QUEUED again with a backoff, or FAILED.
A crash between 1 and 3 leaves the in-flight mark: when its lease runs out the next
claim cannot know whether the provider took it, and Twilio's and Meta's send APIs take
no idempotency key, so it is FAILED as ambiguous rather than resent (never twice).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from channels import get_adapter, registry
from channels.base import ChannelNotConfigured, SendRefused, Thread
from channels.consent import set_opted_out
from channels.retry import RetryPolicy, backoff_delay, longest_send_s, send_with_retries
from core import logs
from core.messages import Channel, OutboundMessage, SendResult
from core.metrics import send_result
from db.crypto import Keyring
from db.engine import Database
from db.models import Conversation, Customer, ExternalIntegration, ExternalMessageMapping, Message
from db.models.enums import IntegrationStatus, MessageStatus
from db.tenant import ALL, scope

log = logging.getLogger(__name__)

CLAIM = text("""
SELECT m.id, m.distributor_id FROM messages m
WHERE NOT m.is_from_customer AND m.status = 'QUEUED'
  AND (m.next_attempt_at IS NULL OR m.next_attempt_at <= now())
  AND NOT EXISTS (
    SELECT 1 FROM messages p
    WHERE p.conversation_id = m.conversation_id AND NOT p.is_from_customer
      AND p.status = 'QUEUED'
      AND (p.thread_position, p.created_at) < (m.thread_position, m.created_at))
ORDER BY m.next_attempt_at NULLS FIRST, m.created_at
LIMIT 1
FOR UPDATE OF m SKIP LOCKED
""")


IN_PROCESS_RETRIES = RetryPolicy(max_attempts=3, base_delay_s=0.5, max_delay_s=4.0,
                                 max_retry_after_s=10.0)


@dataclass(frozen=True, slots=True)
class SenderOptions:
    """How the sender retries and where Twilio should post delivery statuses."""

    public_url: str
    # in-process retries of one attempt (429/5xx clear within seconds, often)
    policy: RetryPolicy = IN_PROCESS_RETRIES
    max_attempts: int = 5  # claims per message before it is FAILED
    retry_base_s: float = 30.0
    retry_max_s: float = 1800.0
    lease_s: float = 300.0  # at least; never shorter than the policy's longest send
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What one claim did with one message: SENT, QUEUED (retry later) or FAILED."""

    message_id: uuid.UUID
    status: str
    external_id: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Claim:
    message_id: uuid.UUID
    distributor_id: uuid.UUID
    customer_id: uuid.UUID
    integration: ExternalIntegration
    credentials: Mapping[str, str]
    config: Mapping[str, Any]
    outbound: OutboundMessage
    attempt: int


def _now() -> datetime:
    return datetime.now(UTC)


def _fail(msg: Message, error: str, *, logged: str | None = None) -> SendOutcome:
    """FAILED with `error` kept on the message; the log says `logged` if given (a
    provider's text can hold the customer's number or address: log its codes only)."""
    msg.status = MessageStatus.FAILED
    msg.last_error = error[:1000]
    msg.next_attempt_at = None
    meta = dict(msg.external_metadata or {})
    meta.pop("send_in_flight", None)
    msg.external_metadata = meta
    log.warning("outbound message %s failed: %s", msg.id, logged or error[:120])
    return SendOutcome(msg.id, MessageStatus.FAILED, error=error)


async def _integration(session: AsyncSession, conv: Conversation) -> ExternalIntegration | None:
    """The integration that owns the thread's number/address (any, for a thread without one).

    Strict on purpose: a thread that came in elsewhere (`orderagent chat` stores "local")
    must never go out through some other number of the distributor.
    """
    senders = {name: adapter for name, adapter in registry().items()
               if Channel(conv.channel) in adapter.sends_on}
    stmt = select(ExternalIntegration).where(
        ExternalIntegration.provider.in_(senders),
        ExternalIntegration.status == IntegrationStatus.ACTIVE)
    if conv.channel_address is not None:
        stmt = stmt.where(ExternalIntegration.route_key == conv.channel_address)
    rows = (await session.execute(stmt)).scalars().all()
    rows = sorted((r for r in rows if senders[r.provider].can_send(r.config or {})),
                  key=lambda r: (senders[r.provider].preference, r.provider, str(r.id)))
    return rows[0] if rows else None


async def window_refusal(session: AsyncSession, conv: Conversation) -> str | None:
    """Why a reply cannot go out on this thread now (the provider's rules, e.g. WhatsApp's
    closed 24-hour window with no template configured), or None: what staff see at once
    instead of a send that fails later."""
    integration = await _integration(session, conv)
    if integration is None:
        return None  # the sender fails it with its own reason
    thread = Thread(message_id="", public_url="", automated=False,
                    last_customer_message_at=conv.last_customer_message_at, now=_now(),
                    subject=conv.subject)
    probe = OutboundMessage(channel=Channel(conv.channel), recipient="", text="")
    try:
        get_adapter(integration.provider).prepare(
            probe, config=dict(integration.config or {}), thread=thread)
    except SendRefused as exc:
        return _REFUSALS.get(str(exc), str(exc))
    return None


_REFUSALS = {"outside 24h window": (
    "outside WhatsApp's 24-hour window: the customer last wrote over a day ago, so only a "
    "template may be sent, and none is configured")}


async def _latest_inbound(session: AsyncSession, conv: Conversation) -> dict[str, Any]:
    """The customer's latest message's metadata: the parent an email reply threads under."""
    meta = (await session.execute(select(Message.external_metadata).where(
        Message.conversation_id == conv.id, Message.is_from_customer)
        .order_by(Message.created_at.desc()).limit(1))).scalar_one_or_none()
    return dict(meta or {})


async def _claim(db: Database, keyring: Keyring, options: SenderOptions
                 ) -> _Claim | SendOutcome | None:
    async with db.transaction(tenant=ALL) as session:
        row = (await session.execute(CLAIM)).one_or_none()
        if row is None:
            return None
        await scope(session, row.distributor_id)  # from here on: that tenant's data only
        msg = (await session.execute(select(Message).where(Message.id == row.id))).scalar_one()
        logs.bind(distributor_id=row.distributor_id, conversation_id=msg.conversation_id,
                  message_id=msg.id, request_id=(msg.external_metadata or {}).get("request_id"))
        conv = (await session.execute(select(Conversation).where(
            Conversation.id == msg.conversation_id))).scalar_one()
        customer = (await session.execute(select(Customer).where(
            Customer.id == conv.customer_id))).scalar_one()
        in_flight = (msg.external_metadata or {}).get("send_in_flight")
        if in_flight:
            return _fail(msg, (
                f"ambiguous: attempt {in_flight.get('attempt')} started "
                f"{in_flight.get('since')} never recorded its result (sender stopped); "
                "not resent, since the provider may have delivered it"))
        if msg.send_attempts >= options.max_attempts:
            return _fail(msg, f"gave up after {msg.send_attempts} attempts")
        channel = Channel(conv.channel)
        opted_out = {Channel.SMS: customer.sms_opted_out_at,
                     Channel.WHATSAPP: customer.whatsapp_opted_out_at}.get(channel)
        if opted_out is not None:
            return _fail(msg, "opted out")
        recipient = customer.email if channel is Channel.EMAIL else customer.phone
        if not recipient:
            return _fail(msg, f"customer has no address for {channel}")
        integration = await _integration(session, conv)
        if integration is None:
            return _fail(msg, f"no active {channel} integration owns "
                              f"{conv.channel_address or 'this thread'}")
        adapter = get_adapter(integration.provider)
        thread = Thread(message_id=str(msg.id), public_url=options.public_url,
                        automated=msg.sent_by in (None, "agent", "consent"),
                        last_customer_message_at=conv.last_customer_message_at, now=_now(),
                        subject=conv.subject, latest_inbound=await _latest_inbound(session, conv))
        try:
            outbound, config = adapter.prepare(
                OutboundMessage(channel=channel, recipient=recipient, text=msg.content,
                                message_id=str(msg.id)),
                config=dict(integration.config or {}), thread=thread)
        except SendRefused as exc:
            return _fail(msg, str(exc))
        try:
            credentials = await keyring.decrypt_json(session, row.distributor_id,
                                                     integration.credentials or {})
        except ValueError as exc:
            return _fail(msg, f"integration credentials unreadable: {exc}")
        msg.send_attempts += 1
        # the lease outlasts the longest send, so no second sender takes it meanwhile
        lease_s = max(options.lease_s, longest_send_s(options.policy) + 30)
        msg.next_attempt_at = _now() + timedelta(seconds=lease_s)
        msg.external_metadata = {**(msg.external_metadata or {}), "send_in_flight": {
            "attempt": msg.send_attempts, "since": _now().isoformat()}}
        return _Claim(msg.id, row.distributor_id, customer.id, integration, credentials,
                      config, outbound, msg.send_attempts)


async def _send(claim: _Claim, options: SenderOptions) -> SendResult:
    provider = claim.integration.provider
    adapter = get_adapter(provider)
    try:
        return await send_with_retries(adapter, claim.outbound, config=claim.config,
                                       credentials=claim.credentials, policy=options.policy,
                                       sleep=options.sleep)
    except ChannelNotConfigured as exc:  # raised before any request left
        return SendResult(ok=False, error=f"integration not configured: {exc}")
    except Exception as exc:
        # an adapter bug: whether the request left is unknown, so never resend it
        log.exception("%s send of message %s raised", provider, claim.message_id)
        return SendResult(ok=False, ambiguous=True, error=f"send raised {type(exc).__name__}")


def _codes(result: SendResult) -> str:
    """A provider failure as a log may show it: codes, never the provider's text."""
    parts = [f"HTTP {result.status_code}" if result.status_code is not None else "",
             f"code {result.error_code}" if result.error_code else "",
             "ambiguous" if result.ambiguous else ""]
    return (" ".join(p for p in parts if p) or "failed") + " (details in its last_error)"


def _describe(result: SendResult) -> str:
    parts = [str(p) for p in (result.status_code, result.error_code) if p is not None]
    text_ = " ".join([*parts, result.error or "failed"])
    return f"ambiguous: {text_} (may have been delivered; not resent)" if result.ambiguous \
        else text_


async def _record(db: Database, claim: _Claim, result: SendResult,
                  options: SenderOptions) -> SendOutcome:
    async with db.transaction(tenant=claim.distributor_id) as session:
        msg = (await session.execute(select(Message).where(
            Message.id == claim.message_id).with_for_update())).scalar_one()
        meta = dict(msg.external_metadata or {})
        meta.pop("send_in_flight", None)
        if result.ok and result.external_id:
            if msg.status == MessageStatus.QUEUED:  # a callback may already have moved it on
                msg.status, msg.last_error = MessageStatus.SENT, None
            msg.external_message_id = result.external_id[:255]
            msg.next_attempt_at = None
            msg.external_metadata = {**meta, "sent_via": claim.integration.provider,
                                     "sent_at": _now().isoformat()}
            await session.execute(insert(ExternalMessageMapping).values(
                distributor_id=claim.distributor_id, provider=claim.integration.provider,
                external_id=result.external_id[:255], message_id=msg.id,
                integration_id=claim.integration.id,
            ).on_conflict_do_nothing(index_elements=["distributor_id", "provider",
                                                     "external_id"]))
            log.info("outbound message %s sent via %s", msg.id, claim.integration.provider)
            return SendOutcome(msg.id, MessageStatus.SENT, external_id=result.external_id)
        msg.external_metadata = {**meta, "last_failure": {  # `orderagent messages retry` reads it
            "provider": claim.integration.provider, "ambiguous": result.ambiguous,
            "code": str(result.error_code or result.status_code or ""),
            "retryable": result.retryable}}
        if result.retryable and not result.ambiguous and claim.attempt < options.max_attempts:
            policy = RetryPolicy(base_delay_s=options.retry_base_s,
                                 max_delay_s=options.retry_max_s,
                                 max_retry_after_s=options.retry_max_s)
            delay = backoff_delay(claim.attempt, policy, retry_after_s=result.retry_after_s)
            delay = max(delay if delay is not None else options.retry_max_s,
                        options.retry_base_s / 10)
            msg.next_attempt_at = _now() + timedelta(seconds=delay)
            msg.last_error = f"attempt {claim.attempt}: {_describe(result)}"[:1000]
            log.info("outbound message %s retries in %.0fs", msg.id, delay)
            return SendOutcome(msg.id, MessageStatus.QUEUED, error=msg.last_error)
        if result.error_code in get_adapter(claim.integration.provider).opt_out_codes:
            await set_opted_out(session, claim.customer_id, claim.outbound.channel,
                                f"provider:{result.error_code}")
            return _fail(msg, f"opted out ({_describe(result)})",
                         logged=f"opted out, {_codes(result)}")
        return _fail(msg, _describe(result), logged=_codes(result))


@logs.traced
async def send_next(db: Database, keyring: Keyring, options: SenderOptions
                    ) -> SendOutcome | None:
    """Claim, send and record one due outbound message; None when nothing is due."""
    claim = await _claim(db, keyring, options)
    if not isinstance(claim, _Claim):
        return claim
    result = await _send(claim, options)
    outcome = await _record(db, claim, result, options)
    send_result(claim.integration.provider, outcome.status, result.error_code)
    return outcome

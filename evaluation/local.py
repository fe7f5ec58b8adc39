"""A customer talking to the agent without a provider: `orderagent chat` and replay.

It takes the webhook's own path — store the message, claim the conversation, run the
agent, store the reply — only the provider is left out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from agent.context import AgentContext
from agent.worker import claim_and_process
from core.messages import Channel, InboundMessage
from db.engine import Database
from db.models import Message
from mailroom.inbox import store_inbound

PROVIDER = "local"


@dataclass(frozen=True, slots=True)
class Exchange:
    """One customer message and what the agent answered."""

    conversation_id: uuid.UUID | None
    replies: list[str]
    latency_ms: float | None


async def say(db: Database, ctx: AgentContext, distributor_id: uuid.UUID, *,
              sender: str, text: str, channel: Channel = Channel.WHATSAPP,
              recipient: str = "local", process: bool = True) -> Exchange:
    """Store `text` from `sender` and (unless `process` is off) let a worker answer it."""
    msg = InboundMessage(provider=PROVIDER, channel=channel, external_id=uuid.uuid4().hex,
                         sender=sender, recipient=recipient, text=text,
                         received_at=datetime.now(UTC))
    async with db.transaction(tenant=distributor_id) as session:
        stored = await store_inbound(session, distributor_id, msg)
    if not process:
        return Exchange(stored.conversation_id, [], None)
    return await drain(db, ctx, distributor_id, stored.conversation_id)


async def drain(db: Database, ctx: AgentContext, distributor_id: uuid.UUID,
                conversation_id: uuid.UUID) -> Exchange:
    """Process what is waiting (no burst window) and return the replies it queued."""
    reply_ids = []
    while (done := await claim_and_process(db, ctx, window_s=0)) is not None:
        if done.reply_id is not None:
            reply_ids.append(done.reply_id)
    if not reply_ids:
        return Exchange(conversation_id, [], None)
    async with db.transaction(tenant=distributor_id) as session:
        rows = (await session.execute(select(Message).where(Message.id.in_(reply_ids))
                                      .order_by(Message.thread_position))).scalars().all()
        latency = await _latency_ms(session, conversation_id, rows[-1])
    return Exchange(conversation_id, [r.content for r in rows], latency)


async def _latency_ms(session, conversation_id: uuid.UUID, reply: Message) -> float | None:
    """From the latest customer message stored to its reply stored."""
    last_in = (await session.execute(select(Message.created_at).where(
        Message.conversation_id == conversation_id, Message.is_from_customer)
        .order_by(Message.created_at.desc()).limit(1))).scalar_one_or_none()
    if last_in is None:
        return None
    return (reply.created_at - last_in).total_seconds() * 1000

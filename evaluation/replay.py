"""`orderagent replay`: transcripts through the real pipeline on a throw-away database.

Each customer turn takes the webhook's own path (`evaluation.local`: store the message, the
worker's claim, the agent, the stored reply). Transcripts run one after another, each
turn waiting for its reply, so a processing error belongs to exactly one transcript and
the result never depends on scheduling. Each transcript is its own customer: a
transcript whose phone or email was already used in the run is replayed under a derived
identity, so an open session or a handoff never leaks into the next one.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from agent.context import AgentContext
from agent.worker import claim_and_process
from core.distributor_file import DistributorFile
from core.messages import Channel
from core.settings import Settings
from db.crypto import Keyring
from db.engine import Database, make_engine
from db.loader import load_distributor
from db.models import (
    AIResponse,
    Conversation,
    ConversationOrderSession,
    Customer,
    Message,
    OrderProduct,
    OrderSessionItem,
)
from db.models.enums import SessionItemStatus, SessionOutcome, SessionStatus
from db.scratch import create_database, database_url, drop_database
from db.tenant import ALL
from evaluation import replay_lines
from evaluation.local import say
from evaluation.transcripts import Transcript, Usage, entry, metrics

log = logging.getLogger(__name__)

WARM_UP = "replay-warm-up@example.invalid"


@asynccontextmanager
async def throwaway_database(settings: Settings) -> AsyncIterator[Database]:
    """A fresh database dropped afterwards: a new one on DATABASE_URL, else a temporary
    embedded server. The configured database itself is never written to."""
    if settings.database_url:
        name = await create_database(settings.database_url, prefix="orderagent_replay")
        engine = make_engine(database_url(settings.database_url, name), pool_size=2)
        try:
            yield Database(engine=engine,
                           sessions=async_sessionmaker(engine, expire_on_commit=False))
        finally:
            await engine.dispose()
            await drop_database(settings.database_url, name)
        return
    from db.embedded import start_embedded

    where = Path(tempfile.mkdtemp(prefix="orderagent-replay-"))
    try:
        pg = await asyncio.to_thread(start_embedded, where / "pgdata", temporary=True)
        engine = make_engine(pg.url, pool_size=2)
        try:
            yield Database(engine=engine,
                           sessions=async_sessionmaker(engine, expire_on_commit=False))
        finally:
            await engine.dispose()
            await asyncio.to_thread(pg.stop)
    finally:
        shutil.rmtree(where, ignore_errors=True)


def _derived(identity: str, tid: str, used: set[str]) -> str:
    """A stable identity of this transcript's own when `identity` is already taken."""
    n = 0
    while identity in used:
        digest = int(hashlib.sha256(f"{tid}/{n}".encode()).hexdigest(), 16)
        if "@" in identity:
            local, _, domain = identity.partition("@")
            identity = f"{local}+{digest % 10**6:06d}@{domain}"
        else:
            identity = f"+1555{digest % 10**7:07d}"
        n += 1
    return identity


async def replay(db: Database, transcripts: list[Transcript], catalog: DistributorFile, *,
                 keyring: Keyring, llm: Any = None,
                 on_done: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Replay `transcripts` against `catalog` loaded into `db` (migrated, empty); the report."""
    async with db.transaction(tenant=ALL) as session:
        loaded = await load_distributor(session, catalog, keyring)
    dist = loaded.distributor_id
    ctx = AgentContext(keyring=keyring, llm=llm)
    # first-use costs (the match index, the PII detector) are the process's, not a
    # transcript's latency: pay them on a conversation of our own, left out of the report
    await say(db, ctx, dist, sender=WARM_UP, text="hi", channel=Channel.EMAIL)
    before = await _usage(db, dist)
    entries: list[dict[str, Any]] = []
    latencies: list[float] = []
    used: set[str] = {WARM_UP}
    for t in transcripts:
        identity = _derived(t.identity or "", t.id, used)
        used.add(identity)
        row, lat = await _run_one(db, ctx, dist, t, identity)
        entries.append(row)
        latencies += lat
        if on_done is not None:
            on_done(row)
    after = await _usage(db, dist)
    usage = Usage(calls=after.calls - before.calls, tokens=after.tokens - before.tokens,
                  cost_usd=after.cost_usd - before.cost_usd)
    return {"metrics": metrics(entries, latencies, usage), "transcripts": entries}


async def _usage(db: Database, dist: uuid.UUID) -> Usage:
    """LLM calls, tokens and cost so far: `ai_responses` rows the rules did not write."""
    async with db.transaction(tenant=dist) as session:
        calls, tokens, cost = (await session.execute(select(
            func.count(AIResponse.id), func.coalesce(func.sum(AIResponse.tokens_used), 0),
            func.coalesce(func.sum(AIResponse.cost_usd), 0),
        ).where(AIResponse.model_used.is_not(None), AIResponse.model_used != "rules"))).one()
    return Usage(calls=calls, tokens=int(tokens), cost_usd=Decimal(cost))


async def _run_one(db: Database, ctx: AgentContext, dist: uuid.UUID, t: Transcript,
                   identity: str) -> tuple[dict[str, Any], list[float]]:
    """One transcript, turn by turn; its report row and its per-message latencies."""
    channel = Channel(t.channel.upper())
    key = "email" if channel == Channel.EMAIL else "phone"
    async with db.transaction(tenant=dist) as session:
        # a customer the distributor knows, as real ones mostly are
        session.add(Customer(distributor_id=dist, business_name=t.customer.business_name,
                             **{key: identity}))
    replies: list[str] = []
    conversation_id = None
    error = None
    for turn in t.turns:
        stored = await say(db, ctx, dist, sender=identity, text=turn.text, channel=channel,
                           process=False)
        conversation_id = stored.conversation_id
        try:
            replies += await _answer(db, ctx, conversation_id)
        except Exception as exc:  # the agent's bug: this transcript's result, not the run's end
            log.warning("replay: %s failed on a turn: %s", t.id, type(exc).__name__,
                        exc_info=log.isEnabledFor(logging.DEBUG))
            error = f"{type(exc).__name__}: {exc}"
            await _quarantine(db, dist, conversation_id)
            break
    async with db.transaction(tenant=dist) as session:
        outcome, items, unmatched = await _result(session, conversation_id)
        latencies = await _latencies(session, conversation_id)
        seen = await replay_lines.details(session, conversation_id)  # for the HTML report
    row = entry(t, outcome, items, replies, unmatched=unmatched, error=error)
    return {**row, "channel": t.channel, "turns": [x.text for x in t.turns], **seen}, latencies


async def _answer(db: Database, ctx: AgentContext, conversation_id: uuid.UUID) -> list[str]:
    """The worker's claim, until it has processed this conversation; the reply it stored.

    `evaluation.local.drain` would also look for more work and re-read the reply: two more
    transactions a turn, which nothing needs when transcripts run one at a time.
    """
    replies = []
    while (done := await claim_and_process(db, ctx, window_s=0)) is not None:
        if done.conversation_id == conversation_id:
            if done.reply is not None:
                replies.append(done.reply)
            break
    return replies


async def _latencies(session, conversation_id: uuid.UUID) -> list[float]:
    """Per customer message answered: from stored to its reply stored, in milliseconds."""
    rows = (await session.execute(select(Message.is_from_customer, Message.created_at).where(
        Message.conversation_id == conversation_id).order_by(
        Message.created_at, Message.thread_position))).all()
    out, asked = [], None
    for from_customer, at in rows:
        if from_customer:
            asked = at
        elif asked is not None:
            out.append((at - asked).total_seconds() * 1000)
            asked = None
    return out


async def _quarantine(db: Database, dist: uuid.UUID, conversation_id: uuid.UUID) -> None:
    """Mark a failed conversation's messages done so they do not block the next transcript."""
    async with db.transaction(tenant=dist) as session:
        await session.execute(update(Message).where(
            Message.conversation_id == conversation_id, Message.is_from_customer,
            Message.ai_processed.is_(False)).values(ai_processed=True))


async def _result(session, conversation_id: uuid.UUID | None
                  ) -> tuple[str, list[tuple[str, Decimal]], list[str]]:
    """Outcome, (sku, quantity) items and unmatched lines of the conversation's last order.

    A conversation handed to staff is HANDOFF with the items pending in its open session
    (formats.md): what staff take over. Otherwise the newest session decides, except an
    open one without items (a question after a confirmed order opens one), which defers to
    the one before it.
    """
    if conversation_id is None:
        return "NONE", [], []
    sessions = (await session.execute(select(ConversationOrderSession).where(
        ConversationOrderSession.conversation_id == conversation_id).order_by(
        ConversationOrderSession.started_at.desc(), ConversationOrderSession.created_at.desc())
    )).scalars().all()
    conversation = await session.get(Conversation, conversation_id)
    if conversation is not None and conversation.handoff_active:
        open_ = next((s for s in sessions if s.status != SessionStatus.CLOSED), None)
        items, unmatched = await _pending(session, open_) if open_ is not None else ([], [])
        return "HANDOFF", items, unmatched
    for s in sessions:
        if s.status == SessionStatus.CLOSED:
            if s.outcome != SessionOutcome.CONFIRMED or s.consolidated_order_id is None:
                return str(s.outcome or "NONE"), [], []
            lines = (await session.execute(select(OrderProduct).where(
                OrderProduct.order_id == s.consolidated_order_id))).scalars().all()
            return ("CONFIRMED", [(x.sku, x.quantity) for x in lines if x.sku],
                    [x.ai_original_text or x.product_name for x in lines if not x.sku])
        items, unmatched = await _pending(session, s)
        if items or unmatched:
            return "NONE", items, unmatched
    return "NONE", [], []


async def _pending(session, s: ConversationOrderSession
                   ) -> tuple[list[tuple[str, Decimal]], list[str]]:
    """The pending (sku, quantity) items of an open session, and its unmatched lines."""
    live = (await session.execute(select(OrderSessionItem).where(
        OrderSessionItem.order_session_id == s.id,
        OrderSessionItem.status == SessionItemStatus.PENDING))).scalars().all()
    return ([(x.product_code, x.quantity) for x in live if x.product_code],
            [(x.item_metadata or {}).get("text") or x.product_name
             for x in live if not x.product_code])


def master_keyring() -> Keyring:
    """A keyring on a random master key: the throw-away database's secrets die with it."""
    return Keyring(secrets.token_urlsafe(32).encode())


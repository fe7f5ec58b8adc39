"""`orderagent export-transcripts`: stored conversations as transcripts, PII redacted.

Real traffic becomes tomorrow's test set. One transcript per order session: a message
belongs to the session it was processed in, and messages processed while no session
was open (a greeting, a question) go with the session that follows them. The expected
answer is the order as it stands now, so a line staff corrected in review exports
corrected; a session closed by TIMEOUT exports as NONE with its pending items, which is
how its replay ends (no time passes in a replay).

Text goes through the PII detector (`privacy.redact`), then two cheap walls behind it:
anything shaped like an email address, and the customer's own phone, email, address and
names as the distributor stored them (the PII most likely to be in their messages). The
customer becomes a pseudonym derived from their row id: the same customer gets the same
pseudonym in every export, and their business name in a message becomes that pseudonym.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import Database
from db.models import (
    Conversation,
    ConversationOrderSession,
    Customer,
    Distributor,
    Message,
    OrderProduct,
    OrderSessionItem,
)
from db.models.enums import SessionItemStatus, SessionOutcome, SessionStatus
from db.tenant import ALL
from evaluation.transcripts import item_dicts

# by shape alone: the detector also checks the domain, and a miss here leaks an address
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class ExportError(ValueError):
    """The export cannot run (unknown distributor, unwritable file): exit 2."""


@dataclass(eq=False)
class _Segment:
    """The customer messages of one order session (or of none, at the end)."""

    session: ConversationOrderSession | None
    messages: list[Message] = field(default_factory=list)


def pseudonym(customer_id: uuid.UUID, channel: str) -> dict[str, str | None]:
    """A stable stand-in customer: fictional 555 phone or example.com email, no real data."""
    digest = hashlib.sha256(f"orderagent-export/{customer_id}".encode()).hexdigest()
    is_email = channel == "email"
    return {"business_name": f"Customer {digest[:6]}",
            "phone": None if is_email else f"+1555{int(digest[:12], 16) % 10**7:07d}",
            "email": f"customer-{digest[:10]}@example.com" if is_email else None}


def _redactor(customer: Customer, alias: dict[str, str | None]) -> Callable[[str], str]:
    """`redact` plus the walls: email shapes and this customer's own identifiers."""
    from privacy.redact import redact

    literal: list[tuple[str, str]] = []
    for value, placeholder in ((customer.phone, "<PHONE_NUMBER>"),
                               (customer.email, "<EMAIL_ADDRESS>"),
                               (customer.address, "<STREET_ADDRESS>"),
                               (customer.business_name, alias["business_name"] or ""),
                               (customer.contact_person_name, "<PERSON>")):
        if value and len(value.strip()) >= 3:
            literal.append((value.strip(), placeholder))
    # a first or last name alone ("Thanks, Linda"): names only, capitalised, 3+ letters
    for part in (customer.contact_person_name or "").split():
        if len(part) >= 3 and part[0].isupper():
            literal.append((part, "<PERSON>"))
    patterns = [(re.compile(rf"(?<!\w){re.escape(v)}(?!\w)"), p)
                for v, p in sorted(literal, key=lambda x: -len(x[0]))]

    def clean(text: str) -> str:
        text = _EMAIL.sub("<EMAIL_ADDRESS>", redact(text))
        for pattern, placeholder in patterns:
            text = pattern.sub(placeholder, text)
        return text

    return clean


def _segments(messages: list[Message], sessions: list[ConversationOrderSession]
              ) -> list[_Segment]:
    """Messages grouped by the session they were processed in, sessionless ones carried on."""
    by_id = {s.id: _Segment(s) for s in sessions}
    out: list[_Segment] = []
    waiting: list[Message] = []  # processed while no session was open
    for msg in messages:
        seg = by_id.get(msg.order_session_id) if msg.order_session_id else None
        if seg is None:
            waiting.append(msg)
            continue
        if seg not in out:
            out.append(seg)
        seg.messages += [*waiting, msg]
        waiting = []
    if waiting:
        out.append(_Segment(None, waiting))
    return out


async def _expected(session: AsyncSession, s: ConversationOrderSession | None,
                    handed_off: bool = False) -> dict[str, Any]:
    """How the session ended and its items, as the transcript format states them; an open
    session of a conversation staff have taken over is HANDOFF, with its pending items."""
    if s is None:
        return {"outcome": "NONE", "items": []}
    if s.status == SessionStatus.CLOSED and s.outcome == SessionOutcome.CANCELLED:
        return {"outcome": "CANCELLED", "items": []}
    if s.status == SessionStatus.CLOSED and s.outcome == SessionOutcome.CONFIRMED:
        if s.consolidated_order_id is not None:
            rows = (await session.execute(select(OrderProduct.sku, OrderProduct.quantity).where(
                OrderProduct.order_id == s.consolidated_order_id))).all()
        else:
            rows = (await session.execute(select(
                OrderSessionItem.product_code, OrderSessionItem.quantity).where(
                OrderSessionItem.order_session_id == s.id,
                OrderSessionItem.status == SessionItemStatus.CONFIRMED))).all()
        return {"outcome": "CONFIRMED", "items": _items(rows)}
    rows = (await session.execute(select(
        OrderSessionItem.product_code, OrderSessionItem.quantity).where(
        OrderSessionItem.order_session_id == s.id,
        OrderSessionItem.status == SessionItemStatus.PENDING))).all()
    return {"outcome": "HANDOFF" if handed_off else "NONE", "items": _items(rows)}


def _items(rows: list[Any]) -> list[dict[str, Any]]:
    # a line with no sku cannot be entered by anyone: not part of the answer
    return item_dicts([(sku, Decimal(q)) for sku, q in rows if sku and q and q > 0])


async def _conversation(session: AsyncSession, conv: Conversation, start: datetime | None,
                        slug: str) -> list[dict[str, Any]]:
    """The transcripts of one conversation, oldest first."""
    messages = list((await session.execute(select(Message).where(
        Message.conversation_id == conv.id, Message.is_from_customer, Message.ai_processed)
        .order_by(Message.created_at, Message.thread_position))).scalars())
    sessions = list((await session.execute(select(ConversationOrderSession).where(
        ConversationOrderSession.conversation_id == conv.id))).scalars())
    channel = str(conv.channel).lower()
    alias = pseudonym(conv.customer_id, channel)
    clean = _redactor(await session.get(Customer, conv.customer_id), alias)
    out = []
    segments = _segments(messages, sessions)
    for n, seg in enumerate(segments):
        if start is not None and seg.messages[0].created_at < start:
            continue
        turns = [{"role": "customer", "text": clean(m.content)}
                 for m in seg.messages if (m.content or "").strip()]
        if not turns:
            continue  # photos only: the format has no place for them
        out.append({"id": f"{slug}-{seg.messages[0].id.hex[:12]}", "channel": channel,
                    "customer": alias, "turns": turns,
                    "expected": await _expected(
                        session, seg.session,
                        handed_off=conv.handoff_active and n == len(segments) - 1)})
    return out


async def export_transcripts(db: Database, slug: str, out: Path, *, since: date | None = None,
                             console: Console | None = None) -> int:
    """Write the distributor's conversations to `out` as transcript JSONL; returns 0."""
    console = console or Console()
    async with db.transaction(tenant=ALL) as session:
        dist = (await session.execute(select(Distributor).where(Distributor.slug == slug))
                ).scalar_one_or_none()
    if dist is None:
        raise ExportError(f"no distributor {slug!r} (see `orderagent load`)")
    try:
        zone = ZoneInfo(dist.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    start = datetime.combine(since, time.min, tzinfo=zone) if since else None
    async with db.transaction(tenant=dist.id) as session:
        convs = list((await session.execute(select(Conversation).order_by(
            Conversation.created_at, Conversation.id))).scalars())
    rows: list[dict[str, Any]] = []
    with Progress(TextColumn("exporting"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("export", total=len(convs))
        for conv in convs:
            async with db.transaction(tenant=dist.id) as session:
                rows += await _conversation(session, conv, start, slug)
            progress.advance(task)
    await asyncio.to_thread(_write, out, rows)
    counts = {k: sum(r["expected"]["outcome"] == k for r in rows)
              for k in ("CONFIRMED", "CANCELLED", "HANDOFF", "NONE")}
    console.print(f"wrote {len(rows)} transcripts ({counts['CONFIRMED']} confirmed, "
                  f"{counts['CANCELLED']} cancelled, {counts['HANDOFF']} handed off, "
                  f"{counts['NONE']} open) from "
                  f"{len(convs)} conversations to {out}", highlight=False)
    return 0


def _write(out: Path, rows: list[dict[str, Any]]) -> None:
    """All or nothing: a half-written file would replay as a smaller set."""
    tmp = out.with_name(out.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{out}: cannot write: {exc.strerror or exc}") from None

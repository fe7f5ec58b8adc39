"""Process a claimed conversation: its unprocessed messages, one reply, every AI decision logged.

Runs inside the worker's transaction, which holds the conversation's row lock: the
session changes, the order, the `ai_*` fields, the AI log and the outbound reply commit
together or not at all, so a worker killed mid-message loses nothing and a retry
processes it once.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from agent import replies
from agent.catalog import line_reader
from agent.changes import ADDING, apply_change, text_of
from agent.context import AgentContext
from agent.ellipsis import RECENT_LINES, by_unit, complete
from agent.packs import selling_quantity
from agent.turn import Outcome, Turn
from agent.understand import AILog, LineMatcher, llm_reading, rules_unsure
from agent.wording import scrub_extraction
from db.models import (
    AIResponse,
    AIUsageMetric,
    Conversation,
    ConversationOrderSession,
    Customer,
    Distributor,
    Message,
    OrderSessionItem,
)
from db.models.enums import AgentType, SessionStatus
from mailroom.outbox import message_created, queue_reply
from mailroom.pii import record_findings
from matching.parse import parse_line
from matching.resolve import match_line
from matching.units import fmt_number
from reading.extract import extract
from reading.types import Change, ChangeKind, Extraction, Intent, QuestionKind

AGENT_VERSION = "rules-1"


@dataclass(frozen=True, slots=True)
class Processed:
    """What one processing pass did."""

    conversation_id: uuid.UUID
    messages: int
    reply_id: uuid.UUID | None
    reply: str | None


async def _load_turn(db: AsyncSession, conv: Conversation, ctx: AgentContext) -> Turn:
    dist = await db.get(Distributor, conv.distributor_id)
    customer = await db.get(Customer, conv.customer_id)
    session = (await db.execute(select(ConversationOrderSession).where(
        ConversationOrderSession.conversation_id == conv.id,
        ConversationOrderSession.status != SessionStatus.CLOSED))).scalar_one_or_none()
    items = []
    if session is not None:
        items = list((await db.execute(select(OrderSessionItem).where(
            OrderSessionItem.order_session_id == session.id)
            .order_by(OrderSessionItem.added_at, OrderSessionItem.id))).scalars())
    return Turn(db=db, conversation=conv, customer=customer,
                catalog=await ctx.catalogs.get(db, conv.distributor_id),
                threshold=Decimal(dist.ai_confidence_threshold), session=session, items=items,
                auto_close_minutes=dist.auto_close_timeout_minutes)


def _what_changed(change: Change) -> str | None:
    """The words a change was said in, to ask which line they meant."""
    if change.target:
        return change.target
    if change.quantity is not None and change.kind in (ChangeKind.SET_QUANTITY,
                                                       ChangeKind.ADD_MORE):
        more = " more" if change.kind is ChangeKind.ADD_MORE else ""
        return f"{fmt_number(change.quantity)}{more}{' ' + change.unit if change.unit else ''}"
    return None


async def _apply(turn: Turn, ext: Extraction, text: str, currency: str,
                 match: LineMatcher, asked: str | None = None) -> None:
    """Apply one message's extraction to the session."""
    if ext.handoff:
        # staff take over, but what the customer asked for is kept for them
        await turn.hand_off(str(ext.handoff_reason or "requested"))
    later = [c for c in ext.changes if c.kind in ADDING]
    for change in [c for c in ext.changes if c.kind not in ADDING]:
        if not await apply_change(turn, change, match) and (said := _what_changed(change)):
            # "no wait, 3" with several lines: which one? asked, never guessed or dropped
            turn.outcome.unknown_targets.append(said)
    recent = [text_of(i) for i in reversed(turn.live_items) if i.product_id][:RECENT_LINES]
    for n, line in enumerate(ext.items):
        result = await match(line)
        # "5 de piña" after "5 cajas de Jarritos de tamarindo": the product is the earlier
        # line's, this line names what differs
        templates = [*reversed(ext.items[:n]), *recent, *([asked] if asked else [])]
        line, result = await complete(line, templates, match, result, float(turn.threshold))
        earlier = [(text_of(i), str(i.product_id), i.product_code or "")
                   for i in reversed(turn.live_items) if i.product_id][:RECENT_LINES]
        line, result = await by_unit(line, earlier, match, result, float(turn.threshold))
        sold = selling_quantity(result.parsed, result.item, turn.catalog.family(result.item))
        if sold.item is not None:  # "half case": the half-case variant
            result = replace(result, item=sold.item)
        await turn.add(line, result, sold.quantity, note=sold.note)
    for change in later:  # "lids for those": after the lines they point at
        if not await apply_change(turn, change, match) and change.target:
            turn.outcome.unknown_targets.append(change.target)
    if ext.confirm:
        # "proceed without the X" when X never made it onto the order: nothing to take
        # off, and the go-ahead stands
        absent = {c.target for c in ext.changes if c.kind == ChangeKind.REMOVE}
        turn.outcome.unknown_targets = [t for t in turn.outcome.unknown_targets
                                        if t not in absent]
    if ext.handoff:
        return
    # a plain yes, or a confirmation carrying its own change: the change is in by now
    if ext.confirm or (ext.intent == Intent.CONFIRM and not ext.items and not ext.changes):
        await turn.confirm(text, with_changes=bool(ext.items or ext.changes))
    elif ext.intent == Intent.CANCEL and not ext.items:
        turn.cancel()
    elif ext.intent == Intent.QUESTION and not ext.items and not ext.changes:
        await _answer(turn, ext, currency)
    elif ext.hold and turn.live_items:
        # "let me check the cooler first": the order stays open, shown as it stands
        turn.outcome.changed = turn.outcome.understood = True
    elif ext.intent in (Intent.GREETING, Intent.OTHER):
        turn.outcome.understood = turn.outcome.understood or ext.intent == Intent.GREETING
    if ext.question_kind is QuestionKind.OTHER and ext.items and ext.intent in (Intent.ORDER,
                                                                               Intent.ADD):
        # "the eggs came cracked last time, btw. 2 cs eggs": the order goes on, the remark to staff
        turn.outcome.referred.append(str(QuestionKind.OTHER))


# words that leave a quantity bare: "3 cases then", "2 of those please", "ok 2 cs"
_FILLER = frozenset({"please", "pls", "plz", "then", "thanks", "thx", "of", "it", "them", "those",
                     "these", "that", "ok", "okay", "the", "same", "por", "favor", "porfa",
                     "entonces", "de", "esos", "esas", "eso", "gracias", "y", "and"})


def _bare_quantity(text: str) -> bool:
    parsed = parse_line(text)
    words = re.findall(r"[^\W\d_]+", parsed.mention.lower())
    return parsed.quantity is not None and all(w in _FILLER for w in words)


def _with_asked(text: str, asked: str) -> str:
    """ "3 cases then" + "pumpkin puree" -> "3 case pumpkin puree"."""
    parsed = parse_line(text)
    unit = f" {parsed.unit}" if parsed.unit else ""
    return f"{fmt_number(parsed.quantity)}{unit} {asked}" if parsed.quantity is not None \
        else f"{text} {asked}"


def _answer_to_question(ext: Extraction, asked: str | None) -> Extraction:
    """ "ok 2 cs please" right after asking about cold brew orders 2 cs of cold brew, also
    beside other lines ("ok, 2 cases. also 1 case croissants")."""
    if asked is None or ext.changes:
        return ext
    bare_items = [i for i in ext.items if _bare_quantity(i)]
    bare = [u for u in ext.unparsed if _bare_quantity(u)]
    if not bare and not bare_items:
        return ext
    items = [_with_asked(i, asked) if i in bare_items else i for i in ext.items]
    items += [_with_asked(u, asked) for u in bare]
    return replace(ext, intent=ext.intent if ext.items else Intent.ORDER, items=items,
                   unparsed=[u for u in ext.unparsed if u not in bare],
                   confidence=max(ext.confidence, 0.8))


async def _last_question_mention(db: AsyncSession, conversation_id: uuid.UUID) -> str | None:
    """The product the customer asked about in their last processed message, if any."""
    data = (await db.execute(
        select(AIResponse.extracted_data).join(Message, Message.id == AIResponse.message_id)
        .where(Message.conversation_id == conversation_id, Message.ai_processed,
               AIResponse.agent_type == AgentType.ORDER_PROCESSING)
        .order_by(Message.created_at.desc()).limit(1))).scalar_one_or_none()
    return (data or {}).get("question_mention")


async def _answer(turn: Turn, ext: Extraction, currency: str) -> None:
    """Answer a stock or price question from the catalog, or pass it on to staff."""
    lang = str(ext.language)
    if ext.question_kind in (QuestionKind.STOCK, QuestionKind.PRICE) and ext.question_mention:
        # "pumpkin puree in yet", "the Plugra butter sheet case": trailing words may be the
        # question's, not the product's; the longest reading the catalog is sure of answers
        # (a shorter one may be sure of a sibling: "shredded" alone is another cheese)
        words = ext.question_mention.split()
        readings = [match_line(turn.catalog.index, " ".join(words[:n]),
                               threshold=float(turn.threshold))
                    for n in range(len(words), max(0, len(words) - 3), -1)]
        result = next((r for r in readings if r.item is not None
                       and r.confidence >= float(turn.threshold)), readings[0])
        if result.item is not None and result.confidence >= float(turn.threshold):
            turn.outcome.answers.append(replies.product_info(result.item, currency, lang))
            turn.outcome.understood = True
            return
    # never invent an answer: staff answer it in the thread (it stays unread in their
    # inbox), while the agent keeps taking the order; a handoff is for who asks for one
    turn.outcome.referred.append(str(ext.question_kind or QuestionKind.OTHER))
    turn.outcome.understood = True


def _preamble(out: Outcome, lang: str) -> str:
    """Answers to questions, and the note that staff will take the others, before a reply."""
    parts = list(out.answers)
    if out.referred:
        parts.append(replies.render("referred", lang)[0])
    return "\n".join(parts)


def _compose(turn: Turn, lang: str, currency: str) -> tuple[str | None, str | None]:
    """The one reply to this batch of messages, and the template it came from."""
    out = turn.outcome
    if out.handoff_reason is not None:
        return replies.render("handoff", lang)
    if turn.conversation.handoff_active:
        return None, None  # staff have the conversation: no automatic replies
    if out.confirmed_order is not None:
        order = out.confirmed_order
        return replies.confirmed(turn.live_items, order.total_amount, order.requires_review,
                                 out.left_out, currency, lang, turn.unavailable_items)
    if out.cancelled:
        return replies.render("cancelled", lang)
    before = _preamble(out, lang)
    if out.nothing_resolved or out.changed or (out.unknown_targets and turn.live_items):
        turn.review()
        text, pid = replies.summary(turn.live_items, out, turn.threshold, currency, lang,
                                     turn.unavailable_items)
        return (f"{before}\n\n{text}" if before else text), pid
    if before:
        kind = "product_info" if out.answers else "referred"
        return before, f"reply_{kind}_" + replies.language(lang)
    if out.nothing_to_confirm:
        return replies.render("nothing", lang)
    extra = ""
    if turn.live_items:
        turn.review()
        extra = "\n\n" + replies.summary(turn.live_items, out, turn.threshold, currency,
                                           lang, turn.unavailable_items)[0]
    return replies.render("help", lang, summary=extra)


async def process_conversation(db: AsyncSession, conversation_id: uuid.UUID,
                               ctx: AgentContext, *,
                               only: Collection[uuid.UUID] | None = None) -> Processed:
    """Process the unprocessed customer messages of a (locked) conversation: all of
    them, or those of `only` (the rest wait for the next claim)."""
    conv = await db.get(Conversation, conversation_id)
    stmt = select(Message).where(
        Message.conversation_id == conversation_id, Message.is_from_customer,
        Message.ai_processed.is_(False)).order_by(Message.created_at, Message.thread_position)
    if only is not None:
        stmt = stmt.where(Message.id.in_(only))
    messages = list((await db.execute(stmt)).scalars())
    if conv is None or not messages:
        return Processed(conversation_id, 0, None, None)
    turn = await _load_turn(db, conv, ctx)
    dist = await db.get(Distributor, conv.distributor_id)
    was_handed_off = conv.handoff_active
    lang = turn.customer.language or dist.locale
    llm = ctx.llm if ctx.llm is not None and await ctx.llm.usable(db, dist) else None
    ai = AILog(db, conv.distributor_id)
    responses: list[AIResponse] = []
    now = datetime.now(UTC)
    cards_masked = False
    asked = await _last_question_mention(db, conversation_id)
    for msg in messages:
        started = time.perf_counter()
        turn.message_id = ai.message_id = msg.id
        masked_cards = (msg.external_metadata or {}).get("pii_masked_cards", [])
        cards_masked = cards_masked or bool(masked_cards)
        findings = await record_findings(db, ctx.keyring, conv.distributor_id, msg.id,
                                         msg.content or "", masked_cards)
        score, name = line_reader(turn.catalog, float(turn.threshold))
        ext = extract(msg.content or "", known_names=turn.catalog.known_names,
                      line_score=score, line_name=name, default_lang=lang)
        # read from the message as written; kept and quoted only without its PII ("Flank:
        # 30 lb" may look like a name to the detector: the matcher still reads "Flank")
        written = ext
        ext = scrub_extraction(ext, findings, turn.catalog.vocabulary)
        as_written = {kept: raw for kept, raw in zip(ext.items, written.items, strict=True)
                      if kept != raw}
        ext = _answer_to_question(ext, asked)
        if llm is not None and not was_handed_off and rules_unsure(ext):
            ext = await llm_reading(llm, ai, ext)
        context, asked = asked, ext.question_mention or (None if ext.items or ext.changes
                                                          else asked)
        if ext.text:
            lang = str(ext.language)
        match = LineMatcher(turn, ai, llm, as_written=as_written)
        if not was_handed_off:
            await _apply(turn, ext, msg.content, dist.currency, match,
                         asked=ext.question_mention or context)
        matched = match.matched
        confidence = min([m["confidence"] for m in matched] + [ext.confidence])
        msg.ai_processed = True
        # inbound messages are announced here, not in the webhook: off its hot path, and
        # still in the transaction that makes the message's effects durable
        await message_created(db, conv, msg.id, sent_by=None)
        msg.ai_processed_at = func.clock_timestamp()
        msg.ai_extracted_intent = str(ext.intent)
        msg.ai_confidence = Decimal(str(round(confidence, 4)))
        msg.ai_extracted_products = matched
        msg.order_session_id = turn.session.id if turn.session else None
        responses.append(AIResponse(
            distributor_id=conv.distributor_id, message_id=msg.id,
            agent_type=AgentType.ORDER_PROCESSING, agent_version=AGENT_VERSION,
            confidence=msg.ai_confidence, model_used="rules",
            processing_time=round((time.perf_counter() - started) * 1000),
            extracted_data={"intent": str(ext.intent), "language": str(ext.language),
                            "items": matched, "changes": [c.kind for c in ext.changes],
                            "handoff": ext.handoff, "question_kind": ext.question_kind,
                            "question_mention": ext.question_mention}))
    if turn.session is not None:
        turn.session.last_activity_at = now
        turn.session.reminder_sent_at = None
        turn.session.ai_interactions_count += len(messages)
    turn.customer.language = lang
    text, prompt_id = (None, None) if was_handed_off else _compose(turn, lang, dist.currency)
    if cards_masked:
        notice, _ = replies.render("card_notice", lang)
        text = notice if text is None else f"{text}\n\n{notice}"
    reply_id = None
    if text is not None:
        reply_id = await queue_reply(db, conv, text, session_id=turn.session.id
                                     if turn.session else None)
    for response in responses:
        response.response_content = text
        response.prompt_version = prompt_id
        response.was_used = text is not None
        db.add(response)
    conv.ai_last_processed_at = now
    await record_usage(db, conv.distributor_id, responses + ai.responses, failed=ai.failed)
    await db.flush()
    return Processed(conversation_id, len(messages), reply_id, text)


async def record_usage(db: AsyncSession, distributor_id: uuid.UUID,
                       responses: list[AIResponse], *, failed: int = 0) -> None:
    """Add these AI responses (`failed` of them failed) to the distributor's hourly row."""
    if not responses:
        return
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    count = len(responses)
    tokens = sum(r.tokens_used or 0 for r in responses)
    cost = sum((Decimal(r.cost_usd or 0) for r in responses), Decimal(0))
    conf = [Decimal(r.confidence) for r in responses if r.confidence is not None]
    avg = (sum(conf) / len(conf)).quantize(Decimal("0.0001")) if conf else None
    ms = [r.processing_time for r in responses if r.processing_time is not None]
    stmt = insert(AIUsageMetric).values(
        distributor_id=distributor_id, period_start=hour,
        period_end=hour.replace(minute=59, second=59), requests_count=count, tokens_used=tokens,
        cost_usd=cost, avg_confidence=avg, successful_requests=count - failed,
        failed_requests=failed,
        avg_response_time=round(sum(ms) / len(ms)) if ms else None)
    m = AIUsageMetric
    total = m.requests_count + count
    stmt = stmt.on_conflict_do_update(index_elements=["distributor_id", "period_start"], set_={
        "requests_count": total,
        "tokens_used": m.tokens_used + tokens,
        "cost_usd": m.cost_usd + cost,
        "successful_requests": m.successful_requests + count - failed,
        "failed_requests": m.failed_requests + failed,
        "avg_confidence": func.coalesce(
            (func.coalesce(m.avg_confidence, 0) * m.requests_count + (avg or 0) * count) / total,
            avg),
        "avg_response_time": func.coalesce(
            (func.coalesce(m.avg_response_time, 0) * m.requests_count
             + (stmt.excluded.avg_response_time * count)) / total, m.avg_response_time),
    })
    await db.execute(stmt)

"""Suggested staff replies to a customer's latest message, grounded in the catalog.

`build` is pure: from the message, the session's lines and the catalog it writes up to
three replies — an answer to a stock or price question, a clarifying question for an
unsure line (naming the catalog's top alternatives), the order summary — and every
product, price and stock state in them is read from the catalog at that moment (a line
whose product left the catalog is shown as "not found", never with a stale price). The
customer's own words only appear inside “quotes”. `suggest` loads the state, stores the
suggestions on the message and one `ai_responses` row each (REPLY_SUGGESTION).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import prompts
from agent.catalog import Catalog, CatalogCache
from agent.process import record_usage
from agent.replies import WORDS, language, money
from db.models import (
    AIResponse,
    Conversation,
    ConversationOrderSession,
    Customer,
    Distributor,
    Message,
    OrderSessionItem,
)
from db.models.enums import AgentType, SessionItemStatus, SessionOutcome, SessionStatus
from matching.catalog import CatalogItem
from matching.resolve import match_line
from reading.extract import extract
from reading.types import QuestionKind

AGENT_VERSION = "suggest-1"
MAX_SUGGESTIONS = 3
EXTRA = {
    "en": {"per": "per", "or": "or", "open": "Here's your order so far:",
           "confirmed": "Your confirmed order:", "ask": "Reply YES to confirm, or tell me "
           "what to change.", "thanks": "Thanks for your order!"},
    "es": {"per": "por", "or": "o", "open": "Tu pedido hasta ahora:",
           "confirmed": "Tu pedido confirmado:", "ask": "Responde SI para confirmar, o dime "
           "qué cambiar.", "thanks": "¡Gracias por tu pedido!"},
}


@dataclass(frozen=True, slots=True)
class Line:
    """What a suggestion needs of one session item."""

    wording: str
    sku: str | None
    quantity: Decimal
    confidence: float
    alternatives: tuple[str, ...]
    latest: bool  # added by the message being answered


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggested reply and the catalog items it names."""

    kind: str
    text: str
    prompt_id: str
    confidence: float | None
    items: tuple[CatalogItem, ...]


def _render(template: str, lang: str, **values: object) -> tuple[str, str]:
    prompt = prompts.load(f"suggest_{template}_{lang}")
    return prompt.render(**values), prompt.id


def _qty(q: Decimal) -> str:
    return f"{Decimal(q).normalize():f}"


def _availability(item: CatalogItem, lang: str) -> str:
    return WORDS[lang]["in_stock" if item.in_stock else "out_of_stock"]


def _option(item: CatalogItem, currency: str, lang: str) -> str:
    """'Name (in stock, $27.50 per case)'."""
    return (f"{item.name} ({_availability(item, lang)}, {money(item.unit_price, currency)} "
            f"{EXTRA[lang]['per']} {item.unit})")


def _join(parts: list[str], lang: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {EXTRA[lang]['or']} " + parts[-1]


def answer(text: str, catalog: Catalog, threshold: float, currency: str,
           lang: str) -> Suggestion | None:
    """A stock or price question answered from the catalog (None if there is none)."""
    ext = extract(text, known_names=catalog.known_names)
    if ext.question_kind not in (QuestionKind.STOCK, QuestionKind.PRICE) \
            or not ext.question_mention:
        return None
    result = match_line(catalog.index, ext.question_mention, threshold=threshold)
    if result.item is None:
        out, pid = _render("missing", lang, wording=ext.question_mention)
        return Suggestion("ANSWER", out, pid, 0.0, ())
    if result.confidence >= threshold:
        item = result.item
        out, pid = _render("answer", lang, name=item.name, availability=_availability(item, lang),
                           price=money(item.unit_price, currency), unit=item.unit)
        return Suggestion("ANSWER", out, pid, result.confidence, (item,))
    options = _candidates([result.item, *(a for a, _ in result.alternatives)], limit=2)
    out, pid = _render("options", lang,
                       options=_join([_option(i, currency, lang) for i in options], lang))
    return Suggestion("ANSWER", out, pid, result.confidence, tuple(options))


def _candidates(items: list[CatalogItem | None], limit: int) -> list[CatalogItem]:
    seen: set[str] = set()
    out: list[CatalogItem] = []
    for item in items:
        if item is not None and item.sku not in seen:
            seen.add(item.sku)
            out.append(item)
    return out[:limit]


def clarify(lines: list[Line], catalog: Catalog, threshold: float, currency: str,
            lang: str) -> Suggestion | None:
    """A question about the first unsure line, naming the catalog's best candidates."""
    unsure = [ln for ln in lines if ln.sku not in catalog.by_sku or ln.confidence < threshold]
    if not unsure:
        return None
    line = sorted(unsure, key=lambda ln: not ln.latest)[0]
    options = _candidates([catalog.by_sku.get(s) for s in (line.sku or "", *line.alternatives)],
                          limit=3)
    if not options:
        out, pid = _render("missing", lang, wording=line.wording)
        return Suggestion("CLARIFY", out, pid, line.confidence, ())
    out, pid = _render("clarify", lang, wording=line.wording,
                       options=_join([_option(i, currency, lang) for i in options], lang))
    return Suggestion("CLARIFY", out, pid, line.confidence, tuple(options))


def summary(lines: list[Line], catalog: Catalog, currency: str, lang: str, *,
            confirmed: bool) -> Suggestion | None:
    """The order as the catalog prices it today: one line per item, the total."""
    if not lines:
        return None
    words, extra = WORDS[lang], EXTRA[lang]
    rows, missing, named = [], [], []
    total = Decimal(0)
    for ln in lines:
        item = catalog.by_sku.get(ln.sku or "")
        if item is None:
            missing.append(f"“{ln.wording}”")
            continue
        named.append(item)
        amount = None
        if item.unit_price is not None:
            amount = (Decimal(ln.quantity) * Decimal(item.unit_price)).quantize(Decimal("0.01"))
            total += amount
        rows.append(f"- {_qty(ln.quantity)} x {item.name} ({money(item.unit_price, currency)} "
                    f"{extra['per']} {item.unit}) - {money(amount, currency)}")
    problems = f"\n{words['not_found']}: {', '.join(missing)}" if missing else ""
    out, pid = _render("summary", lang, heading=extra["confirmed" if confirmed else "open"],
                       lines="\n".join(rows), problems=problems, total=money(total, currency),
                       closing=extra["thanks" if confirmed else "ask"])
    conf = min((ln.confidence for ln in lines), default=None)
    return Suggestion("SUMMARY", out, pid, conf, tuple(_candidates(named, len(named))))


def build(text: str, lines: list[Line], catalog: Catalog, threshold: float, currency: str,
          lang: str, *, confirmed: bool = False) -> list[Suggestion]:
    """Up to three grounded replies: answer, clarifying question, summary (or a holding reply)."""
    # staff drafts exist in English and Spanish; another language drafts in English
    lang = language(lang) if language(lang) in EXTRA else "en"
    found = [answer(text, catalog, threshold, currency, lang),
             None if confirmed else clarify(lines, catalog, threshold, currency, lang),
             summary(lines, catalog, currency, lang, confirmed=confirmed)]
    out = [s for s in found if s is not None][:MAX_SUGGESTIONS]
    if not out:
        ack, pid = _render("ack", lang)
        out.append(Suggestion("ACKNOWLEDGE", ack, pid, None, ()))
    return out


def _line(item: OrderSessionItem, latest_id: uuid.UUID | None) -> Line:
    meta = item.item_metadata or {}
    return Line(wording=(meta.get("text") or item.product_name)[:200],
                sku=item.product_code if item.product_id else None,
                quantity=Decimal(item.quantity), confidence=float(item.ai_confidence or 0),
                alternatives=tuple(a["sku"] for a in meta.get("alternatives", [])
                                   if a.get("sku")),
                latest=item.source_message_id is not None and item.source_message_id == latest_id)


def _product_ref(item: CatalogItem) -> dict[str, Any]:
    return {"sku": item.sku, "name": item.name, "unit": item.unit, "in_stock": item.in_stock,
            "unit_price": None if item.unit_price is None else str(item.unit_price)}


async def _session_of(db: AsyncSession, conv: Conversation,
                      msg: Message) -> ConversationOrderSession | None:
    """The session the message belongs to, else the conversation's open one."""
    stmt = select(ConversationOrderSession).where(
        ConversationOrderSession.conversation_id == conv.id)
    if msg.order_session_id is not None:
        stmt = stmt.where(ConversationOrderSession.id == msg.order_session_id)
    else:
        stmt = stmt.where(ConversationOrderSession.status != SessionStatus.CLOSED)
    return (await db.execute(stmt)).scalar_one_or_none()


async def suggest(db: AsyncSession, conv: Conversation, catalogs: CatalogCache
                  ) -> tuple[Message | None, list[dict[str, Any]], list[uuid.UUID]]:
    """Suggestions for the latest customer message: stored ones while the state is unchanged.

    Returns the message, its suggestions, and the ids of `ai_responses` rows written now.
    """
    msg = (await db.execute(select(Message).where(
        Message.conversation_id == conv.id, Message.is_from_customer)
        .order_by(Message.thread_position.desc(), Message.created_at.desc()).limit(1))
    ).scalar_one_or_none()
    if msg is None:
        return None, [], []
    dist = await db.get(Distributor, conv.distributor_id)
    customer = await db.get(Customer, conv.customer_id)
    catalog = await catalogs.get(db, conv.distributor_id)
    session = await _session_of(db, conv, msg)
    items: list[OrderSessionItem] = []
    if session is not None:
        items = list((await db.execute(select(OrderSessionItem).where(
            OrderSessionItem.order_session_id == session.id,
            OrderSessionItem.status != SessionItemStatus.REMOVED)
            .order_by(OrderSessionItem.added_at, OrderSessionItem.id))).scalars())
    confirmed = session is not None and session.outcome == SessionOutcome.CONFIRMED
    state = _fingerprint(catalog.version, session, items)
    stored = msg.ai_suggested_responses or []
    if stored and all(s.get("state") == state for s in stored):
        return msg, stored, []
    lang = (customer.language if customer else None) or dist.locale
    if msg.content:
        lang = str(extract(msg.content).language)
    built = build(msg.content or "", [_line(i, msg.id) for i in items], catalog,
                  float(dist.ai_confidence_threshold), dist.currency, lang, confirmed=confirmed)
    rows, out = [], []
    for s in built:
        row = AIResponse(id=uuid.uuid4(), distributor_id=conv.distributor_id, message_id=msg.id,
                         agent_type=AgentType.REPLY_SUGGESTION, agent_version=AGENT_VERSION,
                         response_content=s.text, model_used="rules", prompt_version=s.prompt_id,
                         confidence=None if s.confidence is None
                         else Decimal(str(round(s.confidence, 4))),
                         extracted_data={"kind": s.kind, "skus": [i.sku for i in s.items]})
        rows.append(row)
        out.append({"id": str(row.id), "kind": s.kind, "text": s.text,
                    "prompt_version": s.prompt_id, "confidence": s.confidence,
                    "products": [_product_ref(i) for i in s.items], "state": state})
    db.add_all(rows)
    msg.ai_suggested_responses = out
    await record_usage(db, conv.distributor_id, rows)
    return msg, out, [r.id for r in rows]


def _fingerprint(version: int, session: ConversationOrderSession | None,
                 items: list[OrderSessionItem]) -> str:
    """What the suggestions were built from; a change means they are rebuilt."""
    parts = [str(version), str(session.id if session else None),
             str(session.status if session else None)]
    parts += [f"{i.id}:{i.product_code}:{i.quantity}:{i.status}" for i in items]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

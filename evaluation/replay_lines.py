"""What the HTML report shows of one replayed conversation beyond the JSON report's
scoring: the language the agent read, and each order line's confidence and fate."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AIResponse, ConversationOrderSession, Message, OrderSessionItem
from db.models.enums import SessionItemStatus


async def details(session: AsyncSession, conversation_id: uuid.UUID | None) -> dict[str, Any]:
    """`language` (the one the agent read most) and `lines`: sku, confidence, and whether
    the line was kept or later corrected (removed or replaced in the conversation)."""
    if conversation_id is None:
        return {"language": None, "lines": []}
    langs = (await session.execute(
        select(AIResponse.extracted_data["language"].astext)
        .join(Message, Message.id == AIResponse.message_id)
        .where(Message.conversation_id == conversation_id))).scalars().all()
    counted = Counter(lang for lang in langs if lang)
    items = (await session.execute(
        select(OrderSessionItem.product_code, OrderSessionItem.ai_confidence,
               OrderSessionItem.status)
        .join(ConversationOrderSession,
              ConversationOrderSession.id == OrderSessionItem.order_session_id)
        .where(ConversationOrderSession.conversation_id == conversation_id)
        .order_by(OrderSessionItem.added_at))).all()
    lines = [{"sku": sku, "confidence": None if conf is None else float(conf),
              "fate": "corrected" if status == SessionItemStatus.REMOVED else "kept"}
             for sku, conf, status in items]
    return {"language": counted.most_common(1)[0][0] if counted else None, "lines": lines}

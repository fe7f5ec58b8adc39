"""Delivery statuses of messages we sent: applied forward only, each event recorded once.

Callbacks arrive unordered and repeated (channels.md §1.5, §2.4). A status moves the
outbound message only forward (`status_advances`); each distinct event, keyed on
(provider status, error code), is kept once in `external_metadata.status_events` so staff
can see the history. A failure keeps its code in `last_error`; a failure that means
"this customer opted out" (Twilio 21610) is recorded on the customer as well.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from channels.consent import set_opted_out
from core.messages import Channel, OutboundStatus, StatusUpdate, status_advances
from db.models import Conversation, ExternalMessageMapping, Message
from db.models.enums import MessageStatus

log = logging.getLogger(__name__)

OPT_OUT_CODES = frozenset({"21610"})
WINDOW_CODES = frozenset({"131047", "63016"})  # Meta / Twilio: outside the 24 h window
_MAX_EVENTS = 20


async def _find(session: AsyncSession, update: StatusUpdate,
                hint: uuid.UUID | None) -> Message | None:
    message_id = (await session.execute(select(ExternalMessageMapping.message_id).where(
        ExternalMessageMapping.provider == update.provider,
        ExternalMessageMapping.external_id == update.external_id))).scalar_one_or_none()
    if message_id is None and hint is None:
        return None
    msg = (await session.execute(select(Message).where(
        Message.id == (message_id or hint), Message.is_from_customer.is_(False))
        .with_for_update())).scalar_one_or_none()
    if msg is not None and message_id is None and msg.external_message_id not in (
            None, update.external_id):
        return None  # the hint names a message that went out under another id
    return msg


def _error_text(update: StatusUpdate) -> str:
    code = f" {update.error_code}" if update.error_code else ""
    what = f": {update.error_message}" if update.error_message else ""
    if update.error_code in WINDOW_CODES:
        what = f": outside 24h window{what}"
    return f"{update.provider} {update.raw_status or update.status}{code}{what}"[:1000]


async def apply_status(session: AsyncSession, update: StatusUpdate,
                       hint: uuid.UUID | None = None) -> bool:
    """Apply one status to our outbound message; False when unknown or a repeat."""
    msg = await _find(session, update, hint)
    if msg is None:
        log.info("%s status for unknown message %s ignored", update.provider,
                 update.external_id[:80])
        return False
    meta = dict(msg.external_metadata or {})
    events = list(meta.get("status_events") or [])
    key = [update.raw_status or str(update.status), update.error_code]
    if any([e.get("status"), e.get("code")] == key for e in events if isinstance(e, dict)):
        return False  # a repeated callback: already applied
    at = (update.occurred_at or datetime.now(UTC)).isoformat()
    events.append({"status": key[0], "code": key[1], "at": at})
    meta["status_events"] = events[-_MAX_EVENTS:]
    msg.external_metadata = meta
    if not status_advances(str(msg.status), update.status):
        return True
    msg.status = MessageStatus(str(update.status))
    if update.status == OutboundStatus.FAILED:
        msg.last_error = _error_text(update)
        if update.error_code in OPT_OUT_CODES:
            conv = (await session.execute(select(Conversation).where(
                Conversation.id == msg.conversation_id))).scalar_one()
            await set_opted_out(session, conv.customer_id, Channel(conv.channel),
                                f"provider:{update.error_code}")
    log.info("outbound message %s is now %s", msg.id, msg.status)
    return True

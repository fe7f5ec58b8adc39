"""One customer message applied to the conversation's order session.

A `Turn` holds what one worker transaction loaded (the conversation, its open session
and items, the catalog) and changes it through a few verbs — add, change, remove,
confirm, cancel, hand off — each writing its `order_session_events` row. What to say
back is decided afterwards from what changed (see `agent/replies.py`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from rapidfuzz import fuzz, utils
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from agent import states
from agent.catalog import Catalog
from agent.orders import create_order
from db.models import (
    Conversation,
    ConversationOrderSession,
    Customer,
    Order,
    OrderSessionItem,
)
from db.models.enums import (
    SessionEventType,
    SessionItemStatus,
    SessionOutcome,
    SessionStatus,
)
from matching.catalog import CatalogItem
from matching.confidence import current_model
from matching.resolve import MatchResult, match_line

S = SessionStatus
ItemStatus = SessionItemStatus
# a line asking for more than this (or the product's maximum_order_quantity) is never
# taken as said: the summary asks about it and the order goes to staff (a pasted document
# or a typo can read as "6246 x Whole Milk")
MAX_LINE_QUANTITY = Decimal(500)
# a line with no quantity is weaker evidence of an order line ("salaam!", "sorry"): a guess
# needs more confidence before it is shown as an item
NO_QUANTITY_FLOOR = 0.3


@dataclass
class Outcome:
    """What a batch of messages did, for the reply and the AI log."""

    changed: bool = False
    added: list[OrderSessionItem] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    unknown_targets: list[str] = field(default_factory=list)
    confirmed_order: Order | None = None
    cancelled: bool = False
    handoff_reason: str | None = None
    answers: list[str] = field(default_factory=list)
    nothing_to_confirm: bool = False
    # a confirmation while no line could be read: ask about each line instead
    nothing_resolved: bool = False
    # lines that could not be read, on the confirmed order for staff to check (their texts)
    left_out: list[str] = field(default_factory=list)
    # questions passed on to staff without handing the conversation over
    referred: list[str] = field(default_factory=list)
    # lines asked for in this batch whose product is out of stock (kept off the order)
    unavailable: list[OrderSessionItem] = field(default_factory=list)
    understood: bool = False


def _q(value: Decimal | float | int) -> Decimal:
    return Decimal(value).quantize(Decimal("0.001"))


@dataclass
class Turn:
    """The state one worker transaction works on, and the verbs that change it."""

    db: AsyncSession
    conversation: Conversation
    customer: Customer
    catalog: Catalog
    threshold: Decimal
    session: ConversationOrderSession | None
    items: list[OrderSessionItem]
    auto_close_minutes: int
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    outcome: Outcome = field(default_factory=Outcome)
    message_id: uuid.UUID | None = None

    @property
    def live_items(self) -> list[OrderSessionItem]:
        """Items not removed, in the order they were added."""
        return [i for i in self.items if i.status != ItemStatus.REMOVED]

    @property
    def unavailable_items(self) -> list[OrderSessionItem]:
        """Lines asked for whose product is out of stock: kept off the order, shown to the
        customer as unavailable (one per product)."""
        seen: dict[str | None, OrderSessionItem] = {}
        for item in self.items:
            if (item.item_metadata or {}).get("unavailable"):
                seen.setdefault(item.product_code, item)
        return list(seen.values())

    def _emit(self, kind: SessionEventType, data: dict) -> None:
        assert self.session is not None
        self.db.add(states.event(self.session, kind, data, message_id=self.message_id))

    async def ensure_session(self) -> ConversationOrderSession:
        """The open session, started (ACTIVE, then COLLECTING) if there is none."""
        if self.session is None:
            self.session = ConversationOrderSession(
                id=uuid.uuid4(), distributor_id=self.conversation.distributor_id,
                conversation_id=self.conversation.id, status=S.ACTIVE, created_by="agent",
                auto_close_timeout_minutes=self.auto_close_minutes, last_activity_at=self.now)
            self.db.add(self.session)
            await self.db.flush()
            self._emit(SessionEventType.SESSION_STARTED, {"conversation_id":
                                                         str(self.conversation.id)})
        return self.session

    async def collecting(self) -> None:
        """Make sure the session is collecting (a change during review reopens it)."""
        session = await self.ensure_session()
        if session.status in (S.ACTIVE, S.REVIEWING):
            self.db.add(states.transition(session, S.COLLECTING, message_id=self.message_id,
                                          now=self.now))

    async def add(self, text: str, match: MatchResult, quantity: Decimal | None, *,
                  note: dict | None = None) -> None:
        """Add a line (or more of a product already in the order); `note` says why its
        quantity needs the customer's word (a count the pack does not divide)."""
        await self.collecting()
        qty = _q(quantity if quantity is not None else 1)
        self.outcome.changed = True
        self.outcome.understood = True
        # under the model's own floor a guess was almost never right when it was fitted, so
        # the customer is told "not found" instead of seeing a look-alike (the floor comes
        # with the model: a refit moves the low range)
        floor = not_found_below()
        floor = floor if quantity is not None else max(floor, NO_QUANTITY_FLOOR)
        item = match.item if match.confidence >= floor else None
        if item is None:
            self.outcome.not_found.append(text)
        if item is not None and not item.in_stock:
            self._unavailable(text, match, qty, item)
            return
        if item is not None and note is None:
            for existing in self.live_items:
                if existing.product_code == item.sku and not (existing.item_metadata or {}
                                                              ).get("quantity_note"):
                    before = existing.quantity
                    # each wording stays on the line with its count: "without the chamomile"
                    # takes back only what those words added; the line is as sure as its
                    # least sure wording
                    existing.item_metadata = with_part(existing, text, qty)
                    existing.quantity = _q(Decimal(existing.quantity) + qty)
                    existing.ai_confidence = Decimal(str(round(min(
                        float(existing.ai_confidence or 0), match.confidence), 4)))
                    self._emit(SessionEventType.ITEM_MODIFIED, {
                        "item_id": str(existing.id), "sku": item.sku,
                        "quantity": [str(before), str(existing.quantity)]})
                    if (large := implausible(Decimal(existing.quantity), item)) is not None:
                        existing.item_metadata = {**(existing.item_metadata or {}),
                                                  "quantity_note": large}
                        existing.ai_confidence = Decimal(str(round(
                            min(float(existing.ai_confidence or 0),
                                float(self.threshold) - 0.01), 4)))
                    return
        if item is not None and note is None:
            note = implausible(qty, item)
        # a quantity the customer must still settle is never sure, however good the match
        confidence = min(match.confidence, float(self.threshold) - 0.01) if note \
            else match.confidence
        row = self._new_row(text, match, qty, item, confidence, ItemStatus.PENDING,
                            {**match_metadata(text, match, found=item is not None),
                             **({"quantity_note": note} if note else {})})
        self.outcome.added.append(row)

    def _new_row(self, text: str, match: MatchResult, qty: Decimal, item: CatalogItem | None,
                 confidence: float, status: ItemStatus, metadata: dict) -> OrderSessionItem:
        """A new line of the session, stored, kept in `items` and announced (ITEM_ADDED)."""
        assert self.session is not None
        row = OrderSessionItem(
            id=uuid.uuid4(), distributor_id=self.conversation.distributor_id,
            order_session_id=self.session.id,
            product_id=uuid.UUID(item.product_id) if item else None,
            variant_id=uuid.UUID(item.variant_id) if item and item.variant_id else None,
            product_name=item.name if item else text[:500], product_code=item.sku if item else None,
            quantity=qty, unit_price=item.unit_price if item else None,
            source_message_id=self.message_id, ai_extracted=True,
            # distinct per row (unlike now()), so items keep the order they were asked for
            added_at=func.clock_timestamp(), ai_confidence=Decimal(str(round(confidence, 4))),
            status=status, item_metadata=metadata)
        self.db.add(row)
        self.items.append(row)
        self._emit(SessionEventType.ITEM_ADDED, {
            "item_id": str(row.id), "sku": row.product_code, "quantity": str(qty),
            "text": text, "confidence": float(row.ai_confidence)})
        return row

    def _unavailable(self, text: str, match: MatchResult, qty: Decimal,
                     item: CatalogItem) -> None:
        """A line whose product is out of stock: recorded, shown, never on the order."""
        row = self._new_row(text, match, qty, item, match.confidence, ItemStatus.REMOVED,
                            {**match_metadata(text, match), "unavailable": True})
        row.removed_at = self.now
        self.outcome.unavailable.append(row)
        self._emit(SessionEventType.ITEM_REMOVED, {"item_id": str(row.id), "sku": item.sku,
                                                   "reason": "out of stock"})

    def find(self, target: str | None, among: list[OrderSessionItem] | None = None
             ) -> OrderSessionItem | None:
        """The live item (or one `among` others) a customer's words ("the milk", "16oz
        cups") refer to."""
        live = self.live_items if among is None else among
        if not live:
            return None
        if not target:
            return live[-1] if len(live) == 1 else None
        if (size := _SIZE_REF.fullmatch(target.strip())) is not None:
            # "the 12s": the one line of that size ("16oz cold cups", "16in boxes")
            sized = re.compile(rf"(?<![\d./]){re.escape(size[1])}\s*(?:oz|in|inch|\"|mm|cm|lb"
                               r"|ml|l|ct|gal|qt)\b", re.I)
            hits = [i for i in live if any(sized.search(w) for w in [*wordings(i),
                                                                      i.product_name])]
            if len(hits) == 1:
                return hits[0]
        # the customer's own words first: "the blood orange" is the line they wrote so
        own = [item for item in live if _says(item, target)]
        if len(own) == 1:
            return own[0]
        # then what the catalog says the words mean: "the everything bagels" is one sku
        result = match_line(self.catalog.index, target, threshold=float(self.threshold))
        for cand in [result.item, *(alt for alt, _ in result.alternatives[:3])]:
            for item in live if cand is not None else ():
                if item.product_code == cand.sku:
                    return item
        # then the words against each line; ties go to the closer whole string
        best, best_key = None, (0.0, 0.0)
        for item in live:
            names = [item.product_name, *wordings(item)]
            cat = self.catalog.by_sku.get(item.product_code or "")
            if cat is not None:
                names += list(cat.aliases)
            key = max((fuzz.token_set_ratio(target, n, processor=utils.default_process),
                       fuzz.ratio(target, n, processor=utils.default_process))
                      for n in names if n)
            if key > best_key:
                best, best_key = item, key
        return best if best_key[0] >= 60 else None

    async def set_quantity(self, target: str | None, quantity: Decimal, *, delta: bool) -> bool:
        """Set (or add to) the quantity of the item `target` names; False if none does."""
        item = self.find(target)
        if item is None:
            return False
        await self.collecting()
        before = item.quantity
        item.quantity = _q(Decimal(item.quantity) + quantity if delta else quantity)
        if item.quantity <= 0:
            await self.drop(item)
            return True
        if (item.item_metadata or {}).get("parts"):
            # a count said again for the whole line: its wordings no longer hold their own
            item.item_metadata = {k: v for k, v in item.item_metadata.items() if k != "parts"}
        self.outcome.changed = self.outcome.understood = True
        self._emit(SessionEventType.ITEM_MODIFIED, {
            "item_id": str(item.id), "sku": item.product_code,
            "quantity": [str(before), str(item.quantity)]})
        return True

    async def remove(self, target: str | None) -> bool:
        """Remove the item `target` names; False if none does. On a line several wordings
        added to, words that name one of them take back only its count."""
        item = self.find(target)
        if item is None:
            # "skip the eel then": an out-of-stock line is off the order already
            return bool(target) and self.find(target, self.unavailable_items) is not None
        part = named_part(item, target)
        await self.collecting()
        if part is not None:
            before = item.quantity
            item.quantity = _q(Decimal(item.quantity) - Decimal(part["quantity"]))
            if item.quantity > 0:
                parts = [p for p in item.item_metadata["parts"] if p is not part]
                item.item_metadata = {**item.item_metadata, "parts": parts}
                self.outcome.changed = self.outcome.understood = True
                self._emit(SessionEventType.ITEM_MODIFIED, {
                    "item_id": str(item.id), "sku": item.product_code,
                    "quantity": [str(before), str(item.quantity)]})
                return True
        await self.drop(item)
        return True

    async def drop(self, item: OrderSessionItem) -> None:
        """Take one line out of the order."""
        await self.collecting()
        item.status = ItemStatus.REMOVED
        item.removed_at = self.now
        self.outcome.changed = self.outcome.understood = True
        self._emit(SessionEventType.ITEM_REMOVED, {"item_id": str(item.id),
                                                   "sku": item.product_code})

    async def replace(self, target: str | None, text: str, match: MatchResult) -> bool:
        """Swap the product of the item `target` names for `match`, keeping its quantity."""
        item = self.find(target)
        if item is None or match.item is None:
            return False
        await self.collecting()
        before = item.product_code
        new = match.item
        if not new.in_stock:
            # "then the white one instead" when the white one is out: the old line goes,
            # the new one is shown as unavailable
            await self.drop(item)
            self._unavailable(text, match, Decimal(item.quantity), new)
            return True
        item.product_id = uuid.UUID(new.product_id)
        item.variant_id = uuid.UUID(new.variant_id) if new.variant_id else None
        item.product_name, item.product_code, item.unit_price = new.name, new.sku, new.unit_price
        item.ai_confidence = Decimal(str(round(match.confidence, 4)))
        item.item_metadata = match_metadata(text, match)
        self.outcome.changed = self.outcome.understood = True
        self._emit(SessionEventType.ITEM_MODIFIED, {"item_id": str(item.id),
                                                    "sku": [before, new.sku], "text": text})
        return True

    def review(self) -> None:
        """After changes, the summary goes out: the session is under review."""
        # a summary with no line read offers nothing to confirm: no review then
        if self.session is not None and self.session.status == S.COLLECTING \
                and any(i.product_id is not None for i in self.live_items):
            self.db.add(states.transition(self.session, S.REVIEWING,
                                          message_id=self.message_id, now=self.now))
            self._emit(SessionEventType.REVIEW_REQUESTED, {"items": len(self.live_items)})

    async def confirm(self, source_text: str, *, with_changes: bool = False) -> None:
        """Turn the reviewed session into one order of the lines that were read.

        Never an order of nothing: with no line read, each line is asked about instead.
        A line added in this batch that could not be read, or a change whose line was not
        found, shows the summary again rather than confirming past it. A confirmation
        carrying its own change ("make it 3 and go ahead") confirms once the change is in,
        when the customer has seen a summary of this session before.
        """
        session = self.session
        if session is None or not self.live_items:
            self.outcome.nothing_to_confirm = True
            return
        self.outcome.understood = True
        if not any(i.product_id is not None for i in self.live_items):
            self.outcome.nothing_resolved = True
            return
        if self.outcome.unknown_targets or self.outcome.unavailable or any(
                i.product_id is None for i in self.outcome.added):
            self.outcome.changed = True
            return
        if with_changes and session.status == S.COLLECTING \
                and session.review_started_at is not None:
            self.review()
        if session.status != S.REVIEWING:
            self.outcome.changed = True  # not seen a summary yet: show it first
            return
        # what could not be read goes to staff on the order (no sku: review), never
        # shipped as a guess; the reply names it as theirs to check
        self.outcome.left_out = [(i.item_metadata or {}).get("text") or i.product_name
                                 for i in self.live_items if i.product_id is None]
        order = await create_order(self, source_text)
        for item in self.live_items:
            item.status = ItemStatus.CONFIRMED
            item.confirmed_at = self.now
        for ev in states.close(session, SessionOutcome.CONFIRMED, reason="customer confirmed",
                               by="customer", message_id=self.message_id, now=self.now):
            self.db.add(ev)
        self._emit(SessionEventType.ORDER_CONFIRMED, {"order_id": str(order.id),
                                                      "requires_review": order.requires_review})
        session.consolidated_order_id = order.id
        self.outcome.confirmed_order = order

    def cancel(self) -> None:
        """Cancel the open session, if any."""
        self.outcome.understood = True
        if self.session is None or self.session.status == S.CLOSED:
            return
        for ev in states.close(self.session, SessionOutcome.CANCELLED,
                               reason="customer cancelled", by="customer",
                               message_id=self.message_id, now=self.now):
            self.db.add(ev)
        self._emit(SessionEventType.ORDER_CANCELLED, {"items": len(self.live_items)})
        self.outcome.cancelled = True

    async def hand_off(self, reason: str) -> None:
        """Hand the conversation to staff: stored, in the session's history, replies stop."""
        self.conversation.handoff_active = True
        self.conversation.handoff_reason = reason
        self.conversation.handoff_at = self.now
        await self.ensure_session()
        self._emit(SessionEventType.HANDOFF_STARTED, {"reason": reason})
        self.outcome.handoff_reason = reason
        self.outcome.understood = True


_WORD = re.compile(r"[^\W\d_]{3,}")
# a line named by its size alone: "12s", "the 20's", "8oz ones"
_SIZE_REF = re.compile(r"(?:the\s+)?(\d+(?:\.\d+)?)(?:'?s|\s*(?:oz|in|\")(?:\s+ones?)?)?", re.I)


def _says(item: OrderSessionItem, target: str) -> bool:
    """Every word of `target` (of three letters or more) is in one wording of the line."""
    words = {w.lower() for w in _WORD.findall(target)}
    return bool(words) and any(words <= {w.lower() for w in _WORD.findall(text)}
                               for text in wordings(item))


def wordings(item: OrderSessionItem) -> list[str]:
    """Every way the customer named this line: its first wording and any merged into it."""
    meta = item.item_metadata or {}
    texts = [meta.get("text") or "", *(p["text"] for p in meta.get("parts", []))]
    return list(dict.fromkeys(t for t in texts if t))


def with_part(item: OrderSessionItem, text: str, quantity: Decimal) -> dict:
    """The line's metadata with one more wording (and its count) merged into it."""
    meta = item.item_metadata or {}
    parts = meta.get("parts") or [{"text": meta.get("text") or item.product_name,
                                   "quantity": str(item.quantity)}]
    # the first part keeps the line's count before this merge
    return {**meta, "parts": [*parts, {"text": text, "quantity": str(quantity)}]}


# a wording is told apart from the line's others only by a clear margin of similarity
_PART_MARGIN = 15


def named_part(item: OrderSessionItem, target: str | None) -> dict | None:
    """The one merged wording `target` names, when it names one and not the others."""
    parts = (item.item_metadata or {}).get("parts") or []
    if not target or len(parts) < 2:
        return None
    scored = sorted(((fuzz.token_set_ratio(target, p["text"], processor=utils.default_process),
                      n) for n, p in enumerate(parts)), reverse=True)
    (best, n), (second, _) = scored[0], scored[1]
    return parts[n] if best >= 60 and best - second >= _PART_MARGIN else None


def not_found_below() -> float:
    """The confidence under which a guess is not taken: the matcher model's own floor."""
    return current_model().not_found_below


def match_metadata(text: str, match: MatchResult, *, found: bool = True) -> dict:
    """What the session item keeps of its match, for the order line and the review queue."""
    weak = match.item is not None and (not found or match.confidence < not_found_below())
    return {
        "text": text,
        "method": match.method,
        "score": round(float(match.score), 4),
        "unit": match.parsed.unit if match.parsed else None,
        # a guess too weak to use still helps staff and the customer: it leads the
        # alternatives ("did you mean ...?")
        "alternatives": [{"sku": alt.sku, "name": alt.name, "confidence": round(conf, 4)}
                         for alt, conf in ([(match.item, match.confidence)] if weak else [])
                         + match.alternatives[:3]][:3],
    }


def implausible(quantity: Decimal, item: CatalogItem) -> dict | None:
    """The note for a quantity far beyond what one line should ask for, or None."""
    cap = Decimal(item.max_quantity) if item.max_quantity else MAX_LINE_QUANTITY
    if quantity <= cap:
        return None
    return {"kind": "large", "asked": format(quantity.normalize(), "f"), "cap": str(cap)}


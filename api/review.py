"""Staff review of an order, and what the matcher learns from a correction.

A line whose product staff change gets `manual_override` and MANUAL_OVERRIDE; the
customer's wording (quantity and unit stripped, the size kept) becomes an alias of the
chosen product — or of the variant, whose own aliases name it alone — and the
distributor's `catalog_version` moves so every worker rebuilds its match index. Each
correction is kept as an `ai_training_data` row (input, expected, actual), which is also
how learned aliases survive a later catalog upload (`reapply_learned`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agent.catalog import Catalog
from api.models import AddLine, RemoveLine, ReviewIn, UpdateLine
from core.errors import BadInput, Conflict
from db.models import (
    AITrainingData,
    Customer,
    Distributor,
    Order,
    OrderProduct,
    Product,
    ProductVariant,
)
from db.models.enums import MatchingMethod, OrderStatus, TrainingDataSource
from matching.catalog import CatalogItem
from matching.parse import parse_line

ONE = Decimal(1)


@dataclass
class Review:
    """What a review changed, for the answer, the audit and the events."""

    updated: list[uuid.UUID] = field(default_factory=list)
    removed: list[uuid.UUID] = field(default_factory=list)
    added: list[uuid.UUID] = field(default_factory=list)
    learned: list[str] = field(default_factory=list)
    training: list[uuid.UUID] = field(default_factory=list)
    approved: bool = False

    @property
    def changed(self) -> bool:
        """Whether any line changed."""
        return bool(self.updated or self.removed or self.added)


def alias_for(text: str | None) -> str | None:
    """The customer's wording as an alias: no quantity or unit, the size kept."""
    if not text:
        return None
    parsed = parse_line(text)
    mention = re.sub(r"\s+", " ", parsed.mention).strip().lower()
    if parsed.size is not None and mention:
        mention = f"{parsed.size} {mention}"
    return mention if 2 <= len(mention) <= 200 else None


def _q(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.001"))


def _set_product(line: OrderProduct, item: CatalogItem) -> None:
    line.matched_product_id = uuid.UUID(item.product_id)
    line.matched_variant_id = uuid.UUID(item.variant_id) if item.variant_id else None
    line.sku, line.product_name = item.sku, item.name[:500]
    line.unit_price, line.product_unit = item.unit_price, item.unit


async def teach(db: AsyncSession, distributor_id: uuid.UUID, alias: str,
                item: CatalogItem) -> bool:
    """Make `alias` name `item` (product aliases, or the variant's own); True if added."""
    if item.variant_id:
        row = await db.get(ProductVariant, uuid.UUID(item.variant_id))
        attr = "ai_aliases"
    else:
        row = await db.get(Product, uuid.UUID(item.product_id))
        attr = "aliases"
    if row is None or row.distributor_id != distributor_id:
        return False
    current = list(getattr(row, attr) or [])
    if alias in {a.lower() for a in current}:
        return False
    setattr(row, attr, [*current, alias])  # a new list, so the JSONB change is flushed
    return True


def _training(order: Order, line: OrderProduct, before: dict[str, Any], source: str,
              expected_conf: Decimal) -> AITrainingData:
    after = {"sku": line.sku, "name": line.product_name, "quantity": str(line.quantity),
             "product_id": str(line.matched_product_id) if line.matched_product_id else None,
             "variant_id": str(line.matched_variant_id) if line.matched_variant_id else None,
             "alias": alias_for(line.ai_original_text)
             if source == TrainingDataSource.CORRECTED_AI_OUTPUT and before["sku"] != line.sku
             else None}
    return AITrainingData(
        id=uuid.uuid4(), distributor_id=order.distributor_id,
        input_text=line.ai_original_text or line.product_name,
        input_context={"order_id": str(order.id), "line_id": str(line.id),
                       "conversation_id": str(order.conversation_id)
                       if order.conversation_id else None},
        expected_output=after, expected_confidence=expected_conf, actual_output=before,
        actual_confidence=before.get("confidence"), data_source=source)


def _snapshot(line: OrderProduct) -> dict[str, Any]:
    return {"sku": line.sku, "name": line.product_name, "quantity": str(line.quantity),
            "method": str(line.matching_method) if line.matching_method else None,
            "confidence": None if line.matching_confidence is None
            else str(line.matching_confidence),
            "alternatives": line.alternative_matches or []}


async def apply_review(db: AsyncSession, order: Order, body: ReviewIn, catalog: Catalog,
                       threshold: Decimal) -> Review:
    """Apply the changes (validated first), recompute totals, approve; learn from corrections."""
    lines = {ln.id: ln for ln in (await db.execute(select(OrderProduct).where(
        OrderProduct.order_id == order.id).with_for_update())).scalars()}
    out = Review()
    touched: set[uuid.UUID] = set()
    next_order = max((ln.line_order for ln in lines.values()), default=-1) + 1
    for n, change in enumerate(body.changes):
        where = f"body: changes.{n}"
        if isinstance(change, AddLine):
            item = catalog.by_sku.get(change.sku)
            if item is None:
                raise BadInput(f"{where}.sku: {change.sku!r} is not in the catalog")
            line = OrderProduct(id=uuid.uuid4(), distributor_id=order.distributor_id,
                                order_id=order.id, quantity=_q(change.quantity),
                                line_order=next_order, manual_override=True,
                                matching_method=MatchingMethod.MANUAL_OVERRIDE,
                                matching_confidence=ONE, product_name=item.name[:500])
            _set_product(line, item)
            next_order += 1
            db.add(line)
            lines[line.id] = line
            out.added.append(line.id)
            continue
        line = lines.get(change.line_id)
        if line is None or line.id in out.removed:
            raise BadInput(f"{where}.line_id: not a line of this order")
        if isinstance(change, RemoveLine):
            out.removed.append(line.id)
            continue
        await _update(db, order, line, change, catalog, where, out)
        touched.add(line.id)
    for rid in out.removed:
        await db.delete(lines.pop(rid))
    if not lines:
        raise Conflict("an order needs at least one line; cancel it instead")
    old_total = Decimal(order.total_amount or 0)
    total = Decimal(0)
    for line in lines.values():
        line.line_price = None if line.unit_price is None else (
            Decimal(line.quantity) * Decimal(line.unit_price)).quantize(Decimal("0.01"))
        total += line.line_price or 0
    order.total_amount = total
    customer = await db.get(Customer, order.customer_id)
    if customer is not None:
        customer.total_spent = Decimal(customer.total_spent or 0) + total - old_total
    if body.approve:
        for line in lines.values():
            unsure = line.matching_confidence is None or line.matching_confidence < threshold
            if line.id not in touched and not line.manual_override and unsure \
                    and line.ai_original_text:
                row = _training(order, line, _snapshot(line), TrainingDataSource.EXPERT_REVIEW,
                                ONE)
                db.add(row)
                out.training.append(row.id)
        out.approved = order.status != OrderStatus.CONFIRMED or order.requires_review
        order.status, order.requires_review = OrderStatus.CONFIRMED, False
        order.reviewed_at = datetime.now(UTC)
    if body.notes:
        order.additional_comment = body.notes
    if out.learned:
        dist = await db.get(Distributor, order.distributor_id)
        dist.catalog_version += 1  # workers rebuild their match index with the new alias
    return out


async def _update(db: AsyncSession, order: Order, line: OrderProduct, change: UpdateLine,
                  catalog: Catalog, where: str, out: Review) -> None:
    if change.sku is None and change.quantity is None:
        raise BadInput(f"{where}: give sku, quantity or both")
    before = _snapshot(line)
    source = TrainingDataSource.EXPERT_REVIEW
    if change.sku is not None:
        item = catalog.by_sku.get(change.sku)
        if item is None:
            raise BadInput(f"{where}.sku: {change.sku!r} is not in the catalog")
        if item.sku != line.sku or line.matched_product_id is None:
            _set_product(line, item)
            line.matching_method = MatchingMethod.MANUAL_OVERRIDE
            line.matching_confidence = ONE
            source = TrainingDataSource.CORRECTED_AI_OUTPUT
            alias = alias_for(line.ai_original_text)
            if alias and await teach(db, order.distributor_id, alias, item):
                out.learned.append(alias)
    if change.quantity is not None and _q(change.quantity) != line.quantity:
        line.quantity = _q(change.quantity)
        source = TrainingDataSource.CORRECTED_AI_OUTPUT
    line.manual_override = True
    row = _training(order, line, before, source, ONE)
    db.add(row)
    out.training.append(row.id)
    out.updated.append(line.id)


async def reapply_learned(db: AsyncSession, distributor_id: uuid.UUID,
                          catalog: Catalog) -> int:
    """Put learned aliases back after a catalog upload replaced the products' aliases."""
    rows = (await db.execute(select(AITrainingData.expected_output).where(
        AITrainingData.distributor_id == distributor_id,
        AITrainingData.data_source == TrainingDataSource.CORRECTED_AI_OUTPUT)
        .order_by(AITrainingData.created_at))).scalars()
    added = 0
    for expected in rows:
        item = catalog.by_sku.get(expected.get("sku") or "")
        alias = expected.get("alias")
        if item is not None and alias and await teach(db, distributor_id, alias, item):
            added += 1
    return added

"""Retention: data past a distributor's `data_retention_days` is removed, and audited.

Messages go (with what hangs off them: PII findings, AI responses and errors, provider
ids, attachments), then AI logs and webhook deliveries older than the cutoff. Orders stay:
they are the distributor's business records, and lose only their link to the messages and
the customer's wording: of each order line (`ai_original_text`), session line and session
event (their `text`): the product stays, not the words. Training examples (a staff
correction with the customer's wording) go with the messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AIError,
    AIResponse,
    AITrainingData,
    DataAccessAudit,
    Distributor,
    Message,
    OrderProduct,
    OrderSessionEvent,
    OrderSessionItem,
    PIIDetectionResult,
    WebhookDelivery,
)
from db.models.enums import AuditOperation
from db.tenant import scope

# dependents first, so each count is what that table lost (not hidden in a cascade)
PURGED = (PIIDetectionResult, AITrainingData, AIResponse, AIError, WebhookDelivery, Message)


@dataclass
class Purged:
    """What one distributor's purge removed, per table."""

    slug: str
    cutoff: datetime
    rows: dict[str, int] = field(default_factory=dict)


async def purge(session: AsyncSession, now: datetime, *, dry_run: bool = False
                ) -> list[Purged]:
    """Remove data past each distributor's retention; one audit row per table touched.

    Distributors are listed as the system role; each one's rows are then removed in
    its own tenant scope (the system role may delete nothing)."""
    results = []
    distributors = (await session.execute(select(Distributor).where(
        Distributor.data_retention_days.is_not(None)).order_by(Distributor.slug))).scalars()
    for dist in distributors.all():
        await scope(session, dist.id)
        cutoff = now - timedelta(days=dist.data_retention_days)
        result = Purged(dist.slug, cutoff)
        for model in PURGED:
            stmt = delete(model).where(model.distributor_id == dist.id,
                                       model.created_at < cutoff)
            if dry_run:
                count = len((await session.execute(select(model.id).where(
                    model.distributor_id == dist.id, model.created_at < cutoff))).all())
            else:
                count = (await session.execute(stmt.execution_options(
                    synchronize_session=False))).rowcount
            if count:
                result.rows[model.__tablename__] = count
                if not dry_run:
                    _audit(session, dist, cutoff, model.__tablename__, AuditOperation.DELETE,
                           count)
        await _forget_wording(session, dist, cutoff, result, dry_run=dry_run)
        results.append(result)
    await session.flush()
    return results


def _audit(session: AsyncSession, dist: Distributor, cutoff: datetime, table: str,
           operation: AuditOperation, count: int, **extra: str) -> None:
    """One audit row for what the purge did to one table."""
    session.add(DataAccessAudit(
        table_name=table, operation=operation, distributor_id=dist.id, actor="cli:purge",
        details={"rows": count, **extra, "older_than": cutoff.isoformat(),
                 "retention_days": dist.data_retention_days}))


@dataclass(frozen=True)
class _Wording:
    """Where a table keeps the customer's words, and what it keeps instead."""

    model: type
    column: str
    stamp: str  # the row's time column
    label: str

    def held(self) -> ColumnElement[bool]:
        col = getattr(self.model, self.column)
        return col.is_not(None) if self.column == "ai_original_text" else col.has_key("text")

    def cleared(self) -> object:
        col = getattr(self.model, self.column)
        return None if self.column == "ai_original_text" else col.op("-")("text")


WORDING = (
    _Wording(OrderProduct, "ai_original_text", "created_at", "order_products.ai_original_text"),
    _Wording(OrderSessionItem, "item_metadata", "added_at", "order_session_items.text"),
    _Wording(OrderSessionEvent, "event_data", "created_at", "order_session_events.text"),
)


async def _forget_wording(session: AsyncSession, dist: Distributor, cutoff: datetime,
                          result: Purged, *, dry_run: bool) -> None:
    """Lines and events past the cutoff keep their product, not the customer's words."""
    for place in WORDING:
        model = place.model
        old = (model.distributor_id == dist.id, getattr(model, place.stamp) < cutoff,
               place.held())
        if dry_run:
            count = len((await session.execute(select(model.id).where(*old))).all())
        else:
            count = (await session.execute(update(model).where(*old).values(
                {place.column: place.cleared()}).execution_options(
                synchronize_session=False))).rowcount
        if count:
            result.rows[place.label] = count
            if not dry_run:
                _audit(session, dist, cutoff, model.__tablename__, AuditOperation.UPDATE,
                       count, cleared=place.label)

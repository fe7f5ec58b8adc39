"""Retention: data past a distributor's `data_retention_days` is removed, and audited.

Messages go (with what hangs off them: PII findings, AI responses and errors, provider
ids, attachments), then AI logs and webhook deliveries older than the cutoff. Orders stay:
they are the distributor's business records, and lose only their link to the messages and
the customer's wording of each line (`ai_original_text`): the product stays, not the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AIError,
    AIResponse,
    DataAccessAudit,
    Distributor,
    Message,
    OrderProduct,
    PIIDetectionResult,
    WebhookDelivery,
)
from db.models.enums import AuditOperation
from db.tenant import scope

# dependents first, so each count is what that table lost (not hidden in a cascade)
PURGED = (PIIDetectionResult, AIResponse, AIError, WebhookDelivery, Message)


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
                    session.add(DataAccessAudit(
                        table_name=model.__tablename__, operation=AuditOperation.DELETE,
                        distributor_id=dist.id, actor="cli:purge",
                        details={"rows": count, "older_than": cutoff.isoformat(),
                                 "retention_days": dist.data_retention_days}))
        await _forget_wording(session, dist, cutoff, result, dry_run=dry_run)
        results.append(result)
    await session.flush()
    return results


async def _forget_wording(session: AsyncSession, dist: Distributor, cutoff: datetime,
                          result: Purged, *, dry_run: bool) -> None:
    """Order lines past the cutoff keep their product, not the customer's words."""
    old = (OrderProduct.distributor_id == dist.id, OrderProduct.created_at < cutoff,
           OrderProduct.ai_original_text.is_not(None))
    if dry_run:
        count = len((await session.execute(select(OrderProduct.id).where(*old))).all())
    else:
        count = (await session.execute(update(OrderProduct).where(*old).values(
            ai_original_text=None).execution_options(synchronize_session=False))).rowcount
    if count:
        result.rows["order_products.ai_original_text"] = count
        if not dry_run:
            session.add(DataAccessAudit(
                table_name="order_products", operation=AuditOperation.UPDATE,
                distributor_id=dist.id, actor="cli:purge",
                details={"rows": count, "cleared": "ai_original_text",
                         "older_than": cutoff.isoformat(),
                         "retention_days": dist.data_retention_days}))


"""AI usage: calls, tokens and cost per day (the API's usage), errors, the month's budget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from api.ai import _zone, usage
from api.base import Ctx, Op
from api.models import UsagePeriod, UsageQuery
from console.auth import Staff
from console.views import Result, view
from db.models import AIError, AIUsageMetric, Distributor
from db.models.enums import UserRole

DAYS = 30
CHART_W, CHART_H = 720, 180


@dataclass(frozen=True, slots=True)
class Bar:
    """One day's bar in the chart (SVG coordinates)."""

    x: float
    y: float
    width: float
    height: float
    label: str
    requests: int
    tokens: int
    cost: Decimal


def bars(periods: list[UsagePeriod], start: datetime, days: int) -> list[Bar]:
    """One bar per day of `start`'s zone (empty days too), height by cost, or by calls
    when nothing cost."""
    by_day = {p.start.astimezone(start.tzinfo).date(): p for p in periods}
    use_cost = any(p.cost_usd for p in periods)
    values = [(float(p.cost_usd) if use_cost else p.requests) for p in periods]
    top = max(values, default=0) or 1
    width = CHART_W / days
    out = []
    for n in range(days):
        day = (start + timedelta(days=n)).date()
        p = by_day.get(day)
        value = 0.0 if p is None else (float(p.cost_usd) if use_cost else p.requests)
        h = (CHART_H - 20) * value / top
        out.append(Bar(n * width + 1, CHART_H - h, max(width - 2, 1), h, day.isoformat(),
                       p.requests if p else 0, p.tokens if p else 0,
                       p.cost_usd if p else Decimal(0)))
    return out


@view(UserRole.MANAGER)
async def ai_usage(ctx: Ctx, staff: Staff) -> Result:
    """The last 30 days of AI calls as a chart, the latest errors, the month's budget."""
    dist = await ctx.db.get(Distributor, ctx.tenant)
    now = datetime.now(ZoneInfo(_zone(dist.timezone)))  # days as the API buckets them
    start = (now - timedelta(days=DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    ctx.query = UsageQuery.model_validate({"from": start, "to": now, "period": "day"})
    out = await usage(ctx)
    errors = list((await ctx.db.execute(select(AIError).order_by(
        AIError.created_at.desc()).limit(20))).scalars())
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    spent = (await ctx.db.execute(select(func.coalesce(func.sum(AIUsageMetric.cost_usd), 0))
                                  .where(AIUsageMetric.period_start >= month))).scalar_one()
    cap = dist.monthly_ai_budget_usd
    await ctx.audit("ai_errors", Op.SELECT, [e.id for e in errors])
    return "ai.html", {"usage": out, "bars": bars(out.periods, start, DAYS), "errors": errors,
                       "spent": Decimal(spent), "cap": cap, "chart_w": CHART_W,
                       "chart_h": CHART_H,
                       "share": min(float(Decimal(spent) / cap), 1.0) if cap else None}

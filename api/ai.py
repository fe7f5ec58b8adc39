"""AI usage per period (from the hourly `ai_usage_metrics`) and feedback on AI responses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import case, func, select

from api.base import Ctx, Op, Route
from api.models import (
    FeedbackIn,
    FeedbackOut,
    UsageOut,
    UsagePeriod,
    UsageQuery,
)
from api.orders import aware
from core.errors import BadInput
from db.models import AIResponse, AIUsageMetric, Distributor

DEFAULT_DAYS = 30


def _zone(name: str) -> str:
    """The distributor's time zone if PostgreSQL will know it, else UTC."""
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"


def _weighted(value, weight):
    """Average of `value` weighted by `weight`, over rows where the value is known."""
    known = func.sum(case((value.is_not(None), weight), else_=0))
    return func.sum(value * weight) / func.nullif(known, 0)


async def usage(ctx: Ctx) -> UsageOut:
    """Requests, tokens, cost and average confidence per hour, day or month."""
    q: UsageQuery = ctx.query
    now = datetime.now(UTC)
    end = aware(q.to) or now
    start = aware(q.from_) or end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        raise BadInput("query: from: after to")
    dist = await ctx.db.get(Distributor, ctx.tenant)
    m = AIUsageMetric
    bucket = func.date_trunc(q.period, m.period_start, _zone(dist.timezone)).label("start")
    rows = (await ctx.db.execute(
        select(bucket, func.sum(m.requests_count), func.sum(m.successful_requests),
               func.sum(m.failed_requests), func.sum(m.tokens_used), func.sum(m.cost_usd),
               _weighted(m.avg_confidence, m.requests_count),
               _weighted(m.avg_response_time, m.requests_count))
        .where(m.period_start >= start, m.period_start < end)
        .group_by(bucket).order_by(bucket))).all()
    periods = [UsagePeriod(
        start=r[0], requests=int(r[1] or 0), successful=int(r[2] or 0), failed=int(r[3] or 0),
        tokens=int(r[4] or 0), cost_usd=Decimal(r[5] or 0),
        avg_confidence=None if r[6] is None else round(float(r[6]), 4),
        avg_response_time_ms=None if r[7] is None else round(float(r[7])))
        for r in rows]
    total_req = sum(p.requests for p in periods)
    conf = [(p.avg_confidence, p.requests) for p in periods if p.avg_confidence is not None]
    weight = sum(w for _, w in conf)
    times = [(p.avg_response_time_ms, p.requests) for p in periods
             if p.avg_response_time_ms is not None]
    tweight = sum(w for _, w in times)
    totals = UsagePeriod(
        start=start, requests=total_req, successful=sum(p.successful for p in periods),
        failed=sum(p.failed for p in periods), tokens=sum(p.tokens for p in periods),
        cost_usd=sum((p.cost_usd for p in periods), Decimal(0)),
        avg_confidence=round(sum(c * w for c, w in conf) / weight, 4) if weight else None,
        avg_response_time_ms=round(sum(t * w for t, w in times) / tweight) if tweight else None)
    return UsageOut(from_=start, to=end, period=q.period,
                    monthly_budget_usd=dist.monthly_ai_budget_usd, totals=totals,
                    periods=periods)


async def feedback(ctx: Ctx) -> FeedbackOut:
    """Record staff feedback on one AI response (a reply, a match, a suggestion)."""
    row = await ctx.get(AIResponse, lock=True)
    body: FeedbackIn = ctx.body
    row.human_feedback = body.feedback
    row.human_feedback_notes = body.notes
    await ctx.audit("ai_responses", Op.UPDATE, [row.id], feedback=str(body.feedback))
    return FeedbackOut(id=row.id, agent_type=str(row.agent_type), human_feedback=body.feedback,
                       human_feedback_notes=body.notes, was_used=row.was_used)


ROUTES = [
    Route("GET", "/api/ai/usage", usage, "AI usage per period", "ai", UsageOut,
          query=UsageQuery, errors=(400, 401),
          description="Sums of the hourly usage rows per `period` (in the distributor's time "
                      "zone) between `from` (default: 30 days before `to`) and `to` (default: "
                      "now). Confidence and response time are averages weighted by requests."),
    Route("POST", "/api/ai/responses/{id}/feedback", feedback, "Feedback on an AI response",
          "ai", FeedbackOut, body=FeedbackIn, errors=(400, 401, 404)),
]

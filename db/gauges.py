"""What the database knows, read at scrape time for `/metrics`.

One round of a few grouped queries per scrape (Prometheus scrapes every 15-30 s): inbox
lag and messages waiting, the outbox by status, provider and error code, outbound
webhook deliveries, order sessions by state, and LLM calls, tokens, cost and errors by
model. They run as the owner across tenants (a system path, like a worker's claim).
`distributor` is a label only while there are at most `per_distributor` distributors
(`ORDERAGENT_METRICS_PER_DISTRIBUTOR`); beyond that, and by default, it is "all", so the
number of series stays bounded whatever the number of tenants.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import text

from db.engine import Database

_TENANT = "CASE WHEN :by THEN d.slug ELSE 'all' END"
QUERIES = {
    "inbox": f"""
        SELECT {_TENANT} AS distributor, count(*) AS waiting,
               coalesce(extract(epoch FROM now() - min(m.created_at)), 0) AS lag
        FROM messages m JOIN distributors d ON d.id = m.distributor_id
        WHERE m.is_from_customer AND NOT m.ai_processed GROUP BY 1""",
    # every queued message, and the failures of the last day (FAILED rows pile up forever)
    "outbox": f"""
        SELECT {_TENANT} AS distributor, m.status::text AS status,
               coalesce(m.external_metadata->>'sent_via',
                        m.external_metadata->'last_failure'->>'provider',
                        c.channel::text) AS provider,
               coalesce(m.external_metadata->'last_failure'->>'code', '') AS error_code,
               count(*) AS n
        FROM messages m JOIN distributors d ON d.id = m.distributor_id
        JOIN conversations c ON c.id = m.conversation_id
        WHERE NOT m.is_from_customer AND (m.status = 'QUEUED' OR
              (m.status = 'FAILED' AND m.updated_at > now() - interval '1 day'))
        GROUP BY 1, 2, 3, 4""",
    "deliveries": f"""
        SELECT {_TENANT} AS distributor, w.status::text AS status, count(*) AS n
        FROM webhook_deliveries w JOIN distributors d ON d.id = w.distributor_id
        WHERE w.status IN ('PENDING', 'RETRYING')
           OR (w.status = 'FAILED' AND w.created_at > now() - interval '1 day')
        GROUP BY 1, 2""",
    "sessions": f"""
        SELECT {_TENANT} AS distributor, s.status::text AS status, count(*) AS n
        FROM conversation_order_sessions s JOIN distributors d ON d.id = s.distributor_id
        GROUP BY 1, 2""",
    "llm": """
        SELECT coalesce(model_used, 'none') AS model, count(*) AS calls,
               coalesce(sum(tokens_used), 0) AS tokens, coalesce(sum(cost_usd), 0) AS cost
        FROM ai_responses GROUP BY 1""",
    "llm_errors": """
        SELECT coalesce(model, 'none') AS model, count(*) AS n FROM ai_errors GROUP BY 1""",
    "distributors": "SELECT count(*) AS n FROM distributors",
}
_SQL = {name: text(sql) for name, sql in QUERIES.items()}


@dataclass
class Snapshot:
    """The rows of one scrape, by query name."""

    rows: dict[str, list[dict]] = field(default_factory=dict)


async def read_snapshot(db: Database, per_distributor: int = 0) -> Snapshot:
    """Run the scrape queries in one read-only transaction."""
    snap = Snapshot()
    async with db.engine.connect() as conn:
        count = (await conn.execute(_SQL["distributors"])).scalar_one()
        by = 0 < count <= per_distributor
        for name, sql in _SQL.items():
            if name != "distributors":
                result = await conn.execute(sql, {"by": by} if ":by" in QUERIES[name] else {})
                snap.rows[name] = [dict(r._mapping) for r in result]
    return snap


class DatabaseCollector(Collector):
    """A prometheus-client collector over the latest snapshot (refreshed by `/metrics`)."""

    def __init__(self) -> None:
        self.snapshot = Snapshot()

    def collect(self) -> Iterator[Metric]:
        """The snapshot as metric families."""
        rows = self.snapshot.rows
        waiting = GaugeMetricFamily("orderagent_inbox_waiting",
                                    "Customer messages not yet processed", labels=["distributor"])
        lag = GaugeMetricFamily("orderagent_inbox_lag_seconds",
                                "Age of the oldest unprocessed customer message",
                                labels=["distributor"])
        for r in rows.get("inbox", []):
            waiting.add_metric([r["distributor"]], r["waiting"])
            lag.add_metric([r["distributor"]], float(r["lag"]))
        outbox = GaugeMetricFamily(
            "orderagent_outbox_messages",
            "Outbound messages queued, and failed in the last day, by provider and error code",
            labels=["distributor", "status", "provider", "error_code"])
        for r in rows.get("outbox", []):
            outbox.add_metric([r["distributor"], r["status"].lower(), r["provider"],
                               r["error_code"]], r["n"])
        deliveries = GaugeMetricFamily(
            "orderagent_webhook_deliveries",
            "Outbound webhook deliveries pending or retrying, and failed in the last day",
            labels=["distributor", "status"])
        for r in rows.get("deliveries", []):
            deliveries.add_metric([r["distributor"], r["status"].lower()], r["n"])
        sessions = GaugeMetricFamily("orderagent_order_sessions", "Order sessions by state",
                                     labels=["distributor", "state"])
        for r in rows.get("sessions", []):
            sessions.add_metric([r["distributor"], r["status"].lower()], r["n"])
        calls = CounterMetricFamily("orderagent_llm_calls", "LLM calls recorded",
                                    labels=["model"])
        tokens = CounterMetricFamily("orderagent_llm_tokens", "LLM tokens used",
                                     labels=["model"])
        cost = CounterMetricFamily("orderagent_llm_cost_usd", "LLM cost in US dollars",
                                   labels=["model"])
        for r in rows.get("llm", []):
            calls.add_metric([r["model"]], r["calls"])
            tokens.add_metric([r["model"]], r["tokens"])
            cost.add_metric([r["model"]], float(r["cost"]))
        errors = CounterMetricFamily("orderagent_llm_errors", "LLM call errors recorded",
                                     labels=["model"])
        for r in rows.get("llm_errors", []):
            errors.add_metric([r["model"]], r["n"])
        yield from (waiting, lag, outbox, deliveries, sessions, calls, tokens, cost, errors)

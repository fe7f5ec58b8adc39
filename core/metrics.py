"""The process's Prometheus metrics: defined once here, so any layer can move them.

Counters and histograms of what this process did (webhooks answered, turns, sends, store
and matcher latency) live in prometheus-client's default registry. What the database
knows (inbox lag, outbox by status, deliveries, sessions, LLM usage) is read at scrape
time instead (`db/gauges.py`), so every process reports the same truth and nobody has
to remember to move a gauge. The durability side sets `SPOOL_DEPTH` and
`SPOOL_OLDEST_AGE` where it spools.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Gauge, Histogram

# latencies from a millisecond (a cached lookup) to a minute (a slow model)
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            30.0, 60.0)

HTTP_REQUESTS = Counter("orderagent_http_requests_total", "HTTP requests answered",
                        ["route", "method", "status"])
HTTP_SECONDS = Histogram("orderagent_http_request_seconds", "HTTP request latency",
                         ["route"], buckets=_BUCKETS)
WEBHOOKS = Counter("orderagent_webhooks_total", "Provider webhooks answered, by status",
                   ["provider", "status"])
STORE_SECONDS = Histogram("orderagent_webhook_store_seconds",
                          "Time to make a webhook's messages durable", buckets=_BUCKETS)
SPOOL_DEPTH = Gauge("orderagent_spool_depth", "Webhook requests spooled, not yet stored")
SPOOL_OLDEST_AGE = Gauge("orderagent_spool_oldest_age_seconds",
                         "Age of the oldest spooled webhook request")
TURN_SECONDS = Histogram("orderagent_turn_seconds", "One conversation turn, claim to reply",
                         buckets=_BUCKETS)
MATCH_SECONDS = Histogram("orderagent_match_seconds", "Product matching of one turn",
                          buckets=_BUCKETS)
SENDS = Counter("orderagent_outbox_sends_total", "Outbound send attempts by result",
                ["provider", "outcome", "error_code"])
HEARTBEATS = Gauge("orderagent_loop_heartbeat_timestamp_seconds",
                   "When each background loop last went round", ["loop"])


@contextmanager
def timed(histogram: Histogram) -> Iterator[None]:
    """Observe the block's wall time on `histogram` (also when it raises)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        histogram.observe(time.perf_counter() - start)


def send_result(provider: str, outcome: str, error_code: str | int | None) -> None:
    """Count one send attempt's outcome (SENT, QUEUED for a retry, FAILED)."""
    SENDS.labels(provider, outcome.lower(), str(error_code or "")).inc()

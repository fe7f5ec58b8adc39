"""Operating the service: request ids and the access log, `/metrics`, `/readyz`.

`setup(app)` adds them to the main app (`orderagent serve`); `health_app` is the small
app on `orderagent worker --metrics-port`, answering the same three paths. `/healthz`
stays "the process is alive" (the main app's own handler); `/readyz` says whether this
process should get traffic: the database answers, the schema is at the code's migration
head, and the background loops are going round.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from channels import registry, webhooks
from core import health, logs
from core.metrics import HTTP_REQUESTS, HTTP_SECONDS, SPOOL_DEPTH, SPOOL_OLDEST_AGE, WEBHOOKS
from core.settings import Settings
from db.appkeys import DATABASE, SETTINGS
from db.engine import Database
from db.gauges import DatabaseCollector, read_snapshot
from db.migrate import alembic_config, current_revision

log = logging.getLogger("orderagent.access")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
COLLECTED = web.AppKey("metrics_registry", CollectorRegistry)
COLLECTOR = web.AppKey("metrics_collector", DatabaseCollector)
HEAD = web.AppKey("migration_head", list)
# probes and scrapes: every few seconds, so below INFO in the access log
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_WEBHOOK_PROVIDERS = {"/webhooks/twilio": "twilio", "/webhooks/twilio/status": "twilio",
                      "/webhooks/whatsapp": "meta_whatsapp"}


def _route(request: web.Request) -> str:
    """The route's pattern (bounded cardinality), never the raw path of an unknown URL."""
    info = request.match_info
    if info.http_exception is not None or info.route.resource is None:
        return "unmatched"
    return info.route.resource.canonical


def _provider(request: web.Request, route: str) -> str | None:
    if route == "/webhooks/email/{provider}":
        name = request.match_info.get("provider", "")
        return name if name in registry() else "unknown"
    return _WEBHOOK_PROVIDERS.get(route)


@web.middleware
async def observe_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A request id for the request's logs, one access line, HTTP and webhook metrics.

    The access line names the route, status and latency: never the query string (Meta's
    handshake carries its verify token there), headers, signatures or keys.
    """
    start = time.perf_counter()
    request_id = logs.new_request_id(request.headers.get("X-Request-ID"))
    status = 500
    with logs.fresh_ids(request_id=request_id):
        try:
            response = await handler(request)
            status = response.status
            response.headers["X-Request-ID"] = request_id
            return response
        except web.HTTPException as exc:
            status = exc.status
            exc.headers["X-Request-ID"] = request_id
            raise
        finally:
            elapsed = time.perf_counter() - start
            route = _route(request)
            HTTP_REQUESTS.labels(route, request.method, str(status)).inc()
            HTTP_SECONDS.labels(route).observe(elapsed)
            if (provider := _provider(request, route)) is not None:
                WEBHOOKS.labels(provider, str(status)).inc()
            level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
            # "in": a status beside a long latency reads as a phone number to the log scrub
            log.log(level, "%s %s %d in %.1f ms", request.method, route, status, elapsed * 1000,
                    extra={"method": request.method, "route": route, "status": status,
                           "latency_ms": round(elapsed * 1000, 1), "remote": request.remote})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format: this process's counters, then what the database knows.
    With ORDERAGENT_METRICS_TOKEN set, only a scraper presenting it is answered."""
    app = request.app
    if (token := app[SETTINGS].metrics_token) is not None:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
            raise web.HTTPUnauthorized(headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    spool = webhooks.spool_state(app)  # this process's own spool (none on a worker's port)
    SPOOL_DEPTH.set(spool["depth"] or 0)
    SPOOL_OLDEST_AGE.set(spool["oldest_age_s"] or 0)
    try:
        app[COLLECTOR].snapshot = await read_snapshot(
            app[DATABASE], app[SETTINGS].metrics_per_distributor)
    except Exception as exc:  # the process's own metrics still help while the database is down
        log.warning("metrics: database figures unavailable (%s)", type(exc).__name__)
    body = generate_latest(REGISTRY) + generate_latest(app[COLLECTED])
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def _head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def readiness(database: Database, head: list[str | None]) -> tuple[bool, dict[str, str]]:
    """Each check's verdict ("ok" or why not) and whether all passed."""
    checks: dict[str, str] = {}
    if not head:
        head.append(await asyncio.to_thread(_head))
    if await database.ping():
        checks["database"] = "ok"
        at = await current_revision(database.engine)
        checks["migrations"] = "ok" if at == head[0] else \
            f"database at {at}, code expects {head[0]} (run `orderagent db upgrade`)"
    else:
        checks["database"] = "unreachable"
    loops = health.loops()
    checks["loops"] = "ok" if not loops.stale else "stale: " + ", ".join(
        f"{name} ({age:.0f}s)" for name, age in loops.stale)
    return all(v == "ok" for v in checks.values()), checks


async def readyz(request: web.Request) -> web.Response:
    """200 when this process should get traffic, 503 with the failing checks otherwise."""
    ok, checks = await readiness(request.app[DATABASE], request.app[HEAD])
    if checks.get("database") == "unreachable" and not webhooks.spool_full(request.app):
        # webhooks still go to the local spool: taking this process out would lose them
        checks["database"] = "ok (unreachable: webhooks are spooled)"
        ok = all(v.startswith("ok") for v in checks.values())
    return web.json_response({"status": "ready" if ok else "not ready", "checks": checks},
                             status=200 if ok else 503)


def setup(app: web.Application) -> None:
    """Add the access log middleware's routes: `/metrics` and `/readyz`."""
    collector = DatabaseCollector()
    collected = CollectorRegistry(auto_describe=False)
    collected.register(collector)
    app[COLLECTOR], app[COLLECTED], app[HEAD] = collector, collected, []
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/readyz", readyz)


async def _alive(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def health_app(settings: Settings, database: Database) -> web.Application:
    """The worker's health and metrics port: `/healthz`, `/readyz`, `/metrics`."""
    app = web.Application(middlewares=[observe_middleware])
    app[SETTINGS], app[DATABASE] = settings, database
    app.router.add_get("/healthz", _alive)
    setup(app)
    return app


async def start_health_server(settings: Settings, database: Database, host: str,
                              port: int) -> web.AppRunner:
    """Serve `health_app` on host:port (`orderagent worker --metrics-port`); the caller
    cleans the runner up."""
    runner = web.AppRunner(health_app(settings, database), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health and metrics on http://%s:%d/metrics", host, port)
    return runner

"""The aiohttp application: one factory wiring settings, database, routes and workers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

import api
import console
from channels import webhooks
from channels._http import close_client_session
from core.errors import OrderAgentError, Unavailable
from core.settings import Settings
from db.appkeys import BACKGROUND, DATABASE, KEYRING, SETTINGS
from db.crypto import keyring_for
from db.engine import UNAVAILABLE_ERRORS, Database
from orderagent import observe
from privacy.detect import get_detector

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
BackgroundStarter = Callable[[web.Application], Awaitable[None]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Map our error hierarchy to HTTP once; a database outage is 503 so providers retry."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except OrderAgentError as exc:
        headers = {"Retry-After": "5"} if isinstance(exc, Unavailable) else None
        return web.json_response({"error": exc.code, "message": str(exc)}, status=exc.status,
                                 headers=headers)
    except UNAVAILABLE_ERRORS:
        log.warning("database unavailable while handling %s %s", request.method, request.path)
        return web.json_response({"error": "unavailable", "message": "database unavailable"},
                                 status=503, headers={"Retry-After": "5"})
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return web.json_response({"error": "internal", "message": "internal error"}, status=500)


async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers, 503 otherwise."""
    if await request.app[DATABASE].ping():
        return web.json_response({"status": "ok"})
    return web.json_response({"status": "unavailable"}, status=503)


def create_app(settings: Settings, database: Database,
               background: list[BackgroundStarter] | None = None) -> web.Application:
    """Build the app on an open database; `background` starters run workers beside it."""
    app = web.Application(middlewares=[observe.observe_middleware, error_middleware],
                          client_max_size=8 * 1024 * 1024)
    app[SETTINGS] = settings
    app[DATABASE] = database
    app[KEYRING] = keyring_for(settings)
    app[BACKGROUND] = set()
    app.router.add_get("/healthz", healthz)
    webhooks.setup(app)
    api.setup(app)
    observe.setup(app)
    console.setup(app)  # the staff console under /app (uses the API's functions)
    starters = list(background or [])

    async def background_ctx(app: web.Application) -> AsyncIterator[None]:
        # the PII detector takes ~1 s to build: do it now, off the event loop, rather
        # than inside the first webhook or message that needs it
        await asyncio.to_thread(get_detector().warm_up)
        for start in starters:
            await start(app)
        yield
        tasks = app[BACKGROUND]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await close_client_session()  # the senders' shared HTTP client

    app.cleanup_ctx.append(background_ctx)
    return app


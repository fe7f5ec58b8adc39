"""The distributor API (`/api/...`): staff and the distributor's systems, by API key.

Where new code goes: a route module per resource, declared with `Route`/`Op` (`base.py`);
the logic in functions taking a tenant-scoped session, so the console can call them too.

Public surface:
    setup(app)   register every route and `GET /api/openapi.json` on the app
    ROUTES       the route registry the document is built from
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from agent.catalog import CatalogCache
from api import ai, catalog, conversations, openapi, orders, webhook_endpoints
from api.auth import AuthThrottle
from api.base import AUTH_THROTTLE, CATALOGS, Route, wrap
from db.appkeys import SETTINGS

__all__ = ["ROUTES", "setup"]

ROUTES: list[Route] = [*conversations.ROUTES, *orders.ROUTES, *catalog.ROUTES, *ai.ROUTES,
                       *webhook_endpoints.ROUTES]
OPENAPI = web.AppKey("api_openapi", dict[str, Any])


async def serve_openapi(request: web.Request) -> web.Response:
    """The OpenAPI document (public: it describes the API, it holds no data)."""
    return web.json_response(request.app[OPENAPI])


def setup(app: web.Application) -> None:
    """Register the API on `app` (before it starts)."""
    app[CATALOGS] = CatalogCache()
    app[AUTH_THROTTLE] = AuthThrottle(app[SETTINGS].api_auth_failures_per_minute)
    app[OPENAPI] = openapi.build(ROUTES)
    for route in ROUTES:
        app.router.add_route(route.method, route.path, wrap(route), name=route.operation_id)
    app.router.add_get("/api/openapi.json", serve_openapi, name="openapi")

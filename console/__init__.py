"""The staff console in the browser, under `/app` (server-rendered, no CDN).

Public surface:
    setup(app)      mount the console on the service's app (after the API's setup)
    start_mailer()  the background starter that sends invitation emails

Pages call the API's own functions with the API's `Ctx` (see `console.views.view`), so
a page and an API call share the tenant filter, the logic and the audit.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from api.base import AUTH_THROTTLE, CATALOGS
from console import catalog, inbox, orders, signin, team, usage
from console.auth import SignInThrottle
from console.filters import FILTERS
from console.invitations import start_mailer
from console.views import csrf_middleware, error_middleware
from db.appkeys import BACKGROUND, DATABASE, KEYRING, SETTINGS

__all__ = ["setup", "start_mailer"]

HERE = Path(__file__).parent


async def _home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/app/inbox")


def _routes(sub: web.Application) -> None:
    r = sub.router
    r.add_get("/", _home)
    r.add_get("/signin", signin.signin_page)
    r.add_post("/signin", signin.signin)
    r.add_post("/signout", signin.signout)
    r.add_get("/accept/{token}", signin.accept_page)
    r.add_post("/accept/{token}", signin.accept)
    r.add_get("/inbox", inbox.inbox)
    r.add_get("/inbox/list", inbox.inbox_list)
    r.add_get("/c/{id}", inbox.thread)
    r.add_get("/c/{id}/messages", inbox.thread_messages)
    r.add_post("/c/{id}/reply", inbox.reply)
    r.add_post("/c/{id}/takeover", inbox.takeover)
    r.add_post("/c/{id}/handback", inbox.hand_back)
    r.add_get("/review", orders.review_queue)
    r.add_post("/orders/{id}/review", orders.review)
    r.add_get("/orders", orders.orders)
    r.add_get("/orders.csv", orders.orders_csv)
    r.add_get("/orders/{id}", orders.order)
    r.add_post("/orders/{id}/status", orders.order_status)
    r.add_get("/catalog", catalog.catalog)
    r.add_post("/catalog/{id}/aliases", catalog.aliases)
    r.add_get("/ai", usage.ai_usage)
    r.add_get("/team", team.team)
    r.add_post("/team/invite", team.invite)
    r.add_post("/team/invitations/{id}", team.invitation_action)
    r.add_post("/team/members/{id}", team.member)
    r.add_static("/static", HERE / "static", name="static")


def setup(app: web.Application) -> None:
    """Mount the console on `app` under `/app` (the API's setup must have run)."""
    sub = web.Application(middlewares=[error_middleware, csrf_middleware])
    # the console's handlers see their own app: share the service's resources with it
    for key in (SETTINGS, DATABASE, KEYRING, BACKGROUND, CATALOGS, AUTH_THROTTLE):
        sub[key] = app[key]
    sub[signin.THROTTLE] = SignInThrottle()
    env = aiohttp_jinja2.setup(sub, loader=jinja2.FileSystemLoader(HERE / "templates"),
                               autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters.update(FILTERS)
    version = _static_version()
    env.globals["static"] = lambda path: f"/app/static/{path}?v={version}"
    _routes(sub)
    app.add_subapp("/app", sub)
    app.router.add_get("/", _root)


def _static_version() -> str:
    """A version for static URLs, so browsers fetch assets again after an upgrade."""
    stamp = hashlib.sha256()
    for path in sorted((HERE / "static").rglob("*")):
        if path.is_file():
            stamp.update(f"{path.relative_to(HERE)}:{path.stat().st_size}:"
                         f"{path.stat().st_mtime_ns}".encode())
    return stamp.hexdigest()[:10]


async def _root(request: web.Request) -> web.StreamResponse:
    """`/` goes to the console."""
    raise web.HTTPFound("/app/")

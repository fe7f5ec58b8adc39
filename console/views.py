"""The console's request plumbing: who is signed in, CSRF, one tenant transaction per page.

`view(role)` turns a page function `(ctx, staff) -> response | (template, values)` into an
aiohttp handler: the session cookie is checked and the request scoped to the member's
distributor in one transaction (as the API's `wrap` does for a key), and the page gets
the API's own `Ctx`, so it calls the API's functions — the same tenant filter, the same
audit rows (with the user), the same 404 for another tenant's ids.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

from api.auth import client_ip
from api.base import Ctx, _audit_refused
from console.auth import Staff, current
from core.errors import NotFound, OrderAgentError
from db.appkeys import DATABASE
from db.models.enums import UserRole
from db.tenant import ALL, scope

log = logging.getLogger(__name__)

SESSION_COOKIE = "oa_session"
CSRF_COOKIE = "oa_csrf"
CSRF_FIELD = "_csrf"
CSRF_HEADER = "X-CSRF-Token"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
Result = web.StreamResponse | tuple[str, dict[str, Any]]
Page = Callable[[Ctx, Staff], Awaitable[Result]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# what one request carries between the middlewares and the page
CSRF = web.RequestKey("console_csrf", str)
CSRF_NEW = web.RequestKey("console_csrf_new", bool)
STAFF = web.RequestKey("console_staff", Staff)


def secure_cookies(request: web.Request) -> bool:
    """Cookies are `Secure` everywhere but on this machine (plain http://localhost)."""
    return (request.url.host or "") not in LOCAL_HOSTS


def set_cookie(response: web.StreamResponse, request: web.Request, name: str, value: str,
               *, max_age: int | None = None, same_site: str = "Lax") -> None:
    """Set an HttpOnly cookie scoped to the console."""
    response.set_cookie(name, value, path="/app", httponly=True, samesite=same_site,
                        secure=secure_cookies(request), max_age=max_age)


def csrf_token(request: web.Request) -> str:
    """This browser's CSRF token (double-submit: the cookie and the form must agree)."""
    token = request.get(CSRF)
    if token is None:
        token = request.cookies.get(CSRF_COOKIE) or ""
        if len(token) != 43:
            token = secrets.token_urlsafe(32)
            request[CSRF_NEW] = True
        request[CSRF] = token
    return token


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every unsafe request carries the CSRF token, in the form or the htmx header."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent and request.content_type in ("application/x-www-form-urlencoded",
                                                 "multipart/form-data"):
            sent = str((await request.post()).get(CSRF_FIELD, ""))
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
            return error_page(request, 403, "This form has expired. Reload the page and "
                                            "try again.")
    response = await handler(request)
    token = csrf_token(request)
    if request.get(CSRF_NEW):
        set_cookie(response, request, CSRF_COOKIE, token, same_site="Strict")
    return response


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    """A plain page saying what went wrong."""
    return render(request, request.get(STAFF), "error.html",
                  {"status": status, "message": message}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Our errors as pages, not JSON (the app's own middleware answers the API)."""
    try:
        return await handler(request)
    except NotFound:
        return error_page(request, 404, "Not found.")
    except OrderAgentError as exc:
        return error_page(request, exc.status, str(exc))


def back_to(path: str, **params: str) -> web.Response:
    """A redirect after a form (POST, redirect, GET); params go in the query string."""
    query = "&".join(f"{k}={quote(v)}" for k, v in params.items() if v)
    return web.Response(status=303, headers={"Location": path + ("?" + query if query else "")})


def render(request: web.Request, staff: Staff | None, template: str,
           values: dict[str, Any], status: int = 200) -> web.Response:
    """Render a page with what every page needs (member, CSRF token, notices)."""
    base = {"staff": staff, "csrf": csrf_token(request), "path": request.path,
            "notice": request.query.get("notice", "")[:300],
            "error": request.query.get("error", "")[:300], "Role": UserRole}
    response = aiohttp_jinja2.render_template(template, request, {**base, **values},
                                              status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def view(role: UserRole = UserRole.OPERATOR) -> Callable[[Page], Handler]:
    """A console page for members of at least `role`, in one tenant-scoped transaction."""

    def decorate(page: Page) -> Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            db = request.app[DATABASE]
            ctx: Ctx | None = None
            try:
                async with db.transaction(tenant=ALL) as session:
                    staff = await current(session, request.cookies.get(SESSION_COOKIE))
                    if staff is None:
                        return _signin_redirect(request)
                    request[STAFF] = staff
                    if not staff.can(role):
                        return error_page(request, 403, "Your role cannot open this page.")
                    await scope(session, staff.distributor_id)
                    ctx = Ctx(request, session, staff.caller(
                        client_ip(request), (request.headers.get("User-Agent") or "")[:512]
                        or None))
                    result = await page(ctx, staff)
            except NotFound:
                if ctx is not None and ctx.attempts:
                    await _audit_refused(request, ctx)
                raise
            if isinstance(result, tuple):
                return render(request, staff, *result)
            return result

        handler.__name__ = page.__name__
        handler.__doc__ = page.__doc__
        return handler

    return decorate


def _signin_redirect(request: web.Request) -> web.StreamResponse:
    target = "/app/signin"
    if request.method == "GET" and request.path != "/app/":
        target += "?next=" + quote(request.path_qs)
    if request.headers.get("HX-Request"):  # a poll: make htmx load the sign-in page
        return web.Response(status=204, headers={"HX-Redirect": target})
    return back_to(target)


async def form(request: web.Request) -> dict[str, str]:
    """The posted form's fields as strings (NUL characters refused)."""
    data = {k: str(v) for k, v in (await request.post()).items()}
    if any("\x00" in v for v in data.values()):
        raise web.HTTPBadRequest(text="NUL characters are not accepted")
    return data

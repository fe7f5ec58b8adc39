"""Signing in and out, and accepting an invitation (or the owner's one-time link)."""

from __future__ import annotations

import logging

from aiohttp import web

from api.auth import Caller, audit, client_ip
from console import invitations
from console.auth import SESSION_TTL, SignInThrottle, password_problem, sign_in, sign_out
from console.views import SESSION_COOKIE, back_to, form, render, set_cookie
from db.appkeys import DATABASE
from db.models.enums import AuditOperation
from db.tenant import ALL

log = logging.getLogger(__name__)

THROTTLE = web.AppKey("console_signin_throttle", SignInThrottle)


def _safe_next(value: str | None) -> str:
    """Only a console path: never an open redirect elsewhere."""
    if value and value.startswith("/app/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/app/inbox"


def _user_agent(request: web.Request) -> str | None:
    return (request.headers.get("User-Agent") or "")[:512] or None


async def signin_page(request: web.Request) -> web.Response:
    """The sign-in form."""
    return render(request, None, "signin.html", {"next": _safe_next(request.query.get("next")),
                                                 "email": ""})


async def signin(request: web.Request) -> web.StreamResponse:
    """Check the password (throttled); start a session and go where the member was going."""
    data = await form(request)
    email, password = data.get("email", "")[:255], data.get("password", "")[:256]
    target, ip = _safe_next(data.get("next")), client_ip(request)
    throttle = request.app[THROTTLE]
    values = {"next": target, "email": email}
    wait = await throttle.retry_after(email, ip)
    if wait is not None:
        return render(request, None, "signin.html", {
            **values, "failure": f"Too many failed attempts. Try again in {wait} seconds."},
            status=429)
    async with request.app[DATABASE].transaction(tenant=ALL) as db:
        done = await sign_in(db, email, password, ip=ip, user_agent=_user_agent(request))
        if done is not None:
            token, staff = done
            await audit(db, staff.caller(ip, _user_agent(request)), "user_sessions",
                        AuditOperation.INSERT, [], {"event": "sign_in"})
    if done is None:
        await throttle.failed(email, ip)
        async with request.app[DATABASE].transaction(tenant=ALL) as db:
            await audit(db, Caller(None, "console", ip, _user_agent(request)), "user_profiles",
                        AuditOperation.SELECT, [], {"refused": "sign_in"})
        return render(request, None, "signin.html", {
            **values, "failure": "That email and password do not match."}, status=401)
    response = back_to(target)
    set_cookie(response, request, SESSION_COOKIE, token,
               max_age=int(SESSION_TTL.total_seconds()))
    return response


async def signout(request: web.Request) -> web.StreamResponse:
    """End this browser's session."""
    async with request.app[DATABASE].transaction(tenant=ALL) as db:
        await sign_out(db, request.cookies.get(SESSION_COOKIE))
    response = back_to("/app/signin", notice="Signed out.")
    response.del_cookie(SESSION_COOKIE, path="/app")
    return response


async def accept_page(request: web.Request) -> web.Response:
    """An invitation (or the owner's link): choose a password."""
    token = request.match_info["token"]
    async with request.app[DATABASE].transaction(tenant=ALL) as db:
        found = await invitations.find(db, token)
    if found is None:
        return render(request, None, "accept.html", {"invalid": True}, status=404)
    inv, dist = found
    return render(request, None, "accept.html", {"invalid": False, "email": inv.email,
                                                 "business": dist.business_name,
                                                 "role": inv.role, "token": token})


async def accept(request: web.Request) -> web.StreamResponse:
    """Set the password, make the member active, sign them in."""
    token = request.match_info["token"]
    data = await form(request)
    password, again = data.get("password", ""), data.get("password2", "")
    problem = password_problem(password) or (None if password == again
                                             else "the two passwords differ")
    ip = client_ip(request)
    async with request.app[DATABASE].transaction(tenant=ALL) as db:
        found = await invitations.find(db, token)
        if found is None:
            return render(request, None, "accept.html", {"invalid": True}, status=404)
        inv, dist = found
        if problem is not None:
            return render(request, None, "accept.html", {
                "invalid": False, "email": inv.email, "business": dist.business_name,
                "role": inv.role, "token": token, "failure": problem}, status=400)
        session_token, staff = await invitations.accept(db, inv, dist, password, ip=ip,
                                                        user_agent=_user_agent(request))
        await audit(db, staff.caller(ip, _user_agent(request)), "user_invitations",
                    AuditOperation.UPDATE, [inv.id], {"event": "accepted"})
    response = back_to("/app/inbox", notice="Welcome! You are signed in.")
    set_cookie(response, request, SESSION_COOKIE, session_token,
               max_age=int(SESSION_TTL.total_seconds()))
    return response

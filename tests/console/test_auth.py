"""Signing in to the console: sessions, cookies, CSRF, the throttle, sign-out, suspension."""

from __future__ import annotations

from sqlalchemy import select

from db.models import UserProfile, UserSession
from db.tenant import ALL
from tests.console.conftest import OPERATOR, OWNER, PASSWORD, add_member, audit_rows


async def test_the_root_and_every_page_lead_to_the_sign_in_form(desk) -> None:
    """`/` is no longer a 404: it opens the console, which asks who you are."""
    for path in ("/", "/app/inbox", "/app/review", "/app/team"):
        html = await desk.get(path)
        assert "Sign in to the order desk" in html, path


async def test_sign_in_sets_a_protected_session_cookie_stored_only_hashed(desk,
                                                                          database) -> None:
    """The right password opens the inbox; the cookie is HttpOnly and SameSite, and the
    database keeps only the token's hash."""
    resp = await desk.post("/app/signin", {"email": OWNER.upper(), "password": PASSWORD,
                                           "next": "/app/review"})
    assert resp.status == 303 and resp.headers["Location"] == "/app/review"
    header = next(v for v in resp.headers.getall("Set-Cookie") if v.startswith("oa_session="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/app" in header
    assert "Secure" not in header  # plain http on this machine; Secure everywhere else
    token = header.split(";")[0].split("=", 1)[1]
    async with database.transaction(tenant=ALL) as s:
        stored = list((await s.execute(select(UserSession.token_hash))).scalars())
        user = (await s.execute(select(UserProfile))).scalars().first()
    assert len(stored) == 1 and token not in stored[0]
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert "Inbox" in await desk.get("/app/inbox")
    assert await audit_rows(database, table_name="user_sessions", user_id=user.id)


async def test_cookies_are_secure_away_from_localhost(desk) -> None:
    """Served under a real host name, the session cookie is Secure."""
    resp = await desk.post("/app/signin", {"email": OWNER, "password": PASSWORD},
                           headers={"Host": "desk.example.com"})
    header = next(v for v in resp.headers.getall("Set-Cookie") if v.startswith("oa_session="))
    assert "Secure" in header


async def test_a_wrong_password_is_refused_and_then_throttled(desk, database) -> None:
    """Five wrong passwords for one email; the sixth try is refused even when right."""
    for _ in range(5):
        resp = await desk.post("/app/signin", {"email": OWNER, "password": "wrong password!"})
        assert resp.status == 401
        assert "do not match" in await resp.text()
    resp = await desk.post("/app/signin", {"email": OWNER, "password": PASSWORD})
    assert resp.status == 429
    assert "Too many failed attempts" in await resp.text()
    assert "oa_session" not in resp.cookies
    assert len(await audit_rows(database, table_name="user_profiles", actor="console")) == 5


async def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(desk) -> None:
    """Whether an email is staff is not revealed."""
    resp = await desk.post("/app/signin", {"email": "nobody@acme.example",
                                           "password": PASSWORD})
    assert resp.status == 401 and "do not match" in await resp.text()


async def test_a_form_without_the_csrf_token_is_refused(signed_in) -> None:
    """A POST lacking the token (or with another) is 403 and changes nothing."""
    client = signed_in.client
    resp = await client.post("/app/team/invite", data={"email": "x@acme.example",
                                                       "role": "OPERATOR"},
                             allow_redirects=False)
    assert resp.status == 403
    resp = await client.post("/app/team/invite", data={"_csrf": "x" * 43,
                                                       "email": "x@acme.example",
                                                       "role": "OPERATOR"},
                             allow_redirects=False)
    assert resp.status == 403
    assert "x@acme.example" not in await signed_in.get("/app/team")


async def test_sign_out_ends_the_session(signed_in) -> None:
    """After signing out, the old cookie opens nothing."""
    old = {c.key: c.value for c in signed_in.client.session.cookie_jar}
    resp = await signed_in.post("/app/signout", {})
    assert resp.status == 303
    resp = await signed_in.client.get("/app/inbox", cookies=old, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/app/signin")


async def test_a_suspended_member_is_signed_out_at_once(signed_in, aiohttp_client, app,
                                                        database, acme) -> None:
    """The owner suspends an operator: the operator's open session stops working."""
    from tests.console.conftest import Desk

    operator_id = await add_member(database, acme, OPERATOR, "OPERATOR")
    operator = Desk(await aiohttp_client(app))
    await operator.sign_in(OPERATOR)
    assert "Inbox" in await operator.get("/app/inbox")
    assert (await operator.get("/app/team", status=403))
    resp = await signed_in.post(f"/app/team/members/{operator_id}",
                                {"role": "OPERATOR", "status": "SUSPENDED"})
    assert resp.status == 303
    assert "Sign in to the order desk" in await operator.get("/app/inbox")
    resp = await operator.post("/app/signin", {"email": OPERATOR, "password": PASSWORD})
    assert resp.status == 401

"""A distributor wired to local fakes, staff members with passwords, a signed-in desk."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from console.auth import hash_password
from core.distributor_file import parse_distributor_json
from db.engine import Database
from db.loader import load_distributor
from db.models import DataAccessAudit, UserProfile
from db.models.enums import UserRole
from db.tenant import ALL
from orderagent.app import create_app
from tests.channels.webhook_env import KEYRING, integrations, load
from tests.fakes.smtp import FakeSMTPServer

OWNER = "owner@acme.example"
OPERATOR = "desk@acme.example"
PASSWORD = "correct horse battery"
OTHER_OWNER = "owner@other.example"


@pytest.fixture
def smtp() -> Iterator[FakeSMTPServer]:
    """A local SMTP server: the distributor's email integrations send through it."""
    with FakeSMTPServer() as server:
        yield server


@pytest.fixture
async def acme(database: Database, smtp: FakeSMTPServer) -> uuid.UUID:
    """The demo catalog under slug `acme`, every channel pointed at local fakes."""
    return await load(database, slug="acme", demo_catalog=True,
                      integration_list=integrations(smtp_port=smtp.port))


@pytest.fixture
async def other(database: Database) -> uuid.UUID:
    """A second distributor whose rows the first must never see."""
    data = {"distributor": {"slug": "other", "business_name": "Other Foods"},
            "products": [{"sku": "OT-1", "name": "Other Milk", "unit": "case",
                          "unit_price": 3, "aliases": ["milk"]}]}
    async with database.transaction(tenant=ALL) as s:
        return (await load_distributor(s, parse_distributor_json(json.dumps(data)), KEYRING)
                ).distributor_id


async def add_member(database: Database, distributor_id: uuid.UUID, email: str,
                     role: UserRole, password: str = PASSWORD) -> uuid.UUID:
    """A staff member who can sign in."""
    async with database.transaction(tenant=distributor_id) as s:
        user = UserProfile(id=uuid.uuid4(), distributor_id=distributor_id, email=email,
                           role=role, password_hash=hash_password(password))
        s.add(user)
    return user.id


@pytest.fixture
async def owner(database: Database, acme: uuid.UUID) -> uuid.UUID:
    """Acme's owner."""
    return await add_member(database, acme, OWNER, UserRole.OWNER)


@pytest.fixture
async def app(settings, database, acme, other, owner):
    """The real service app (API, webhooks, console) on the test database."""
    return create_app(settings, database)


@dataclass
class Desk:
    """A browser-like HTTP client of the console: cookies, the CSRF token in forms."""

    client: Any

    def csrf(self) -> str:
        """The CSRF token the console gave this client."""
        for cookie in self.client.session.cookie_jar:
            if cookie.key == "oa_csrf":
                return cookie.value
        return ""

    async def get(self, path: str, status: int = 200, **kw: Any) -> str:
        """GET a page; its HTML (the status is checked)."""
        resp = await self.client.get(path, allow_redirects=True, **kw)
        text = await resp.text()
        assert resp.status == status, (resp.status, text[:500])
        return text

    async def post(self, path: str, data: dict[str, str], **kw: Any):
        """POST a form with the CSRF token; the (unfollowed) response."""
        if not self.csrf():
            await self.client.get("/app/signin")
        return await self.client.post(path, data={"_csrf": self.csrf(), **data},
                                      allow_redirects=False, **kw)

    async def sign_in(self, email: str = OWNER, password: str = PASSWORD) -> None:
        """Sign in; fails the test if the console refuses."""
        resp = await self.post("/app/signin", {"email": email, "password": password,
                                               "next": "/app/inbox"})
        assert resp.status == 303, await resp.text()


@pytest.fixture
async def desk(aiohttp_client, app) -> Desk:
    """A client of the console, not signed in."""
    return Desk(await aiohttp_client(app))


@pytest.fixture
async def signed_in(desk: Desk) -> Desk:
    """The owner, signed in."""
    await desk.sign_in()
    return desk


def field(html: str, name: str) -> str:
    """The value of a hidden input in a page."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else ""


async def audit_rows(database: Database, **where: Any) -> list[DataAccessAudit]:
    """`data_access_audit` rows matching `where`."""
    async with database.transaction(tenant=ALL) as s:
        stmt = select(DataAccessAudit)
        for key, value in where.items():
            stmt = stmt.where(getattr(DataAccessAudit, key) == value)
        return list((await s.execute(stmt)).scalars())


@pytest.fixture
def agent():
    """What a worker shares, as `orderagent chat` builds it."""
    from agent.context import AgentContext

    return AgentContext(keyring=KEYRING)


def whatsapp(text: str, sender: str = "16505551234") -> dict[str, Any]:
    """A signed Meta WhatsApp webhook carrying one text message (aiohttp post kwargs)."""
    import time

    from tests.channels.samples import meta_event, meta_messages
    from tests.channels.webhook_env import meta_post

    return meta_post(meta_event(meta_messages({
        "from": sender, "id": f"wamid.{uuid.uuid4().hex}", "timestamp": str(int(time.time())),
        "type": "text", "text": {"body": text}})))

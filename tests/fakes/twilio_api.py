"""A local server speaking Twilio's Messages REST shape, for outbound tests.

`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP basic auth (SID:token),
form fields To + (From | MessagingServiceSid) + (Body | MediaUrl | ContentSid); answers
201 with the created Message resource, or Twilio's error JSON. Replies can be scripted
(`script`) to test retries, and `delay_s` holds an answer back to test timeouts.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BasicAuth, web

from tests.fakes import serve


@dataclass
class Scripted:
    """One canned answer, used instead of the normal behaviour."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def twilio_error(status: int, code: int, message: str) -> dict[str, Any]:
    """Twilio's REST error body."""
    return {"code": code, "message": message, "status": status,
            "more_info": f"https://www.twilio.com/docs/errors/{code}"}


class FakeTwilioAPI:
    """Records every request; `messages` holds the ones it accepted."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.requests: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.script: list[Scripted] = []
        self.opted_out: set[str] = set()
        self.delay_s = 0.0

    def app(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._create)
        return app

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[str]:
        """Run on 127.0.0.1 and yield the base URL (the adapter's `api_base_url`)."""
        async with serve(self.app()) as base_url:
            yield base_url

    async def _create(self, request: web.Request) -> web.Response:
        form = await request.post()
        fields = {k: [str(v) for v in form.getall(k)] for k in set(form.keys())}
        auth = self._auth(request)
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.requests.append({"path": request.path, "auth": auth, "form": fields,
                              "peer": peer})
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if auth != (self.account_sid, self.auth_token) \
                or request.match_info["sid"] != self.account_sid:
            return web.json_response(twilio_error(401, 20003, "Authenticate"), status=401)
        if self.script:
            canned = self.script.pop(0)
            return web.json_response(canned.body, status=canned.status, headers=canned.headers)
        to = form.get("To")
        if not to:
            return web.json_response(
                twilio_error(400, 21604, "A 'To' phone number is required."), status=400)
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return web.json_response(
                twilio_error(400, 21603, "A 'From' phone number is required."), status=400)
        if not (form.get("Body") or form.get("MediaUrl") or form.get("ContentSid")):
            return web.json_response(
                twilio_error(400, 21602, "Message body is required."), status=400)
        if str(to).removeprefix("whatsapp:") in self.opted_out:
            return web.json_response(twilio_error(
                400, 21610, "Attempt to send to unsubscribed recipient"), status=400)
        sid = f"SM{uuid.uuid4().hex}"
        resource = {"sid": sid, "account_sid": self.account_sid, "status": "queued",
                    "to": to, "from": form.get("From"), "body": form.get("Body"),
                    "api_version": "2010-04-01"}
        self.messages.append({**resource, "form": fields})
        return web.json_response(resource, status=201)

    @staticmethod
    def _auth(request: web.Request) -> tuple[str, str] | None:
        try:
            auth = BasicAuth.decode(request.headers.get("Authorization", ""))
        except ValueError:
            return None
        return auth.login, auth.password

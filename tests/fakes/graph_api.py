"""A local server speaking the WhatsApp Cloud (Graph API) send shape, for outbound tests.

`POST /{version}/{phone_number_id}/messages` with `Authorization: Bearer <token>` and a
JSON body; answers `{"messaging_product": "whatsapp", "contacts": [...], "messages":
[{"id": "wamid..."}]}` or a Graph error (`{"error": {"message", "type", "code", ...}}`).
`script` queues canned answers (429 with Retry-After, 500, 131047, ...).
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes import serve


@dataclass
class Scripted:
    """One canned answer, used instead of the normal behaviour."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def graph_error(code: int, message: str, kind: str = "OAuthException") -> dict[str, Any]:
    """The Graph API error body."""
    return {"error": {"message": message, "type": kind, "code": code,
                      "fbtrace_id": "AbCdEfGhIjK"}}


class FakeGraphAPI:
    """Records every request; `messages` holds the payloads it accepted."""

    def __init__(self, access_token: str, phone_number_id: str) -> None:
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.requests: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.script: list[Scripted] = []
        self.delay_s = 0.0

    def app(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application()
        app.router.add_post("/{version}/{phone_number_id}/messages", self._send)
        return app

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[str]:
        """Run on 127.0.0.1 and yield the base URL (the adapter's `api_base_url`)."""
        async with serve(self.app()) as base_url:
            yield base_url

    async def _send(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.requests.append({"path": request.path, "version": request.match_info["version"],
                              "authorization": request.headers.get("Authorization"),
                              "content_type": request.content_type, "body": raw})
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return web.json_response(graph_error(190, "Invalid OAuth access token."), status=401)
        if request.match_info["phone_number_id"] != self.phone_number_id:
            return web.json_response(graph_error(100, "Unsupported post request."), status=400)
        if self.script:
            canned = self.script.pop(0)
            return web.json_response(canned.body, status=canned.status, headers=canned.headers)
        try:
            payload = json.loads(raw)
        except ValueError:
            return web.json_response(graph_error(100, "Invalid JSON"), status=400)
        problem = self._problem(payload)
        if problem:
            return web.json_response(graph_error(100, problem, "OAuthException"), status=400)
        wamid = "wamid." + base64.b64encode(uuid.uuid4().bytes).decode()
        self.messages.append({"id": wamid, "payload": payload})
        return web.json_response({
            "messaging_product": "whatsapp",
            "contacts": [{"input": payload["to"], "wa_id": payload["to"].lstrip("+")}],
            "messages": [{"id": wamid}],
        })

    @staticmethod
    def _problem(payload: Any) -> str | None:
        if not isinstance(payload, dict) or payload.get("messaging_product") != "whatsapp":
            return "messaging_product must be whatsapp"
        if not str(payload.get("to", "")).lstrip("+").isdigit():
            return "to must be a phone number"
        kind = payload.get("type")
        if kind == "text":
            if not (payload.get("text") or {}).get("body"):
                return "text.body is required"
        elif kind == "template":
            template = payload.get("template") or {}
            if not template.get("name") or not (template.get("language") or {}).get("code"):
                return "template.name and template.language.code are required"
        else:
            return f"unsupported type {kind!r}"
        return None

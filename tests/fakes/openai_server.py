"""A local OpenAI-compatible server for tests: real HTTP on 127.0.0.1, scripted answers.

    async with FakeOpenAI() as server:
        server.reply({"choice": 1, "confidence": 0.9, "reason": "same item"})
        server.fail(429, headers={"retry-after": "0"})
        llm = ChatOpenAI(model="gpt-4o-mini", base_url=server.base_url, api_key="test")

Answers are served in the order scripted (`reply`, `fail`, `reply_raw`), then by the
`respond_with` function if one is set, else a 500 saying nothing was scripted. Every
request is recorded (`requests`: parsed JSON bodies, `headers`). The `fake_openai`
fixture gives a started server; import it into a conftest to use it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web


@dataclass
class Scripted:
    """One answer: a chat completion (status 200) or an HTTP error."""

    status: int = 200
    content: str | None = None
    finish_reason: str = "stop"
    usage: tuple[int, int] = (120, 18)
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    raw: str | None = None  # a whole response body, sent as is


def _content(value: str | dict | Any) -> str:
    if isinstance(value, str):
        return value
    if hasattr(value, "model_dump_json"):
        return value.model_dump_json()
    return json.dumps(value)


class FakeOpenAI:
    """The server; start it with `async with` (or `start()` / `close()`)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._script: deque[Scripted] = deque()
        self._respond: Callable[[dict[str, Any]], Scripted | str | dict] | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.on_request: Callable[[], None] | None = None  # called as each request arrives

    @property
    def base_url(self) -> str:
        """The `base_url` to give the OpenAI client (ends in /v1)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def reply(
        self,
        content: str | dict | Any,
        *,
        finish_reason: str = "stop",
        usage: tuple[int, int] = (120, 18),
        delay: float = 0.0,
    ) -> None:
        """Queue a completion whose message content is `content` (a dict becomes JSON)."""
        self._script.append(
            Scripted(
                content=_content(content), finish_reason=finish_reason, usage=usage, delay=delay
            )
        )

    def fail(
        self,
        status: int,
        *,
        message: str = "scripted failure",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Queue `times` HTTP errors with an OpenAI-shaped error body."""
        body = json.dumps({"error": {"message": message, "type": "server_error", "code": None}})
        for _ in range(times):
            self._script.append(
                Scripted(status=status, raw=body, headers=dict(headers or {}), delay=delay)
            )

    def reply_raw(self, body: str, *, status: int = 200, delay: float = 0.0) -> None:
        """Queue a response body sent exactly as given (for malformed answers)."""
        self._script.append(Scripted(status=status, raw=body, delay=delay))

    def respond_with(self, fn: Callable[[dict[str, Any]], Scripted | str | dict]) -> None:
        """Answer unscripted requests with fn(request JSON) -> content or Scripted."""
        self._respond = fn

    def prompt_of(self, n: int = -1) -> str:
        """The text of every message of request n, joined."""
        messages = self.requests[n].get("messages", [])
        return "\n".join(str(m.get("content", "")) for m in messages)

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        if self.on_request is not None:
            self.on_request()
        self.headers.append(dict(request.headers))
        if self._script:
            answer = self._script.popleft()
        elif self._respond is not None:
            got = self._respond(body)
            answer = got if isinstance(got, Scripted) else Scripted(content=_content(got))
        else:
            answer = Scripted(
                status=500,
                raw=json.dumps({"error": {"message": "nothing scripted", "type": "server_error"}}),
            )
        if answer.delay:
            await asyncio.sleep(answer.delay)
        if answer.raw is not None:
            return web.Response(
                status=answer.status,
                text=answer.raw,
                headers=answer.headers,
                content_type="application/json",
            )
        prompt_tokens, completion_tokens = answer.usage
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "unknown"),
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": answer.finish_reason,
                        "logprobs": None,
                        "message": {
                            "role": "assistant",
                            "content": answer.content,
                            "refusal": None,
                        },
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
            status=answer.status,
            headers=answer.headers,
        )

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeOpenAI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


@pytest.fixture
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    """A started fake OpenAI server, closed after the test."""
    async with FakeOpenAI() as server:
        yield server

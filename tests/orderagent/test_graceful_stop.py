"""SIGTERM under load: `serve` answers every request it received, stores every 200, exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp

from db.engine import runtime_url
from tests.channels.webhook_env import inbound, load, twilio_params, twilio_post
from tests.conftest import TEST_MASTER_KEY

ROOT = Path(__file__).resolve().parents[2]
TW = "/webhooks/twilio"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _healthy(url: str, proc: asyncio.subprocess.Process, wait_s: float = 60) -> None:
    deadline = time.monotonic() + wait_s
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            assert proc.returncode is None, "serve exited"
            try:
                async with session.get(url) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError("serve did not become healthy")


async def test_sigterm_under_load_answers_every_request_it_received(database, tmp_path) -> None:
    """Kept-alive clients keep posting through a SIGTERM: no request written to an open
    connection goes unanswered, every one answered 200 is stored, and `serve` exits 0."""
    dist = await load(database)
    port = _free_port()
    owner = database.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": runtime_url(owner), "ORDERAGENT_OWNER_DATABASE_URL":
           owner, "ORDERAGENT_HOME": str(tmp_path / "home"),
        "ORDERAGENT_ENCRYPTION_KEY": TEST_MASTER_KEY, "ORDERAGENT_PUBLIC_URL": "http://testserver",
        "PYTHONUNBUFFERED": "1"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "orderagent.cli", "serve", "--port", str(port), "--workers", "0",
        "--no-demo", cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        await _healthy(base + "/healthz", proc)
        accepted: list[str] = []
        unanswered: list[str] = []
        refused = 0
        stop_at = [float("inf")]

        async def customer(n: int, session: aiohttp.ClientSession) -> None:
            nonlocal refused
            k = 0
            while time.monotonic() < stop_at[0]:
                sid = f"SM{n:04d}{k:028d}"
                k += 1
                try:
                    async with session.post(base + TW, **twilio_post(
                            TW, twilio_params(f"{k} cs milk", sid=sid,
                                              sender=f"+1415555{n:04d}"))) as resp:
                        await resp.read()
                        if resp.status == 200:
                            accepted.append(sid)
                except aiohttp.ClientConnectorError:
                    refused += 1  # no connection was open: the request never reached us
                    await asyncio.sleep(0.01)
                except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError, TimeoutError):
                    unanswered.append(sid)

        # a request left without an answer fails the test instead of hanging the suite
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=8),
                                         timeout=aiohttp.ClientTimeout(total=20)) as session:
            load_task = asyncio.gather(*(customer(n, session) for n in range(8)))
            await asyncio.sleep(1.5)
            proc.send_signal(signal.SIGTERM)
            stop_at[0] = time.monotonic() + 1.0
            await load_task
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
    assert proc.returncode == 0, out.decode()
    assert unanswered == []
    assert len(accepted) > 20 and refused > 0  # there was load, and it ran past the stop
    stored = {m.external_message_id for m in await inbound(database, dist)}
    assert set(accepted) <= stored

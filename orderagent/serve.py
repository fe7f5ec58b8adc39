"""The starters of everything that runs beside the web server or in `orderagent worker`.

`create_app(..., background=[...])` takes the `start_*` starters (`orderagent serve`);
`worker_tasks` starts the same loops where there is no app (`orderagent worker`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from aiohttp import web

from agent.context import AgentContext
from agent.llm import agent_llm
from agent.worker import Wakeup, run_worker
from api.deliveries import POLL_SECONDS, run_deliverer
from channels._http import close_client_session
from channels.send_loops import sender_tasks
from core.settings import Settings
from db.appkeys import BACKGROUND, DATABASE, KEYRING, SETTINGS
from db.crypto import Keyring
from db.engine import Database

Starter = Callable[[web.Application], Awaitable[None]]


def _keep(app: web.Application, task: asyncio.Task[None]) -> None:
    # the app's set holds background tasks so none is garbage-collected or forgotten
    app[BACKGROUND].add(task)
    task.add_done_callback(app[BACKGROUND].discard)


def start_workers(count: int) -> Starter:
    """A background starter for `create_app`: `count` workers sharing one LISTEN wake-up."""

    async def start(app: web.Application) -> None:
        db, settings = app[DATABASE], app[SETTINGS]
        wakeup = Wakeup()
        await wakeup.start(db)
        ctx = AgentContext(keyring=app[KEYRING], llm=agent_llm(settings))
        window = settings.burst_window_ms / 1000
        for n in range(count):
            _keep(app, asyncio.create_task(run_worker(db, ctx, window_s=window, wakeup=wakeup,
                                                      name=f"worker-{n}")))
        _keep(app, asyncio.create_task(_close_on_cancel(wakeup)))

    return start


async def _close_on_cancel(wakeup: Wakeup) -> None:
    try:
        await asyncio.Event().wait()
    finally:
        await wakeup.close()


def start_senders(count: int = 2) -> Starter:
    """A background starter for `create_app`: `count` senders sharing one wake-up."""

    async def start(app: web.Application) -> None:
        for task in sender_tasks(app[DATABASE], app[KEYRING], app[SETTINGS].public_url, count):
            _keep(app, task)

    return start


def start_deliverer(poll_s: float = POLL_SECONDS) -> Starter:
    """A background starter for `create_app`: one webhook deliverer beside the server."""

    async def start(app: web.Application) -> None:
        _keep(app, asyncio.create_task(run_deliverer(
            app[DATABASE], app[KEYRING], poll_s=poll_s,
            allow_private=app[SETTINGS].webhooks_allow_private)))

    return start


async def worker_tasks(database: Database, keyring: Keyring, settings: Settings,
                       concurrency: int) -> tuple[list[asyncio.Task[None]], Wakeup]:
    """`orderagent worker`: message workers, the deliverer and the outbox senders."""
    wakeup = Wakeup()
    ctx = AgentContext(keyring=keyring, llm=agent_llm(settings))
    await wakeup.start(database)
    tasks = [asyncio.create_task(run_worker(
        database, ctx, window_s=settings.burst_window_ms / 1000, wakeup=wakeup,
        name=f"worker-{n}")) for n in range(concurrency)]
    tasks.append(asyncio.create_task(run_deliverer(  # outbound webhooks
        database, keyring, allow_private=settings.webhooks_allow_private)))
    tasks += sender_tasks(database, keyring, settings.public_url)  # the outbox
    return tasks, wakeup


async def stop_tasks(tasks: list[asyncio.Task[None]], wakeup: Wakeup | None = None) -> None:
    """Cancel background tasks and wait for them to finish."""
    for task in tasks:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(*tasks, return_exceptions=True)
    if wakeup is not None:
        await wakeup.close()
    await close_client_session()

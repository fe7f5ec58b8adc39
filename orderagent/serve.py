"""The starters of everything that runs beside the web server or in `orderagent worker`,
and how both stop on SIGTERM.

`create_app(..., background=[...])` takes the `start_*` starters (`orderagent serve`);
`worker_tasks` starts the same loops where there is no app (`orderagent worker`).

Stopping gracefully (`stop_serving`, `stop_tasks`): stop listening; answer every request
that still arrives on an open connection, each answer closing its connection; set the
`stop` event, on which workers and senders finish the turn or send in hand and claim
nothing new; wait for those and for in-flight requests up to the grace period; then
cancel whatever is left (listeners, the deliverer, and anything past the grace).
A turn or send cut off at that point is rolled back and done again after restart.
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
STOP = web.AppKey("stop", asyncio.Event)  # set on SIGTERM: finish what is in hand
GRACEFUL = web.AppKey("graceful", set)  # background tasks that end by themselves on STOP
DRAINING = web.AppKey("draining", asyncio.Event)  # set on SIGTERM: answers close connections
QUIET_S = 1.0  # an open connection with no request for this long is closed at shutdown


def prepare_stopping(app: web.Application) -> None:
    """Give the app its stop event and make every answer close its connection once set."""
    app[STOP], app[DRAINING], app[GRACEFUL] = asyncio.Event(), asyncio.Event(), set()
    app[_ACTIVITY] = _Activity()
    app.middlewares.insert(0, _track)  # outermost: it sees every answer, errors included


class _Activity:
    """Requests in progress, and when the latest one started."""

    def __init__(self) -> None:
        self.in_flight, self.last = 0, 0.0


_ACTIVITY = web.AppKey("activity", _Activity)


@web.middleware
async def _track(request: web.Request, handler: Callable[[web.Request], Awaitable[
        web.StreamResponse]]) -> web.StreamResponse:
    activity = request.app[_ACTIVITY]
    activity.in_flight += 1
    activity.last = asyncio.get_running_loop().time()
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if request.app[DRAINING].is_set():
            exc.force_close()
        raise
    finally:
        activity.in_flight -= 1
    if request.app[DRAINING].is_set():
        # before the headers are written: "Connection: close", so the client sends its
        # next request elsewhere instead of onto a connection we are about to close
        response.force_close()
    return response


async def stop_serving(runner: web.AppRunner, grace_s: float) -> None:
    """SIGTERM for `serve`: stop listening, answer what arrives, let in-flight requests,
    turns and sends finish within `grace_s`, then clean up (cancelling what is left)."""
    app = runner.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace_s
    app[DRAINING].set()
    for site in list(runner.sites):
        await site.stop()  # the listening socket only: open connections stay served
    app[STOP].set()
    activity = app[_ACTIVITY]
    # lame duck: a client may have sent a request on a kept-alive connection just now;
    # serve it, and close a connection only once nothing came on it for QUIET_S
    while loop.time() < deadline and runner.server is not None and runner.server.connections:
        if activity.in_flight == 0 and loop.time() - activity.last >= QUIET_S:
            break
        await asyncio.sleep(0.02)
    graceful = [t for t in app[GRACEFUL] if not t.done()]
    if graceful:
        await asyncio.wait(graceful, timeout=max(0.0, deadline - loop.time()))
    # what is still running past the grace is cancelled by the cleanup (rolled back)
    runner._shutdown_timeout = max(0.1, deadline - loop.time())  # no public setter
    await runner.cleanup()


def _keep(app: web.Application, task: asyncio.Task[None], *, graceful: bool = False) -> None:
    # the app's set holds background tasks so none is garbage-collected or forgotten
    app[BACKGROUND].add(task)
    task.add_done_callback(app[BACKGROUND].discard)
    if graceful and GRACEFUL in app:
        app[GRACEFUL].add(task)
        task.add_done_callback(app[GRACEFUL].discard)


def _stop_of(app: web.Application) -> asyncio.Event | None:
    return app.get(STOP)


def start_workers(count: int) -> Starter:
    """A background starter for `create_app`: `count` workers sharing one LISTEN wake-up."""

    async def start(app: web.Application) -> None:
        db, settings = app[DATABASE], app[SETTINGS]
        wakeup = Wakeup()
        await wakeup.start(db)
        ctx = AgentContext(keyring=app[KEYRING], llm=agent_llm(settings))
        window = settings.burst_window_ms / 1000
        stop = _stop_of(app)
        for n in range(count):
            _keep(app, asyncio.create_task(run_worker(
                db, ctx, window_s=window, wakeup=wakeup, name=f"worker-{n}", stop=stop)),
                graceful=True)
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
        tasks = sender_tasks(app[DATABASE], app[KEYRING], app[SETTINGS].public_url, count,
                             stop=_stop_of(app))
        for n, task in enumerate(tasks):
            _keep(app, task, graceful=1 <= n <= count)  # the senders, not the listener

    return start


def start_deliverer(poll_s: float = POLL_SECONDS) -> Starter:
    """A background starter for `create_app`: one webhook deliverer beside the server."""

    async def start(app: web.Application) -> None:
        _keep(app, asyncio.create_task(run_deliverer(
            app[DATABASE], app[KEYRING], poll_s=poll_s,
            allow_private=app[SETTINGS].webhooks_allow_private)))

    return start


async def worker_tasks(database: Database, keyring: Keyring, settings: Settings,
                       concurrency: int, stop: asyncio.Event | None = None
                       ) -> tuple[list[asyncio.Task[None]], Wakeup]:
    """`orderagent worker`: message workers, the deliverer and the outbox senders; the
    workers and senders end by themselves once `stop` is set."""
    wakeup = Wakeup()
    ctx = AgentContext(keyring=keyring, llm=agent_llm(settings))
    await wakeup.start(database)
    tasks = [asyncio.create_task(run_worker(
        database, ctx, window_s=settings.burst_window_ms / 1000, wakeup=wakeup,
        name=f"worker-{n}", stop=stop), name=f"worker-{n}") for n in range(concurrency)]
    tasks.append(asyncio.create_task(run_deliverer(  # outbound webhooks
        database, keyring, allow_private=settings.webhooks_allow_private)))
    tasks += sender_tasks(database, keyring, settings.public_url, stop=stop)  # the outbox
    return tasks, wakeup


async def stop_tasks(tasks: list[asyncio.Task[None]], wakeup: Wakeup | None = None, *,
                     stop: asyncio.Event | None = None, grace_s: float = 0.0) -> None:
    """Set `stop` and give the tasks that honour it `grace_s` to finish what they hold;
    then cancel every task and wait for them."""
    if stop is not None:
        stop.set()
        if wakeup is not None:
            wakeup.event.set()  # idle workers see `stop` now, not at their next poll
        # the deliverer and the listeners never end by themselves: only wait for the rest
        ending = [t for t in tasks if t.get_name().startswith(("worker-", "sender-"))]
        if ending:
            await asyncio.wait(ending, timeout=grace_s)
    for task in tasks:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(*tasks, return_exceptions=True)
    if wakeup is not None:
        await wakeup.close()
    await close_client_session()

"""The app itself: health, and errors mapped to HTTP once."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker

from channels.spool import Delivery
from channels.webhooks import SPOOL
from db.embedded import start_embedded
from db.engine import Database, make_engine
from orderagent.app import create_app


async def test_healthz_is_ok_when_the_database_answers(aiohttp_client, settings, database) -> None:
    """GET /healthz answers 200 "ok" on a live database, with an empty spool."""
    client = await aiohttp_client(create_app(settings, database))
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert await resp.json() == {"status": "ok", "spool": {"depth": 0, "oldest_age_s": None}}


async def test_healthz_is_degraded_when_the_database_is_stopped(aiohttp_client,
                                                                settings) -> None:
    """With the database server stopped, health says "degraded" but 200: webhooks still
    go to the spool, and a balancer taking every instance out would lose them. Only a
    full spool makes it 503."""
    pg = start_embedded(Path(tempfile.mkdtemp(prefix="oa-health-")) / "pgdata", temporary=True)
    engine = make_engine(pg.url, pool_size=1)
    db = Database(engine=engine, sessions=async_sessionmaker(engine))
    client = await aiohttp_client(create_app(settings, db))
    assert (await client.get("/healthz")).status == 200
    pg.stop()
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert (await resp.json())["status"] == "degraded"
    full = settings.model_copy(update={"spool_max_mb": 1})
    tiny = await aiohttp_client(create_app(full, db))
    await tiny.app[SPOOL].append(Delivery("twilio", "http://x/", (), b"x" * 1_000_000,
                                          arrived=time.time()))
    resp = await tiny.get("/healthz")
    assert resp.status == 503
    assert (await resp.json())["status"] == "unavailable"
    await engine.dispose()


async def test_unknown_routes_are_404_not_500(aiohttp_client, settings, database) -> None:
    """A path we do not serve is a plain 404."""
    client = await aiohttp_client(create_app(settings, database))
    assert (await client.get("/nope")).status == 404

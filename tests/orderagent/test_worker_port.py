"""`orderagent worker --metrics-port`: health, readiness and metrics of a worker process."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from core import health
from orderagent.observe import health_app
from tests.conftest import TEST_MASTER_KEY
from tests.orderagent.test_cli import _free_port, _wait_healthy

ROOT = Path(__file__).parents[2]


async def test_a_stuck_loop_makes_the_worker_not_ready(aiohttp_client, settings, database,
                                                       monkeypatch) -> None:
    """A loop that stops going round turns /readyz to 503 naming it; once it has stopped
    for good (its task ended) the process is ready again. /healthz stays 200."""
    client = await aiohttp_client(health_app(settings, database))
    monkeypatch.setattr(health, "STALE_AFTER_S", 0.05)

    async def stuck() -> None:
        health.beat("sender-stuck")
        await asyncio.Event().wait()

    task = asyncio.create_task(stuck())
    await asyncio.sleep(0.2)
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 503 and body["checks"]["loops"].startswith("stale: sender-stuck")
    assert (await client.get("/healthz")).status == 200
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert (await client.get("/readyz")).status == 200
    metrics = await (await client.get("/metrics")).text()
    assert 'orderagent_loop_heartbeat_timestamp_seconds{loop="sender-stuck"}' in metrics


def test_worker_process_serves_its_port_and_logs_json(pg_server_url, migrated_template,
                                                      tmp_path) -> None:
    """The real command: ready on its port with its loops beating, metrics served, JSON
    log lines on stderr (not a terminal), no Alembic chatter, a clean exit on SIGTERM."""
    import asyncio as aio

    from db.engine import runtime_url
    from db.scratch import create_database, database_url, drop_database

    name = aio.run(create_database(pg_server_url, prefix="oa_worker",
                                   template=migrated_template))
    port = _free_port()
    owner = database_url(pg_server_url, name).replace("+asyncpg", "")
    env = {**os.environ, "DATABASE_URL": runtime_url(owner),
           "ORDERAGENT_OWNER_DATABASE_URL": owner, "ORDERAGENT_ENCRYPTION_KEY": TEST_MASTER_KEY,
           "PYTHONUNBUFFERED": "1", "ORDERAGENT_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "orderagent.cli", "worker", "--concurrency", "1",
         "--metrics-port", str(port), "--metrics-host", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/readyz", proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            metrics = resp.read().decode()
        assert 'orderagent_loop_heartbeat_timestamp_seconds{loop="worker-0"}' in metrics
        assert "orderagent_inbox_waiting" in metrics
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
        aio.run(drop_database(pg_server_url, name))
    assert proc.returncode == 0, err
    records = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert any("workers running" in r["message"] for r in records)
    assert not any(r["logger"].startswith("alembic") for r in records)
    assert "Running upgrade" not in err and "Warning" not in err

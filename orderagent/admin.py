"""Admin subcommands: resend failed sends and webhooks, API keys, the distributors.

`add_commands(sub)` registers them on the `orderagent` parser; each command opens the
database the way every other command does (`cli._with_database`) and prints one line per
thing it did, so an on-call person never edits rows to retry something.
"""

from __future__ import annotations

import argparse
import re
import uuid
from datetime import UTC, datetime, timedelta

from core.settings import Settings

_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)([mhd])$")


def since(value: str) -> datetime:
    """`--since`: a duration back from now (30m, 24h, 7d) or an ISO date/time (UTC)."""
    if m := _RELATIVE.match(value.strip()):
        unit = {"m": "minutes", "h": "hours", "d": "days"}[m[2]]
        return datetime.now(UTC) - timedelta(**{unit: float(m[1])})
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r}: give a duration (30m, 24h, 7d) or a date (2026-12-01)") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def cmd_messages_retry(args: argparse.Namespace, settings: Settings) -> int:
    """Queue failed outbound messages again where a resend cannot reach anyone twice."""
    from db.redo import retry_failed_messages
    from orderagent.cli import _run, _with_database

    async def main(database, _keyring) -> int:
        done = await retry_failed_messages(database, args.since, distributor=args.distributor,
                                           dry_run=args.dry_run)
        verb = "would queue" if args.dry_run else "queued"
        print(f"{verb} {len(done.queued)} failed message(s) again; left "
              f"{len(done.skipped)} alone (ambiguous or opted out: a resend could reach "
              "the customer twice)")
        for message_id, why in done.skipped:
            print(f"  left {message_id}: {why}")
        return 0

    return _run(lambda: _with_database(settings, main, migrate=False))


def cmd_webhooks_redeliver(args: argparse.Namespace, settings: Settings) -> int:
    """Queue a fresh delivery of events whose webhook delivery failed for good."""
    from db.redo import redeliver_webhooks
    from orderagent.cli import _run, _with_database

    async def main(database, _keyring) -> int:
        done = await redeliver_webhooks(database, args.since, endpoint=args.endpoint,
                                        dry_run=args.dry_run)
        verb = "would redeliver" if args.dry_run else "queued for redelivery"
        print(f"{verb}: {len(done.queued)} event(s)")
        for event_id in done.queued:
            print(f"  event {event_id}")
        return 0

    return _run(lambda: _with_database(settings, main, migrate=False))


def cmd_api_keys(args: argparse.Namespace, settings: Settings) -> int:
    """Create, list or revoke a distributor's API keys (the key is printed once)."""
    from db import api_keys
    from db.tenant import ALL, scope
    from orderagent.cli import UsageError, _run, _with_database

    async def main(database, _keyring) -> int:
        async with database.transaction(tenant=ALL) as session:
            dist = await api_keys.distributor_by_slug(session, args.distributor)
            if dist is None:
                raise UsageError(f"no distributor {args.distributor!r} "
                                 "(see `orderagent distributors list`)")
            await scope(session, dist.id)
            if args.action == "create":
                key, info = await api_keys.create_key(session, dist.id, args.name)
                print(key)
                print(f"created {info.actor} for {dist.slug}: store it now, it is not shown "
                      "again (only its hash is kept)", flush=True)
            elif args.action == "list":
                for k in await api_keys.list_keys(session, dist.id):
                    state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at \
                        else "live"
                    print(f"{k.id}  {k.actor}  {k.created_at:%Y-%m-%d %H:%M}  {state}  "
                          f"{k.name or ''}".rstrip())
            else:
                if not args.key:
                    raise UsageError("revoke needs the key's id or audit name (see list)")
                if not await api_keys.revoke_key(session, dist.id, args.key):
                    raise UsageError(f"{dist.slug} has no live key {args.key!r}")
                print(f"revoked {args.key}")
        return 0

    return _run(lambda: _with_database(settings, main))


def cmd_distributors_list(args: argparse.Namespace, settings: Settings) -> int:
    """One line per distributor: slug, status, name."""
    from sqlalchemy import select

    from db.models import Distributor
    from db.tenant import ALL
    from orderagent.cli import _run, _with_database

    async def main(database, _keyring) -> int:
        async with database.transaction(tenant=ALL) as session:
            rows = (await session.execute(select(Distributor).order_by(Distributor.slug))
                    ).scalars().all()
        for d in rows:
            print(f"{d.slug}\t{d.status}\t{d.business_name}")
        if not rows:
            print("no distributors (see `orderagent load`)")
        return 0

    return _run(lambda: _with_database(settings, main))


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register `messages`, `webhooks`, `api-keys` and `distributors` on the parser."""
    p = sub.add_parser("messages", help="outbound messages")
    msub = p.add_subparsers(dest="messages_command", required=True, metavar="ACTION")
    p = msub.add_parser("retry", help="resend failed messages that are safe to resend")
    p.add_argument("--failed", action="store_true", required=True,
                   help="the FAILED ones (ambiguous sends and opt-outs are left alone)")
    p.add_argument("--since", type=since, default="24h", metavar="WHEN",
                   help="failed since: 30m, 24h, 7d or a date (default 24h)")
    p.add_argument("--distributor", metavar="SLUG", help="only this distributor's")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(fn=cmd_messages_retry)

    p = sub.add_parser("webhooks", help="outbound webhook deliveries")
    wsub = p.add_subparsers(dest="webhooks_command", required=True, metavar="ACTION")
    p = wsub.add_parser("redeliver", help="deliver again events whose delivery failed")
    p.add_argument("--endpoint", type=uuid.UUID, metavar="ID", help="only this endpoint")
    p.add_argument("--since", type=since, default="24h", metavar="WHEN",
                   help="failed since: 30m, 24h, 7d or a date (default 24h)")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(fn=cmd_webhooks_redeliver)

    p = sub.add_parser("api-keys", help="a distributor's API keys (hashes only at rest)")
    p.add_argument("action", choices=["create", "list", "revoke"])
    p.add_argument("key", nargs="?", help="revoke: the key's id or audit name")
    p.add_argument("--distributor", required=True, metavar="SLUG")
    p.add_argument("--name", help="create: a label (which client holds it)")
    p.set_defaults(fn=cmd_api_keys)

    p = sub.add_parser("distributors", help="the distributors")
    dsub = p.add_subparsers(dest="distributors_command", required=True, metavar="ACTION")
    dsub.add_parser("list", help="slug, status, name").set_defaults(fn=cmd_distributors_list)

"""The `orderagent` command: one entry point, one subcommand per job.

Exit codes: 0 success, 2 bad usage or a bad input file (one line naming the place),
1 anything else.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from core.distributor_file import DistributorFileError
from core.errors import OrderAgentError
from core.settings import Settings
from orderagent.admin import add_commands as add_admin_commands

log = logging.getLogger("orderagent")


class UsageError(Exception):
    """Bad input named by the user: exit 2 with a one-line reason."""


def _setup_logging(level: str, fmt: str = "auto") -> None:
    from core.logs import setup_logging
    from privacy.redact import RedactingFilter

    # a second wall: PII that slips into a log line anyway is masked on the way out
    setup_logging(level, fmt, extra_filters=(RedactingFilter(),))


def _run(coro_fn: Callable[[], Awaitable[int]]) -> int:
    try:
        import uvloop

        return uvloop.run(coro_fn())
    except ImportError:
        return asyncio.run(coro_fn())


async def _with_database(settings: Settings, fn: Callable, *, migrate: bool = True) -> int:
    from db.crypto import keyring_for
    from db.engine import open_database

    database = await asyncio.to_thread(open_database, settings)
    try:
        # either way, nothing runs while PostgreSQL's tenant wall is down (unless allowed)
        await (database.migrate() if migrate else database.verify_wall())
        return await fn(database, keyring_for(settings))
    finally:
        await database.close()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the webhook + API server (and N message workers) until SIGINT/SIGTERM."""
    from aiohttp import web

    from console import start_mailer
    from orderagent.app import create_app
    from orderagent.bootstrap import prepare
    from orderagent.serve import (
        prepare_stopping,
        start_deliverer,
        start_senders,
        start_workers,
        stop_serving,
    )

    async def main(database, keyring) -> int:
        demo = await prepare(database, keyring, settings.home, demo=not args.no_demo)
        app = create_app(settings, database,
                         background=[*([start_workers(args.workers)] if args.workers > 0 else []),
                                     start_deliverer(), start_senders(),
                                     start_mailer()])  # invitation emails
        prepare_stopping(app)
        runner = web.AppRunner(app, shutdown_timeout=settings.shutdown_grace_s,
                               access_log=None)
        await runner.setup()
        sign_in = None  # made before the port opens: once it answers, the link is out
        if not args.no_demo and settings.database_url is None:
            sign_in = await _demo_sign_in(database, f"http://{args.host}:{args.port}")
        stop = _stop_event()
        site = web.TCPSite(runner, args.host, args.port)
        await site.start()
        _print_welcome(settings, args, demo)
        if sign_in:
            print(sign_in, flush=True)
        await stop.wait()
        log.info("shutting down: answering requests and finishing work in hand (up to %gs)",
                 settings.shutdown_grace_s)
        await stop_serving(runner, settings.shutdown_grace_s)
        return 0

    return _run(lambda: _with_database(settings, main))


async def _demo_sign_in(database, base_url: str) -> str | None:
    """On the embedded default: a one-time console link for the demo's owner, until
    someone of its staff has a password (the lines to print, or None)."""
    from sqlalchemy import select

    from console.invitations import owner_has_password, owner_link
    from db.models import Distributor
    from db.tenant import ALL, scope

    async with database.transaction(tenant=ALL) as session:
        dist = (await session.execute(select(Distributor).where(
            Distributor.slug == "demo"))).scalar_one_or_none()
        if dist is None:
            return None
        await scope(session, dist.id)
        if await owner_has_password(session, dist.id):
            return None
        url = await owner_link(session, dist.id, DEMO_OWNER, base_url)
    return (f"  staff console: {base_url}/app/ — sign in once as the demo owner ({DEMO_OWNER})"
            f" with this one-time link (24 h):\n            {url}")


DEMO_OWNER = "owner@demo.orderagent.local"


def cmd_users_create_owner(args: argparse.Namespace, settings: Settings) -> int:
    """Create a distributor's first (or another) OWNER; print their one-time link."""
    from sqlalchemy import select

    from console.invitations import owner_link
    from core.errors import BadInput, Conflict
    from db.models import Distributor
    from db.tenant import ALL, scope

    async def main(database, _keyring) -> int:
        async with database.transaction(tenant=ALL) as session:
            dist = (await session.execute(select(Distributor).where(
                Distributor.slug == args.distributor))).scalar_one_or_none()
            if dist is None:
                raise UsageError(f"no distributor {args.distributor!r} (see `orderagent load`)")
            await scope(session, dist.id)
            try:
                url = await owner_link(session, dist.id, args.email, settings.public_url)
            except (BadInput, Conflict) as exc:
                raise UsageError(str(exc)) from None
        print(f"{args.email.strip().lower()} is an owner of {dist.slug}; they choose a password "
              f"at this one-time link (24 h):\n{url}")
        return 0

    return _run(lambda: _with_database(settings, main))


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """Message workers only, for scaling out beside `serve --workers 0`."""
    from orderagent.observe import start_health_server
    from orderagent.serve import stop_tasks, worker_tasks

    async def main(database, keyring) -> int:
        from privacy.detect import get_detector

        await asyncio.to_thread(get_detector().warm_up)  # ~1 s, off the event loop
        stopping = _stop_event()
        stop = asyncio.Event()  # workers and senders finish what they hold once it is set
        tasks, wakeup = await worker_tasks(database, keyring, settings, args.concurrency, stop)
        log.info("%d workers running", len(tasks))
        health = None if args.metrics_port is None else await start_health_server(
            settings, database, args.metrics_host, args.metrics_port)
        await stopping.wait()
        log.info("shutting down: finishing turns and sends in hand (up to %gs)",
                 settings.shutdown_grace_s)
        await stop_tasks(tasks, wakeup, stop=stop, grace_s=settings.shutdown_grace_s)
        if health is not None:
            await health.cleanup()
        return 0

    return _run(lambda: _with_database(settings, main))


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Talk to the agent in the terminal as a customer of a distributor."""
    from sqlalchemy import select

    from agent.context import AgentContext
    from agent.llm import agent_llm
    from core.messages import Channel
    from db.models import Distributor
    from db.tenant import ALL
    from evaluation.local import say
    from orderagent.bootstrap import prepare

    async def main(database, keyring) -> int:
        await prepare(database, keyring, settings.home, demo=True)
        async with database.transaction(tenant=ALL) as session:
            dist = (await session.execute(select(Distributor).where(
                Distributor.slug == args.distributor))).scalar_one_or_none()
        if dist is None:
            raise UsageError(f"no distributor {args.distributor!r} (see `orderagent load`)")
        channel = Channel(args.channel.upper())
        sender = args.sender or ("chat@example.com" if channel == Channel.EMAIL
                                 else "+15555550123")
        ctx = AgentContext(keyring=keyring, llm=agent_llm(settings))
        print(f"Talking to {dist.business_name} as {sender} over {channel.lower()}. "
              "Ctrl-D to quit.")
        _line_editing(settings.home / "chat_history")
        while True:
            try:
                line = await asyncio.to_thread(input, "you> ")
            except EOFError:
                return 0
            if not line.strip():
                continue
            exchange = await say(database, ctx, dist.id, sender=sender, text=line,
                                 channel=channel)
            for reply in exchange.replies or ["(no reply: a person will answer)"]:
                print("agent> " + reply.replace("\n", "\n       "))
            print(f"        [{await _session_state(database, dist.id, exchange)}]")

    return _run(lambda: _with_database(settings, main))


def _line_editing(history: Path) -> None:
    """Arrow keys, editing and a history kept between runs for `input()` (readline)."""
    try:
        import atexit
        import readline
    except ImportError:  # not on every platform: plain input() still works
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(history)
            history.chmod(0o600)  # what was typed may name customers

    atexit.register(save)


async def _session_state(database, distributor_id, exchange) -> str:
    from sqlalchemy import select

    from db.models import Conversation, ConversationOrderSession

    async with database.transaction(tenant=distributor_id) as session:
        conv = await session.get(Conversation, exchange.conversation_id)
        sess = (await session.execute(select(ConversationOrderSession).where(
            ConversationOrderSession.conversation_id == exchange.conversation_id)
            .order_by(ConversationOrderSession.created_at.desc()).limit(1))).scalar_one_or_none()
    state = "no session" if sess is None else f"session {sess.status}" + (
        f"/{sess.outcome}" if sess.outcome else "")
    return state + (", handed off to staff" if conv and conv.handoff_active else "")


def _print_welcome(settings: Settings, args: argparse.Namespace, demo) -> None:
    base = f"http://{args.host}:{args.port}"
    where = "embedded PostgreSQL in " + str(settings.home / "pgdata") \
        if not settings.database_url else "DATABASE_URL"
    lines = [f"orderagent is listening on {base} (database: {where})",
             f"  health:   curl {base}/healthz"]
    if demo is not None:
        lines += [
            f"  demo distributor '{demo.slug}' loaded; its API key and webhook secrets are in",
            f"            {demo.credentials_file} (mode 0600)",
            "  talk to it as a customer:  orderagent chat --distributor demo",
            "  webhooks:  POST /webhooks/twilio (To=+15550100000), /webhooks/whatsapp, "
            "/webhooks/email/mailgun",
        ]
    print("\n".join(lines), flush=True)


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    """Create or update one distributor from a JSON distributor file or a CSV catalog."""
    from core.distributor_file import read_distributor_file
    from db.loader import load_distributor
    from db.tenant import ALL

    data = read_distributor_file(args.file)  # bad files exit 2 before touching the database
    is_csv = args.file.suffix.lower() == ".csv"
    if is_csv and not args.distributor:
        raise UsageError(f"{args.file}: a CSV is a catalog only: name the distributor it is "
                         "for with --distributor SLUG (see `orderagent distributors list`)")

    async def main(database, keyring) -> int:
        async with database.transaction(tenant=ALL) as session:
            if is_csv:
                data.distributor = await _existing_spec(session, args.distributor)
            elif args.distributor and data.distributor.slug != args.distributor:
                raise UsageError(f"{args.file} describes {data.distributor.slug!r}, "
                                 f"not {args.distributor!r}")
            result = await load_distributor(session, data, keyring, path=str(args.file))
        if not result.changed:
            print(f"{result.slug}: unchanged")
        else:
            what = ", ".join(f"{n} {k}" for k, n in sorted(result.changes.items()))
            verb = "created" if result.created else "updated"
            print(f"{result.slug}: {verb}" + (f" ({what})" if what else ""))
        return 0

    return _run(lambda: _with_database(settings, main))


async def _existing_spec(session, slug: str):
    """The distributor's settings as they are, so a CSV load changes the catalog only."""
    from core.distributor_file import DistributorSpec
    from db.api_keys import distributor_by_slug

    dist = await distributor_by_slug(session, slug)
    if dist is None:
        raise UsageError(f"no distributor {slug!r}: create it from a distributor JSON file "
                         "first (see `orderagent distributors list`)")
    fields = {name: getattr(dist, name) for name in DistributorSpec.model_fields
              if name != "api_key" and getattr(dist, name, None) is not None}
    return DistributorSpec.model_validate(fields)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    """Apply migrations up to head."""
    from db.migrate import current_revision

    async def main(database, _keyring) -> int:
        print(f"database at revision {await current_revision(database.engine)}")
        return 0

    return _run(lambda: _with_database(settings, main))


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    """Re-wrap every data key with a new master key; running processes keep working."""
    import os
    import secrets

    from db.crypto import Keyring, keyring_for, rewrap_all
    from db.tenant import ALL

    file_mode = settings.encryption_key is None
    if file_mode:
        settings.master_key()  # the key being retired must exist before it is rotated
        new_key = secrets.token_urlsafe(32).encode()
    else:
        if not args.new_key_env or not os.environ.get(args.new_key_env):
            raise UsageError("ORDERAGENT_ENCRYPTION_KEY is set: put the new master key in an "
                             "environment variable and name it with --new-key-env")
        new_key = os.environ[args.new_key_env].encode()
    new = Keyring(new_key)
    pending = settings.home / "master.key.new"
    if file_mode:  # kept before the database changes, so a crash cannot lose it
        pending.write_bytes(new_key)
        pending.chmod(0o600)

    async def main(database, _keyring) -> int:
        async with database.transaction(tenant=ALL) as session:
            count = await rewrap_all(session, keyring_for(settings), new,
                                     new_data_keys=args.data_keys)
        print(f"re-wrapped {count} data key(s) with master key {new.kek_id}")
        return 0

    code = _run(lambda: _with_database(settings, main))
    if file_mode:
        current = settings.home / "master.key"
        retired = Keyring(current.read_bytes()).kek_id
        current.rename(settings.home / f"master.key.previous-{retired}")
        pending.rename(current)
        print(f"new master key in {current}; the old one is kept beside it until you delete it")
    else:
        print("now set ORDERAGENT_ENCRYPTION_KEY to the new key and, until every process has "
              "restarted, ORDERAGENT_PREVIOUS_ENCRYPTION_KEYS to the old one")
    return code


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Remove data past each distributor's retention (audited)."""
    from datetime import UTC, datetime

    from db.retention import purge
    from db.tenant import ALL

    async def main(database, _keyring) -> int:
        async with database.transaction(tenant=ALL) as session:
            results = await purge(session, datetime.now(UTC), dry_run=args.dry_run)
        if not results:
            print("no distributor has a retention period set")
        for r in results:
            rows = ", ".join(f"{n} {t}" for t, n in r.rows.items()) or "nothing"
            verb = "would remove" if args.dry_run else "removed"
            print(f"{r.slug}: {verb} {rows} (older than {r.cutoff:%Y-%m-%d})")
        return 0

    return _run(lambda: _with_database(settings, main))


def cmd_eval_match(args: argparse.Namespace, settings: Settings) -> int:
    """Score the product matcher alone on labelled queries."""
    from evaluation.eval_match import run_eval_match

    return run_eval_match(Path(args.catalog), Path(args.queries),
                          Path(args.report) if args.report else None, threshold=args.threshold)


def cmd_eval_pii(args: argparse.Namespace, settings: Settings) -> int:
    """Score the PII detector alone on a labelled corpus."""
    from evaluation.eval_pii import run_eval_pii

    return run_eval_pii(Path(args.corpus), Path(args.report) if args.report else None)


def cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    """Replay transcripts through the real pipeline on a throw-away database; score them."""
    from evaluation.report import run_replay
    from evaluation.transcripts import TranscriptFileError

    try:
        if args.html is None:
            return run_replay(args.transcripts, args.catalog, settings,
                              report_path=args.report, compare_path=args.compare)
        return _replay_html(args, settings)
    except TranscriptFileError as exc:
        for problem in exc.problems:
            print(f"orderagent: {problem}", file=sys.stderr)
        raise UsageError(str(exc)) from None


def _replay_html(args: argparse.Namespace, settings: Settings) -> int:
    """`replay --html`: the run's JSON report (kept only if --report), then the page."""
    import tempfile

    from evaluation.report import run_replay
    from evaluation.report_html import write_html
    from evaluation.transcripts import load_report

    with tempfile.TemporaryDirectory(prefix="orderagent-replay-") as tmp:
        report_path = args.report or str(Path(tmp) / "report.json")
        code = run_replay(args.transcripts, args.catalog, settings, report_path=report_path,
                          compare_path=args.compare)
        report = load_report(report_path)
    baseline = load_report(args.compare) if args.compare else None
    write_html(args.html, report, title=f"replay {Path(args.transcripts).name}",
               baseline=baseline, baseline_name=Path(args.compare).name if args.compare
               else "before")
    print(f"HTML report written to {args.html}")
    return code


def cmd_export_transcripts(args: argparse.Namespace, settings: Settings) -> int:
    """Write a distributor's stored conversations as transcripts, PII redacted."""
    from evaluation.export import ExportError, export_transcripts

    async def main(database, _keyring) -> int:
        return await export_transcripts(database, args.distributor, args.out, since=args.since)

    try:
        return _run(lambda: _with_database(settings, main, migrate=False))
    except ExportError as exc:
        raise UsageError(str(exc)) from None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("orderagent")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="orderagent", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"orderagent {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_admin_commands(sub)

    p = sub.add_parser("serve", help="webhook + API server with message workers")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--workers", type=int, default=2, help="in-process message workers")
    p.add_argument("--no-demo", action="store_true",
                   help="do not load the demo distributor into an empty database")
    p.set_defaults(fn=cmd_serve)

    p = sub.add_parser("worker", help="message workers only (beside `serve --workers 0`)")
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--metrics-port", type=int, metavar="PORT",
                   help="serve /healthz, /readyz and /metrics on this port")
    p.add_argument("--metrics-host", default="0.0.0.0",
                   help="the address of --metrics-port (default all interfaces)")
    p.set_defaults(fn=cmd_worker)

    p = sub.add_parser("chat", help="talk to the agent in the terminal as a customer")
    p.add_argument("--distributor", default="demo")
    p.add_argument("--channel", default="whatsapp", choices=["whatsapp", "sms", "email"])
    p.add_argument("--sender", help="the customer's phone or email")
    p.set_defaults(fn=cmd_chat)

    p = sub.add_parser("load", help="create or update a distributor from FILE.json, or load "
                                    "a CSV catalog into one (--distributor)")
    p.add_argument("file", type=Path)
    p.add_argument("--distributor", metavar="SLUG",
                   help="the distributor a CSV catalog is for (required for a CSV)")
    p.set_defaults(fn=cmd_load)

    p = sub.add_parser("db", help="database maintenance")
    dbsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    dbsub.add_parser("upgrade", help="apply migrations").set_defaults(fn=cmd_db_upgrade)

    p = sub.add_parser("keys", help="encryption keys")
    keysub = p.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    p = keysub.add_parser("rotate", help="re-wrap data keys with a new master key")
    p.add_argument("--new-key-env", metavar="VAR",
                   help="environment variable holding the new key (when the key comes from "
                        "ORDERAGENT_ENCRYPTION_KEY); never pass a key on the command line")
    p.add_argument("--data-keys", action="store_true",
                   help="also start a new data key per distributor for new writes")
    p.set_defaults(fn=cmd_keys_rotate)

    p = sub.add_parser("users", help="staff of the console")
    usersub = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    p = usersub.add_parser("create-owner", help="make EMAIL an owner of a distributor and "
                                                "print their one-time sign-in link")
    p.add_argument("--distributor", required=True, help="the distributor's slug")
    p.add_argument("email")
    p.set_defaults(fn=cmd_users_create_owner)

    p = sub.add_parser("purge", help="remove data past each distributor's retention")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(fn=cmd_purge)

    p = sub.add_parser("eval-match", help="score the product matcher on labelled queries")
    p.add_argument("catalog", help="distributor file (JSON) with the catalog")
    p.add_argument("queries", help="QUERIES.jsonl")
    p.add_argument("--report", help="write the JSON report here")
    p.add_argument("--threshold", type=float, default=None,
                   help="auto-accept threshold (default: the distributor's)")
    p.set_defaults(fn=cmd_eval_match)

    p = sub.add_parser("eval-pii", help="score the PII detector on a labelled corpus")
    p.add_argument("corpus", help="CORPUS.jsonl")
    p.add_argument("--report", help="write the JSON report here")
    p.set_defaults(fn=cmd_eval_pii)

    p = sub.add_parser("replay", help="replay transcripts on a throw-away database and score")
    p.add_argument("transcripts", help="TRANSCRIPTS.jsonl")
    p.add_argument("--catalog", required=True, help="distributor file (JSON or CSV)")
    p.add_argument("--report", help="write the JSON report here")
    p.add_argument("--compare", metavar="OTHER_REPORT.json",
                   help="show what got better and worse against an earlier report")
    p.add_argument("--html", metavar="OUT.html", type=Path,
                   help="also write a self-contained HTML report (charts, failing "
                        "conversations; with --compare, both runs side by side)")
    p.set_defaults(fn=cmd_replay)

    p = sub.add_parser("export-transcripts",
                       help="stored conversations as transcripts (PII redacted)")
    p.add_argument("--distributor", required=True, help="the distributor's slug")
    p.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="only conversations from this day on (the distributor's time zone)")
    p.add_argument("out", type=Path, help="OUT.jsonl")
    p.set_defaults(fn=cmd_export_transcripts)
    return parser


def config_problems(exc: ValidationError) -> list[str]:
    """Each settings error as `VARIABLE: what is wrong` (the variable a user sets)."""
    out = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else ""
        info = Settings.model_fields.get(field)
        alias = getattr(info, "validation_alias", None) if info else None
        names = list(getattr(alias, "choices", [])) if alias else []
        var = str(names[0]) if names else "ORDERAGENT_" + field.upper()
        out.append(f"{var}: {err['msg']}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, build the settings once, run the subcommand."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        for problem in config_problems(exc):
            print(f"orderagent: configuration: {problem}", file=sys.stderr)
        return 2
    # the services log each request, turn and send; a one-shot command's output is its
    # report, so it logs only warnings unless ORDERAGENT_LOG_LEVEL asks for more
    service = args.fn in (cmd_serve, cmd_worker)
    level = settings.log_level if service or "ORDERAGENT_LOG_LEVEL" in os.environ else "WARNING"
    _setup_logging(level, settings.log_format)
    try:
        return args.fn(args, settings)
    except (DistributorFileError, UsageError) as exc:
        print(f"orderagent: {exc}", file=sys.stderr)
        return 2
    except OrderAgentError as exc:  # e.g. the tenant wall is down: one line, not a trace
        print(f"orderagent: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the boundary: one line for the user, the trace in the log
        log.debug("command failed", exc_info=True)
        print(f"orderagent: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())

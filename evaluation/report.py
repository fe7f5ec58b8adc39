"""The replay command: progress while it runs, then the metrics, the failures, a comparison."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.distributor_file import DistributorFile, read_distributor_file
from core.settings import Settings
from evaluation.replay import master_keyring, replay, throwaway_database
from evaluation.transcripts import Transcript, item_diff, load_report, read_transcripts

FAILURES_SHOWN = 60  # beyond this the report file has them all


# --- comparing two reports ---------------------------------------------------------------

# metrics where a smaller number is the better one
LOWER_IS_BETTER = {"llm_calls", "llm_tokens", "llm_cost_usd", "latency_ms_p50", "latency_ms_p99"}


@dataclass
class Comparison:
    """What changed from a baseline report to this one."""

    deltas: list[tuple[str, Any, Any, float]]  # metric, before, after, after - before
    fixed: list[dict[str, Any]]  # failing before, ok now
    broken: list[dict[str, Any]]  # ok before, failing now
    changed: list[tuple[dict[str, Any], dict[str, Any]]]  # failing both times, differently
    only_before: list[str]
    only_after: list[str]


def compare(before: dict[str, Any], after: dict[str, Any]) -> Comparison:
    """Metric deltas and the transcripts that got better or worse, by id."""
    deltas = []
    for key, now in after["metrics"].items():
        was = before["metrics"].get(key)
        if isinstance(now, int | float) and isinstance(was, int | float):
            deltas.append((key, was, now, round(now - was, 6)))
    old = {t["id"]: t for t in before["transcripts"]}
    new = {t["id"]: t for t in after["transcripts"]}
    fixed, broken, changed = [], [], []
    for tid, t in new.items():
        o = old.get(tid)
        if o is None:
            continue
        if t["ok"] and not o["ok"]:
            fixed.append(t)
        elif o["ok"] and not t["ok"]:
            broken.append(t)
        elif not t["ok"] and (o.get("outcome"), o.get("items")) != (t["outcome"], t["items"]):
            changed.append((o, t))
    return Comparison(deltas, fixed, broken, changed,
                      only_before=sorted(old.keys() - new.keys()),
                      only_after=sorted(new.keys() - old.keys()))


# --- tables ------------------------------------------------------------------------------

def _fmt(value: Any) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def render_report(console: Console, report: dict[str, Any], name: str) -> None:
    """The metrics table, then the failing transcripts."""
    console.print(f"[bold]replay {escape(name)}[/bold]: {report['metrics']['transcripts']} "
                  "transcripts")
    console.print(metrics_table(report))
    failing = sum(not t["ok"] for t in report["transcripts"])
    if failing:
        console.print(f"[bold]{failing} failing[/bold] (diff: -sku×n expected, not got; "
                      "+sku×n got, not expected; ~sku×expected→got)")
        console.print(failures_table(report))


def metrics_table(report: dict[str, Any]) -> Table:
    """The report's metrics, one row each."""
    m = report["metrics"]
    table = Table()
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in m.items():
        if key != "transcripts":
            table.add_row(key, _fmt(value))
    return table


def failures_table(report: dict[str, Any]) -> Table:
    """The transcripts that did not end as expected, with a compact diff of their items."""
    failing = [t for t in report["transcripts"] if not t["ok"]]
    table = Table()
    table.add_column("id", no_wrap=True)
    table.add_column("outcome", no_wrap=True)
    table.add_column("diff")
    for t in failing[:FAILURES_SHOWN]:
        outcome = t["outcome"] if t["outcome"] == t["expected"]["outcome"] else \
            f"[red]{t['expected']['outcome']}→{t['outcome']}[/red]"
        detail = item_diff(t["expected"]["items"], t["items"]) or "[dim]items right[/dim]"
        if t.get("unmatched"):
            detail += f"  [dim]unmatched: {escape('; '.join(t['unmatched']))}[/dim]"
        if t.get("error"):
            detail += f"  [red]{escape(t['error'])}[/red]"
        table.add_row(t["id"], outcome, detail.strip())
    if len(failing) > FAILURES_SHOWN:
        table.caption = f"... and {len(failing) - FAILURES_SHOWN} more in the report"
    return table


def _delta(key: str, delta: float) -> str:
    if delta == 0:
        return "[dim]0[/dim]"
    better = (delta < 0) if key in LOWER_IS_BETTER else (delta > 0)
    colour = "green" if better else "red"
    if key.startswith("latency"):
        colour = "yellow"  # timing noise: shown, not judged
    return f"[{colour}]{delta:+.4g}[/{colour}]"


def render_comparison(console: Console, cmp: Comparison, baseline: str) -> None:
    """Metric deltas and the transcripts that got better or worse, against `baseline`."""
    console.print(f"[bold]compared with {escape(baseline)}[/bold]")
    table = Table()
    for name, justify in (("metric", "left"), ("before", "right"), ("after", "right"),
                          ("delta", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for key, before, after, delta in cmp.deltas:
        if key != "transcripts" or before != after:
            table.add_row(key, _fmt(before), _fmt(after), _delta(key, delta))
    console.print(table)
    rows = [("[green]fixed[/green]", t["id"], "", "") for t in cmp.fixed]
    rows += [("[red]broken[/red]", t["id"], "", escape(t["diff"])) for t in cmp.broken]
    rows += [("[yellow]changed[/yellow]", new["id"], escape(old["diff"]), escape(new["diff"]))
             for old, new in cmp.changed]
    if rows:
        console.print(f"[bold]{len(cmp.fixed)} fixed, {len(cmp.broken)} broken, "
                      f"{len(cmp.changed)} still failing differently[/bold]")
        changes = Table()
        for name in ("", "id", "diff before", "diff now"):
            changes.add_column(name, no_wrap=name in ("", "id"))
        for row in rows:
            changes.add_row(*row)
        console.print(changes)
    else:
        console.print("no transcript changed between the two reports")
    if cmp.only_before or cmp.only_after:
        console.print(f"not in both reports: {len(cmp.only_before)} only before "
                      f"({', '.join(cmp.only_before[:10])}), {len(cmp.only_after)} only now "
                      f"({', '.join(cmp.only_after[:10])})", highlight=False, markup=False)


# --- the command -------------------------------------------------------------------------

def run_replay(transcripts_path: str | Path, catalog_path: str | Path, settings: Settings, *,
               report_path: str | Path | None = None, compare_path: str | Path | None = None,
               console: Console | None = None) -> int:
    """The replay command: 0 when every transcript ran, 1 when the agent raised on any.

    Bad input files raise TranscriptFileError / DistributorFileError before anything starts.
    """
    console = console or Console()
    # the throw-away database's migration chatter is noise between the bar and the tables
    logging.getLogger("alembic").setLevel(logging.WARNING)
    transcripts = read_transcripts(transcripts_path)
    catalog = read_distributor_file(catalog_path)
    baseline = load_report(compare_path) if compare_path is not None else None
    report = asyncio.run(_replay_throwaway(transcripts, catalog, settings, console))
    report["inputs"] = {
        "transcripts": str(transcripts_path), "transcripts_sha256": _sha256(transcripts_path),
        "catalog": str(catalog_path), "catalog_sha256": _sha256(catalog_path),
        "llm_model": settings.llm_model if settings.llm_enabled else None,
    }
    render_report(console, report, Path(transcripts_path).name)
    if report_path is not None:
        Path(report_path).write_text(
            json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        console.print(f"report written to {report_path}", highlight=False)
    if baseline is not None:
        if baseline.get("inputs", {}).get("transcripts_sha256") not in (
                None, report["inputs"]["transcripts_sha256"]):
            console.print("[yellow]note:[/yellow] the two reports replayed different "
                          "transcript files")
        render_comparison(console, compare(baseline, report), str(compare_path))
    errors = [t["id"] for t in report["transcripts"] if t["error"]]
    if errors:
        console.print(f"[red]the agent raised on {len(errors)} transcript(s):[/red] "
                      + ", ".join(errors), highlight=False)
    return 1 if errors else 0


async def _replay_throwaway(transcripts: list[Transcript], catalog: DistributorFile,
                            settings: Settings, console: Console) -> dict[str, Any]:
    """Migrate a throw-away database, replay into it with a progress bar, drop it."""
    from agent.llm import agent_llm
    from db.migrate import upgrade

    async with throwaway_database(settings) as db:
        await upgrade(db.engine)
        with Progress(TextColumn("replaying"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[ok]} ok"), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("replay", total=len(transcripts), ok=0)
            ok = 0

            def done(row: dict[str, Any]) -> None:
                nonlocal ok
                ok += row["ok"]
                progress.update(task, advance=1, ok=ok)

            return await replay(db, transcripts, catalog, keyring=master_keyring(),
                                llm=agent_llm(settings), on_done=done)


def _sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()

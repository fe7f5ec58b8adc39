"""`orderagent replay … --html OUT.html`: one self-contained page people can look at.

The metrics; a breakdown by channel, language and outcome; a histogram of the matcher's
confidence on the order lines it accepted, kept against later corrected; and every
failing conversation with the customer's turns, the agent's replies and the diff against
the expected order. With a baseline (`--compare`), both runs side by side. Charts are
plotly figures; plotly.js is inlined once, so opening the file makes no request at all.
"""

from __future__ import annotations

import html
from decimal import Decimal
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from evaluation.report import LOWER_IS_BETTER, compare

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;
     max-width:1200px;color:#1d2433;padding:0 1rem}
h1{font-size:1.5rem} h2{margin-top:2.5rem;border-bottom:1px solid #dde;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.5rem 0} td,th{padding:.25rem .7rem;text-align:left;
     border-bottom:1px solid #eef} th{background:#f5f6fa} td.n{text-align:right}
.better{color:#137333} .worse{color:#b3261e} .muted{color:#6b7280}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));gap:1rem}
.charts>div{min-width:0}
.conv{border:1px solid #dde;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
.conv h3{margin:.1rem 0 .6rem;font-size:1.05rem}
.runs{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.say{margin:.25rem 0;padding:.35rem .6rem;border-radius:6px;white-space:pre-wrap;max-width:90%}
.customer{background:#eef3ff} .agent{background:#f2f2f2;margin-left:2rem}
.missing{color:#b3261e} .extra{color:#a15c00} .qty{color:#6d28d9}
"""
# plots drawn before the grid settled keep their first width: fit them to their cells
RESIZE = """window.addEventListener("load", () => document.querySelectorAll(".js-plotly-plot")
  .forEach((p) => Plotly.Plots.resize(p)));"""
_FATE_COLOURS = {"kept": "#2563eb", "corrected": "#dc2626"}


def _e(value: Any) -> str:
    return html.escape(str(value))


def _fmt(value: Any) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _figure(fig: go.Figure, first: list[bool]) -> str:
    """The figure as a div; plotly.js goes inline with the first one only."""
    fig.update_layout(margin={"l": 40, "r": 10, "t": 40, "b": 40}, autosize=True,
                      template="plotly_white",
                      legend={"orientation": "h", "yanchor": "top", "y": -0.2})
    # sized by its grid cell, not plotly's default 700 px (which overflows the cell)
    out = pio.to_html(fig, full_html=False, include_plotlyjs=first[0],
                      default_width="100%", default_height="340px",
                      config={"displaylogo": False, "responsive": True})
    first[0] = False
    return out


def _group(row: dict[str, Any], key: str) -> str:
    if key == "outcome":
        return str(row.get("expected", {}).get("outcome", "?"))
    return str(row.get(key) or "unknown")


def breakdown(report: dict[str, Any], key: str) -> dict[str, tuple[int, int]]:
    """(ok, failing) transcripts per channel, language or expected outcome."""
    out: dict[str, list[int]] = {}
    for row in report["transcripts"]:
        counts = out.setdefault(_group(row, key), [0, 0])
        counts[0 if row["ok"] else 1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def _breakdown_chart(runs: list[tuple[str, dict[str, Any]]], key: str,
                     first: list[bool]) -> str:
    fig = go.Figure()
    for name, report in runs:
        groups = breakdown(report, key)
        prefix = f"{name}: " if len(runs) > 1 else ""
        fig.add_bar(name=prefix + "ok", x=list(groups), y=[v[0] for v in groups.values()],
                    offsetgroup=name, marker_color="#16a34a")
        fig.add_bar(name=prefix + "failing", x=list(groups), y=[v[1] for v in groups.values()],
                    offsetgroup=name, base=[v[0] for v in groups.values()],
                    marker_color="#dc2626", opacity=1.0 if name == runs[-1][0] else 0.6)
    fig.update_layout(title=f"by {key}", barmode="group", showlegend=len(runs) > 1)
    return _figure(fig, first)


def confidences(report: dict[str, Any]) -> dict[str, list[float]]:
    """The matcher's confidence on each accepted line, by fate (kept or corrected)."""
    out: dict[str, list[float]] = {"kept": [], "corrected": []}
    for row in report["transcripts"]:
        for line in row.get("lines") or []:
            if line.get("confidence") is not None and line.get("sku"):
                out[line["fate"]].append(line["confidence"])
    return out


def _confidence_chart(runs: list[tuple[str, dict[str, Any]]], first: list[bool]) -> str:
    fig = go.Figure()
    for name, report in runs:
        for fate, values in confidences(report).items():
            label = f"{name}: {fate}" if len(runs) > 1 else fate
            fig.add_histogram(x=values, name=label, xbins={"start": 0, "end": 1.0001,
                                                           "size": 0.05},
                              marker_color=_FATE_COLOURS[fate],
                              opacity=0.75 if name == runs[-1][0] else 0.4)
    # log scale: the few corrected lines stay visible beside hundreds of kept ones
    fig.update_layout(title="confidence of accepted lines: kept vs corrected",
                      barmode="overlay", xaxis_title="confidence", yaxis_title="lines",
                      yaxis_type="log")
    return _figure(fig, first)


def _metrics_table(runs: list[tuple[str, dict[str, Any]]]) -> str:
    head = "".join(f"<th>{_e(name)}</th>" for name, _ in runs)
    head += "<th>delta</th>" if len(runs) == 2 else ""
    rows = []
    last = runs[-1][1]["metrics"]
    for key, value in last.items():
        cells = "".join(f'<td class="n">{_e(_fmt(r["metrics"].get(key, "")))}</td>'
                        for _, r in runs)
        if len(runs) == 2:
            was = runs[0][1]["metrics"].get(key)
            if isinstance(was, int | float) and isinstance(value, int | float):
                delta = round(value - was, 6)
                good = (delta < 0) if key in LOWER_IS_BETTER else (delta > 0)
                css = "muted" if delta == 0 or key.startswith("latency") else \
                    ("better" if good else "worse")
                cells += f'<td class="n {css}">{delta:+.4g}</td>'
            else:
                cells += "<td></td>"
        rows.append(f"<tr><th>{_e(key)}</th>{cells}</tr>")
    return f"<table><tr><th>metric</th>{head}</tr>{''.join(rows)}</table>"


def item_changes(row: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """(kind, sku, expected quantity, got quantity): missing, extra, quantity."""
    want = {i["sku"]: i["quantity"] for i in row["expected"]["items"]}
    got = {i["sku"]: i["quantity"] for i in row["items"]}
    out = []
    for sku in sorted(want.keys() | got.keys()):
        if sku not in got:
            out.append(("missing", sku, want[sku], None))
        elif sku not in want:
            out.append(("extra", sku, None, got[sku]))
        elif Decimal(str(want[sku])) != Decimal(str(got[sku])):
            out.append(("qty", sku, want[sku], got[sku]))
    return out


def _conversation(row: dict[str, Any] | None) -> str:
    if row is None:
        return '<p class="muted">not in this run</p>'
    status = "ok" if row["ok"] else "failing"
    parts = [f'<p><b>{_e(status)}</b> · expected {_e(row["expected"]["outcome"])}, got '
             f'{_e(row["outcome"])}</p>']
    turns, replies = list(row.get("turns") or []), list(row.get("replies") or [])
    # one reply per turn as a rule (a handoff leaves a turn unanswered: the replies then
    # run one turn early, so any left over follow the last turn)
    for i, said in enumerate(turns):
        parts.append(f'<div class="say customer">{_e(said)}</div>')
        if i < len(replies):
            parts.append(f'<div class="say agent">{_e(replies[i])}</div>')
    for extra in replies[len(turns):]:
        parts.append(f'<div class="say agent">{_e(extra)}</div>')
    changes = item_changes(row)
    if changes:
        cells = "".join(
            f'<tr class="{kind}"><td>{_e(kind)}</td><td>{_e(sku)}</td>'
            f'<td class="n">{_e("" if want is None else want)}</td>'
            f'<td class="n">{_e("" if got is None else got)}</td></tr>'
            for kind, sku, want, got in changes)
        parts.append("<table><tr><th></th><th>sku</th><th>expected</th><th>got</th></tr>"
                     f"{cells}</table>")
    elif not row["ok"]:
        parts.append('<p class="muted">items right; the outcome differs</p>')
    if row.get("unmatched"):
        parts.append(f'<p class="muted">unmatched: {_e("; ".join(row["unmatched"]))}</p>')
    if row.get("error"):
        parts.append(f'<p class="worse">{_e(row["error"])}</p>')
    return "".join(parts)


def _failures(runs: list[tuple[str, dict[str, Any]]]) -> str:
    by_run = [{t["id"]: t for t in report["transcripts"]} for _, report in runs]
    failing = sorted({tid for rows in by_run for tid, t in rows.items() if not t["ok"]})
    if not failing:
        return "<p>every conversation ended as expected</p>"
    out = []
    for tid in failing:
        rows = [r.get(tid) for r in by_run]
        meta = next(r for r in rows if r is not None)
        label = f'{_e(tid)} <span class="muted">{_e(meta.get("channel") or "")} · ' \
                f'{_e(meta.get("language") or "")}</span>'
        if len(runs) == 1:
            out.append(f'<div class="conv" id="{_e(tid)}"><h3>{label}</h3>'
                       f"{_conversation(rows[0])}</div>")
        else:
            cols = "".join(f"<div><h4>{_e(name)}</h4>{_conversation(row)}</div>"
                           for (name, _), row in zip(runs, rows, strict=True))
            out.append(f'<div class="conv" id="{_e(tid)}"><h3>{label}</h3>'
                       f'<div class="runs">{cols}</div></div>')
    return "".join(out)


def render_html(report: dict[str, Any], *, title: str,
                baseline: dict[str, Any] | None = None, baseline_name: str = "before") -> str:
    """The whole page: one string, nothing fetched when it is opened."""
    runs = ([(baseline_name, baseline)] if baseline is not None else []) + [("this run", report)]
    first = [True]
    charts = "".join(_breakdown_chart(runs, key, first)
                     for key in ("channel", "language", "outcome"))
    charts += _confidence_chart(runs, first)
    failing = sum(not t["ok"] for t in report["transcripts"])
    summary = ""
    if baseline is not None:
        cmp = compare(baseline, report)
        summary = (f"<p>{len(cmp.fixed)} fixed, {len(cmp.broken)} broken, "
                   f"{len(cmp.changed)} still failing differently</p>")
    inputs = report.get("inputs") or {}
    meta = " · ".join(f"{_e(k)}: {_e(v)}" for k, v in inputs.items()
                      if v is not None and not k.endswith("sha256"))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{_e(title)}</h1><p class=\"muted\">{meta}</p>"
            f"<h2>Metrics</h2>{_metrics_table(runs)}{summary}"
            f'<h2>Breakdown</h2><div class="charts">{charts}</div>'
            f"<h2>Failing conversations ({failing})</h2>{_failures(runs)}"
            f"<script>{RESIZE}</script></body></html>")


def write_html(path: str | Path, report: dict[str, Any], *, title: str,
               baseline: dict[str, Any] | None = None, baseline_name: str = "before") -> None:
    """Write `render_html` to `path` (UTF-8)."""
    Path(path).write_text(render_html(report, title=title, baseline=baseline,
                                      baseline_name=baseline_name), encoding="utf-8")



"""The replay's HTML report, opened in headless Chromium: charts drawn, nothing fetched."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from core.distributor_file import read_distributor_file
from db.crypto import Keyring
from evaluation.replay import replay
from evaluation.report_html import write_html
from evaluation.transcripts import read_transcripts
from orderagent.bootstrap import DEMO_FILE
from tests.conftest import TEST_MASTER_KEY

DEV = Path(__file__).resolve().parents[2] / "bench" / "transcripts" / "dev.jsonl"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


async def _open(path: Path, shot: Path) -> dict:
    """Load the page in headless Chromium; what it drew, what it asked the network for."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        await page.goto(path.as_uri())
        await page.wait_for_selector(".js-plotly-plot .main-svg")
        seen = {
            "plots": await page.locator(".js-plotly-plot").count(),
            "bars": await page.locator(".js-plotly-plot g.point").count(),
            "conversations": await page.locator(".conv").count(),
            "side_by_side": await page.locator(".conv .runs").count(),
            "text": await page.inner_text("body"),
            "outside": [u for u in requests if not u.startswith("file:")],
            "errors": errors,
        }
        await page.screenshot(path=str(shot), full_page=True)
        await browser.close()
    return seen


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (apt-get install "
                                             "chromium; .ci/run installs it)")
async def test_the_dev_set_report_renders_its_charts_offline(database, tmp_path) -> None:
    """The dev set's report: four charts drawn from inlined plotly.js, no request leaves
    the file, every failing conversation shown; with a baseline, both runs side by side."""
    report = await replay(database, read_transcripts(DEV), read_distributor_file(DEMO_FILE),
                          keyring=Keyring(TEST_MASTER_KEY.encode()))
    page = tmp_path / "dev.html"
    write_html(page, report, title="replay dev.jsonl")
    seen = await _open(page, tmp_path / "dev.png")
    print(f"screenshot: {tmp_path / 'dev.png'}")
    failing = [t for t in report["transcripts"] if not t["ok"]]
    assert seen["outside"] == [] and seen["errors"] == []
    assert seen["plots"] == 4  # channel, language, outcome, confidence
    assert seen["bars"] > 8
    assert seen["conversations"] == len(failing)
    for t in failing:
        assert t["id"] in seen["text"]
    assert f"Failing conversations ({len(failing)})" in seen["text"]
    assert "order_exact_match" in seen["text"]

    # a baseline where the first passing transcript failed: "1 fixed", shown side by side
    baseline = copy.deepcopy(report)
    flipped = next(t for t in baseline["transcripts"] if t["ok"])
    flipped.update(ok=False, outcome="NONE", items=[], diff="CONFIRMED→NONE")
    baseline["metrics"]["order_exact_match"] -= 1 / len(baseline["transcripts"])
    write_html(page, report, title="replay dev.jsonl", baseline=baseline,
               baseline_name="baseline.json")
    seen = await _open(page, tmp_path / "compare.png")
    assert seen["outside"] == [] and seen["errors"] == []
    assert "1 fixed, 0 broken" in seen["text"]
    assert seen["side_by_side"] == len(failing) + 1
    assert flipped["id"] in seen["text"]

"""CI floor: the deterministic path on bench/transcripts/dev.jsonl must not get worse.

The floors sit just under the figures reached at commit ce5cb27 (item_f1 0.990,
order_exact_match 0.953-0.965, outcome_accuracy 1.0 on 86 transcripts; the range is
d-057, which flips run to run with the agent's tie-break between two bagel lines). To
raise a floor after an
improvement: run `orderagent replay bench/transcripts/dev.jsonl --catalog
orderagent/demo/demo.json` a few times, take the lowest figure, and set the floor a
little under it (one transcript of 86 is 0.0116 of order_exact_match).
"""

from __future__ import annotations

from pathlib import Path

from core.distributor_file import read_distributor_file
from db.crypto import Keyring
from evaluation.replay import replay
from evaluation.transcripts import read_transcripts
from orderagent.bootstrap import DEMO_FILE
from tests.conftest import TEST_MASTER_KEY

DEV = Path(__file__).resolve().parents[2] / "bench" / "transcripts" / "dev.jsonl"
ITEM_F1_FLOOR = 0.995
ORDER_EXACT_MATCH_FLOOR = 0.98
OUTCOME_ACCURACY_FLOOR = 1.0


async def test_dev_set_stays_above_the_floors(database) -> None:
    """Replaying the dev set in-process keeps item F1, exact orders and outcomes up."""
    report = await replay(database, read_transcripts(DEV), read_distributor_file(DEMO_FILE),
                          keyring=Keyring(TEST_MASTER_KEY.encode()))
    m = report["metrics"]
    failing = {t["id"]: t["diff"] or t["error"] for t in report["transcripts"] if not t["ok"]}
    assert not any(t["error"] for t in report["transcripts"]), failing
    assert m["item_f1"] >= ITEM_F1_FLOOR, (m, failing)
    assert m["order_exact_match"] >= ORDER_EXACT_MATCH_FLOOR, (m, failing)
    assert m["outcome_accuracy"] >= OUTCOME_ACCURACY_FLOOR, (m, failing)

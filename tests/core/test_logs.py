"""Logging never holds up the caller: a stalled log stream costs lines, not the service."""

from __future__ import annotations

import io
import json
import logging
import threading
import time

from core import logs


class _StalledStream(io.StringIO):
    """A log stream nobody reads (a full pipe): every write waits until released."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def write(self, text: str) -> int:
        self.release.wait()
        return super().write(text)


def test_a_stalled_log_stream_neither_blocks_the_caller_nor_loses_the_count(monkeypatch) -> None:
    monkeypatch.setattr(logs, "QUEUE_RECORDS", 50)
    root = logging.getLogger()
    before = root.handlers[:], root.level
    stream = _StalledStream()
    logs.setup_logging("INFO", "json", stream=stream)
    try:
        log = logging.getLogger("orderagent.test")
        started = time.monotonic()
        for n in range(500):
            log.info("line %d", n)
        assert time.monotonic() - started < 2.0  # a blocking write would never return
        stream.release.set()
        deadline = time.monotonic() + 5
        while not logs._listener.queue.empty() and time.monotonic() < deadline:
            time.sleep(0.01)  # the writer catches up once the stream moves
        log.info("after")
        logs._flush_logs()
        lines = [json.loads(line) for line in stream.getvalue().splitlines()]
        messages = [line["message"] for line in lines]
        assert messages[0] == "line 0"  # the first ones queued are written, in order
        assert any("log record(s) dropped" in m for m in messages)
        assert messages[-1] == "after"
    finally:
        stream.release.set()
        logs._flush_logs()
        root.handlers[:], _ = before
        root.setLevel(before[1])

"""Heartbeats of this process's background loops, for `/readyz`.

Each loop (message worker, sender, webhook deliverer) calls `beat(name)` every time it
goes round; it goes round at least every second or two when idle. A loop that stopped
deliberately (its task is done) is forgotten; one whose task still runs but has not
beaten for `stale_after` seconds is stuck, and the process is not ready.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass

from core.metrics import HEARTBEATS

STALE_AFTER_S = 120.0  # longer than the slowest turn (several model calls) we expect
_beats: dict[int, tuple[str, weakref.ref[asyncio.Task], float]] = {}


def beat(name: str) -> None:
    """Record that the loop running in the current task went round just now."""
    task = asyncio.current_task()
    if task is None:
        return
    now = time.monotonic()
    _beats[id(task)] = (name, weakref.ref(task), now)
    HEARTBEATS.labels(name).set(time.time())


@dataclass(frozen=True, slots=True)
class LoopHealth:
    """The running loops and those that stopped beating (name, seconds since)."""

    running: int
    stale: list[tuple[str, float]]


def loops(stale_after_s: float | None = None) -> LoopHealth:
    """The live loops of this process and which of them are stale."""
    stale_after_s = STALE_AFTER_S if stale_after_s is None else stale_after_s
    now = time.monotonic()
    running, stale = 0, []
    for key, (name, ref, at) in list(_beats.items()):
        task = ref()
        if task is None or task.done():
            del _beats[key]
            continue
        running += 1
        if now - at > stale_after_s:
            stale.append((name, round(now - at, 1)))
    return LoopHealth(running, sorted(stale))

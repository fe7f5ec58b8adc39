"""Where a weak guess becomes "not found" is the matcher model's own floor, not a number of
the agent's: a refit of the model moves its low range, and the floor moves with it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from matching.confidence import MODEL_ENV, current_model
from tests.agent import talk

LINE = "3 cs smoked mozzarela pearls"  # the demo sells mozzarella, neither smoked nor pearls


@pytest.fixture
def shipped_with_floor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path
                       ) -> Iterator[Callable[[float], None]]:
    """Have the matcher read the shipped model with another floor (the shipped one after)."""
    current_model.cache_clear()
    shipped = current_model()
    path = tmp_path / "model.json"

    def use(floor: float) -> None:
        path.write_text(replace(shipped, not_found_below=floor).to_json())
        monkeypatch.setenv(MODEL_ENV, str(path))
        current_model.cache_clear()

    yield use
    monkeypatch.delenv(MODEL_ENV, raising=False)
    current_model.cache_clear()


def _asked(reply: str) -> str:
    return next(line for line in reply.splitlines() if "pearls" in line)


async def test_a_guess_under_the_models_floor_is_not_found(database, demo) -> None:
    """The shipped model: the look-alike is not taken, it is offered by name."""
    current_model.cache_clear()
    reply = await talk.chat(database, demo, LINE, sender="+13055550301")
    assert "did you mean" in _asked(reply) and "Mozzarella" in _asked(reply)
    assert "Total" not in reply


async def test_a_model_with_a_lower_floor_shows_the_guess_to_be_checked(
    database, demo, shipped_with_floor: Callable[[float], None]
) -> None:
    """The same weights with no floor: the guess is on the order, marked to be checked."""
    shipped_with_floor(0.0)
    reply = await talk.chat(database, demo, LINE, sender="+13055550302")
    assert "please check" in _asked(reply) and "Mozzarella" in _asked(reply)
    assert "did you mean" not in _asked(reply)

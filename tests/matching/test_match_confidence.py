"""The confidence model is a data file; ORDERAGENT_MATCH_MODEL selects another one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from matching.confidence import MODEL_ENV, NOT_FOUND_BELOW, current_model, read_model
from matching.index import CatalogIndex
from matching.resolve import FEATURES, match_line


@pytest.fixture
def fresh_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The model is read again before and after the test (it is cached per process)."""
    current_model.cache_clear()
    yield monkeypatch
    monkeypatch.delenv(MODEL_ENV, raising=False)
    current_model.cache_clear()


def test_the_shipped_model_covers_every_feature() -> None:
    """The shipped file names exactly the features the matcher computes."""
    current_model.cache_clear()
    assert current_model().features == FEATURES


def test_another_model_file_is_used_when_named(
    fresh_model: pytest.MonkeyPatch, erp_index: CatalogIndex, tmp_path: Path
) -> None:
    """A model that is never sure makes every line go to review."""
    sure = match_line(erp_index, "2 cs boneless skinless chicken breast")
    assert not sure.needs_review
    never = {"features": list(FEATURES), "weights": [0.0] * len(FEATURES), "bias": -20.0}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(never))
    fresh_model.setenv(MODEL_ENV, str(path))
    current_model.cache_clear()
    unsure = match_line(erp_index, "2 cs boneless skinless chicken breast")
    assert unsure.item is not None and unsure.item.sku == sure.item.sku
    assert unsure.needs_review and unsure.confidence < 0.01


def test_the_guess_floor_comes_with_the_model_file() -> None:
    """The floor the agent uses is written with the weights; an older file gets the default."""
    current_model.cache_clear()
    shipped = current_model()
    assert 0.0 < shipped.not_found_below < 0.8
    assert read_model(shipped.to_json()) == shipped
    older = {"features": list(FEATURES), "weights": [0.0] * len(FEATURES), "bias": 0.0}
    assert read_model(json.dumps(older)).not_found_below == NOT_FOUND_BELOW

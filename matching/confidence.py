"""The matcher's confidence: a logistic model over catalog-independent features.

The features mean the same on any catalog (score margins, the share of the customer's
words the item covers, whether the asked size and unit agree, whether the lexicon had to
translate), so one model serves every distributor. `bench/match_calibrate.py` fits it
across all distributors' labelled queries and writes `data/match_model.json`.
`ORDERAGENT_MATCH_MODEL` names another model file (leave-one-distributor-out runs,
`bench/loo.py`); it is read here and nowhere else, once per process.

The file also holds the model's own low-range floor, `not_found_below`: the confidence
under which a guess was almost never right when it was fitted. The agent reads it instead
of a number of its own, because a refit moves the low range (where a logistic model is
least tied down) much more than the range around the threshold.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

MODEL_ENV = "ORDERAGENT_MATCH_MODEL"
NOT_FOUND_BELOW = 0.05  # the floor of a model file that names none


@dataclass(frozen=True, slots=True)
class Model:
    """Logistic weights by feature name, the bias, and the guess floor (see the module)."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    not_found_below: float = NOT_FOUND_BELOW

    def probability(self, values: Mapping[str, float]) -> float:
        """The probability that a candidate with these feature values is right."""
        z = self.bias + sum(w * values[f] for f, w in zip(self.features, self.weights, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        """The model as the JSON a model file holds."""
        return json.dumps(
            {"features": list(self.features), "weights": [round(w, 4) for w in self.weights],
             "bias": round(self.bias, 4), "not_found_below": round(self.not_found_below, 4)},
            indent=1)  # fmt: skip


def read_model(text: str) -> Model:
    """A model from its JSON text."""
    raw = json.loads(text)
    floor = float(raw.get("not_found_below", NOT_FOUND_BELOW))
    return Model(tuple(raw["features"]), tuple(float(w) for w in raw["weights"]),
                 float(raw["bias"]), floor)  # fmt: skip


@cache
def current_model() -> Model:
    """The model in use: the file named by ORDERAGENT_MATCH_MODEL, else the shipped one."""
    path = os.environ.get(MODEL_ENV)
    if path:
        return read_model(Path(path).read_text(encoding="utf-8"))
    shipped = resources.files("matching").joinpath("data", "match_model.json")
    return read_model(shipped.read_text(encoding="utf-8"))

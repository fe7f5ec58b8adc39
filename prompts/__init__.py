"""Versioned prompt and reply templates, kept as files: `prompts/<name>/v<N>.txt`.

A template is `str.format` text. `load(name)` takes the newest version unless one is
pinned; `render()` refuses missing or unexpected variables, so a template and the code
that fills it cannot drift apart silently. The version lands in `ai_responses.prompt_version`.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).parent


class PromptError(LookupError):
    """A template that does not exist, or variables that do not fit it."""


@dataclass(frozen=True, slots=True)
class Prompt:
    """One template file: its name, version and text."""

    name: str
    version: str
    text: str

    @property
    def variables(self) -> frozenset[str]:
        """The names the template expects."""
        return frozenset(
            field.split(".")[0].split("[")[0]
            for _, field, _, _ in string.Formatter().parse(self.text)
            if field
        )

    @property
    def id(self) -> str:
        """`name@version`, as stored with every AI response."""
        return f"{self.name}@{self.version}"

    def render(self, **values: object) -> str:
        """Fill the template; every variable must be given and no other."""
        missing = self.variables - values.keys()
        extra = values.keys() - self.variables
        if missing or extra:
            raise PromptError(
                f"{self.id}: missing {sorted(missing)}, unexpected {sorted(extra)}"
            )
        return self.text.format(**values)


def _version_key(path: Path) -> int:
    return int(path.stem[1:]) if path.stem[1:].isdigit() else -1


def versions(name: str) -> list[str]:
    """The versions of a template, oldest first."""
    folder = ROOT / name
    files = sorted(folder.glob("v*.txt"), key=_version_key) if folder.is_dir() else []
    return [f.stem for f in files if _version_key(f) >= 0]


@cache
def load(name: str, version: str | None = None) -> Prompt:
    """The template `name` at `version` (default: the newest)."""
    available = versions(name)
    if not available:
        raise PromptError(f"no prompt named {name!r}")
    chosen = version or available[-1]
    if chosen not in available:
        raise PromptError(f"prompt {name!r} has no version {chosen!r} (has {available})")
    text = (ROOT / name / f"{chosen}.txt").read_text(encoding="utf-8")
    return Prompt(name=name, version=chosen, text=text)


def names() -> list[str]:
    """Every template name."""
    return sorted(p.name for p in ROOT.iterdir() if p.is_dir() and versions(p.name))

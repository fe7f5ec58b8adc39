"""Reply templates and the code that fills them cannot drift apart."""

from __future__ import annotations

import prompts
from agent import replies


def test_every_reply_template_asks_for_what_the_code_passes() -> None:
    """The newest version of each reply_<kind>_<lang> has exactly VARIABLES[kind]."""
    names = [n for n in prompts.names() if n.startswith("reply_")]
    kinds = {n.removeprefix("reply_").rsplit("_", 1)[0] for n in names}
    assert kinds == set(replies.VARIABLES)
    for name in names:
        kind = name.removeprefix("reply_").rsplit("_", 1)[0]
        assert prompts.load(name).variables == replies.VARIABLES[kind], name


def test_each_reply_exists_in_english_and_spanish() -> None:
    """A customer writing Spanish is never answered by a missing template."""
    for kind in replies.VARIABLES:
        for lang in ("en", "es"):
            assert prompts.versions(f"reply_{kind}_{lang}"), (kind, lang)

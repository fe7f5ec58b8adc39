"""The channel-neutral helpers in channels.base."""

from __future__ import annotations

import pytest

from channels.base import header, message_type_for
from core.messages import status_advances


@pytest.mark.parametrize(("current", "new", "applies"), [
    (None, "SENT", True), ("QUEUED", "SENT", True), ("QUEUED", "FAILED", True),
    ("SENT", "DELIVERED", True), ("DELIVERED", "READ", True),
    ("SENT", "READ", True),            # Meta may skip "delivered"
    ("READ", "DELIVERED", False),      # callbacks arrive out of order
    ("DELIVERED", "SENT", False), ("READ", "READ", False),
    ("SENT", "FAILED", True), ("DELIVERED", "FAILED", False),
    ("FAILED", "DELIVERED", False),
])
def test_statuses_only_move_forward(current: str | None, new: str, applies: bool) -> None:
    """A late or repeated status never moves a message backwards."""
    assert status_advances(current, new) is applies


def test_message_type_for_media() -> None:
    """Images and audio are named; anything else is a file."""
    assert [message_type_for(t) for t in ("image/jpeg", "AUDIO/ogg", "video/mp4",
                                          "application/pdf", "")] == [
        "IMAGE", "AUDIO", "FILE", "FILE", "FILE"]


def test_header_lookup_ignores_case() -> None:
    """Headers are found whatever their case in a plain dict."""
    assert header({"x-hub-signature-256": "sha256=ab"}, "X-Hub-Signature-256") == "sha256=ab"
    assert header({}, "X-Twilio-Signature") is None

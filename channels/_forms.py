"""Form bodies (urlencoded and multipart/form-data) and the shared-secret check.

Parsing works on the raw body the route already read, so the adapters stay pure
functions of (headers, body) and never touch an aiohttp request.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from channels.base import ChannelNotConfigured, MalformedWebhook, header

_MAX_FIELDS = 1000


@dataclass(frozen=True, slots=True)
class FormPart:
    """One form field, or one uploaded file when `filename` is set."""

    name: str
    value: bytes
    filename: str | None = None
    content_type: str | None = None
    charset: str | None = None


class Form:
    """Form fields by name; text is decoded with the field's declared charset."""

    def __init__(self, parts: list[FormPart], charsets: Mapping[str, str] | None = None):
        self.parts = parts
        self._by_name = {p.name: p for p in reversed(parts)}  # first value wins
        self.charsets = dict(charsets or {})

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    def part(self, name: str) -> FormPart | None:
        """The first part with this name."""
        return self._by_name.get(name)

    def text(self, name: str) -> str | None:
        """A field's text, decoded with its declared charset (UTF-8 when none or unknown)."""
        part = self._by_name.get(name)
        if part is None:
            return None
        charset = self.charsets.get(name) or part.charset or "utf-8"
        try:
            return part.value.decode(charset, "replace")
        except LookupError:
            return part.value.decode("utf-8", "replace")

    def json(self, name: str) -> Any:
        """A field holding JSON, or None when missing or not JSON."""
        raw = self.text(name)
        try:
            return json.loads(raw) if raw else None
        except (ValueError, RecursionError):
            return None


def _multipart(content_type: str, body: bytes) -> list[FormPart]:
    # a multipart/form-data body is MIME: the stdlib parser splits it once told the boundary
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    msg = BytesParser(policy=compat32).parsebytes(head + body)
    if not msg.is_multipart():
        raise MalformedWebhook("multipart body without parts")
    parts: list[FormPart] = []
    for part in msg.get_payload():
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, tuple):  # RFC 2231 encoded
            name = str(name[2])
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        parts.append(FormPart(
            name=name, value=payload if isinstance(payload, bytes) else b"",
            filename=part.get_filename(), content_type=part.get_content_type(),
            charset=part.get_content_charset(),
        ))
        if len(parts) > _MAX_FIELDS:
            raise MalformedWebhook("too many form fields")
    return parts


def parse_form(headers: Mapping[str, str], body: bytes) -> Form:
    """An urlencoded or multipart/form-data body; anything else is malformed."""
    content_type = header(headers, "Content-Type") or ""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "multipart/form-data":
        if "boundary=" not in content_type.lower() or "\n" in content_type:
            raise MalformedWebhook("multipart without a boundary")
        try:
            return Form(_multipart(content_type, body))
        except (UnicodeError, ValueError, IndexError, TypeError, AttributeError) as exc:
            raise MalformedWebhook("unreadable multipart body") from exc
    if kind in ("application/x-www-form-urlencoded", ""):
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                              errors="strict", max_num_fields=_MAX_FIELDS)
        except (UnicodeDecodeError, ValueError) as exc:
            raise MalformedWebhook("body is not a UTF-8 form") from exc
        return Form([FormPart(name=k, value=v.encode("utf-8")) for k, v in pairs])
    raise MalformedWebhook(f"unexpected content type {kind[:60]!r}")


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def secret_present(headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
    """A shared secret comes as basic auth or `?token=`: without either, refuse before
    parsing anything (SendGrid, Postmark)."""
    return bool(header(headers, "Authorization") or query.get("token"))


def shared_secret_ok(*, url: str, headers: Mapping[str, str],
                     credentials: Mapping[str, str], provider: str) -> bool:
    """True when basic auth (password) or `?token=` carries the integration's secret."""
    secret = credentials.get("webhook_secret")
    if not secret:
        raise ChannelNotConfigured(f"{provider} integration has no webhook_secret")
    username = credentials.get("webhook_username")
    auth = header(headers, "Authorization") or ""
    if auth[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            decoded = None
        if decoded is not None:
            user, _, password = decoded.partition(":")
            # both compared, always, so timing does not tell which one was wrong
            user_ok = _same(user, username) if username else True
            if _same(password, secret) and user_ok:
                return True
    tokens = parse_qs(urlsplit(url).query).get("token", [])
    return len(tokens) == 1 and _same(tokens[0], secret)

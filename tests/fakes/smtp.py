"""A local SMTP server (aiosmtpd) capturing what it receives, for outbound email tests.

Use as a context manager: `with FakeSMTPServer() as smtp: ... smtp.port ... smtp.messages`.
`data_replies` queues answers to DATA ("451 4.3.0 Try again later", "550 ..."),
`data_delay_s` holds the DATA answer back (a client timeout after sending), and
`username`/`password` turn on AUTH (allowed without TLS, for the test only).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class CapturedMail:
    """One accepted message: the envelope and the parsed email."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes
    login: str | None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeSMTPServer:
    """An SMTP server on 127.0.0.1 recording every message it accepts."""

    def __init__(self, *, username: str | None = None, password: str | None = None) -> None:
        self.username, self.password = username, password
        self.messages: list[CapturedMail] = []
        self.data_replies: list[str] = []
        self.data_delay_s = 0.0
        self.host = "127.0.0.1"
        self.port = _free_port()
        self._lock = threading.Lock()
        kwargs: dict[str, Any] = {}
        if username is not None:
            kwargs = {"authenticator": self._authenticate, "auth_required": True,
                      "auth_require_tls": False}
        self._controller = Controller(self, hostname=self.host, port=self.port, **kwargs)

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode() == self.username
            and auth_data.password.decode() == self.password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """aiosmtpd hook: capture the message (or answer as scripted)."""
        if self.data_delay_s:
            await asyncio.sleep(self.data_delay_s)
        with self._lock:
            if self.data_replies:
                return self.data_replies.pop(0)
            raw = bytes(envelope.content)
            message = BytesParser(policy=default_policy).parsebytes(raw)
            login = session.auth_data.login.decode() if isinstance(
                session.auth_data, LoginPassword) else None
            self.messages.append(CapturedMail(envelope.mail_from, list(envelope.rcpt_tos),
                                              message, raw, login))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def start(self) -> FakeSMTPServer:
        """Start serving in a background thread."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._controller.stop()

    def __enter__(self) -> FakeSMTPServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

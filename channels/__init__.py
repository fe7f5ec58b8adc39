"""Customer channels: one adapter per provider behind `ChannelAdapter`, found by name.

Where new code goes: a provider is one module satisfying `ChannelAdapter` (`base.py`),
registered below; the generic webhook route and the sender never branch on a provider.

Public surface:
    get_adapter(name)      the adapter for an integration's `provider`
    registry()             every registered adapter, by name
    register(adapter)      add one (tests, new providers); a second one by a name is refused
"""

from __future__ import annotations

from channels.base import ChannelAdapter
from channels.mailgun import MailgunAdapter
from channels.meta import MetaWhatsAppAdapter
from channels.postmark import PostmarkAdapter
from channels.sendgrid import SendGridAdapter
from channels.smtp import SmtpAdapter
from channels.twilio import TwilioAdapter
from core.errors import NotFound

__all__ = ["get_adapter", "register", "registry"]

_REGISTRY: dict[str, ChannelAdapter] = {}


def _add(target: dict[str, ChannelAdapter], adapter: ChannelAdapter) -> None:
    if adapter.name in target:
        raise ValueError(f"a channel adapter named {adapter.name!r} is already registered")
    target[adapter.name] = adapter


def _filled() -> dict[str, ChannelAdapter]:
    # filled on first use, not at import: importing the package does no work
    if not _REGISTRY:
        for adapter in (TwilioAdapter(), MetaWhatsAppAdapter(), SendGridAdapter(),
                        MailgunAdapter(), PostmarkAdapter(), SmtpAdapter()):
            _add(_REGISTRY, adapter)
    return _REGISTRY


def register(adapter: ChannelAdapter) -> None:
    """Add an adapter under its `name`; a duplicate name is a programming error."""
    _add(_filled(), adapter)


def registry() -> dict[str, ChannelAdapter]:
    """A copy of the registry: name -> adapter."""
    return dict(_filled())


def get_adapter(name: str) -> ChannelAdapter:
    """The adapter for a provider name (`twilio`, `meta_whatsapp`, `sendgrid`, ...)."""
    adapter = _filled().get(name)
    if adapter is None:
        raise NotFound(f"no channel provider named {name[:40]!r}")
    return adapter

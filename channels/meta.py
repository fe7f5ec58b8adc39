"""Meta WhatsApp Cloud API: the GET handshake, signed event POSTs, and Graph API sends.

Event bodies are signed with `X-Hub-Signature-256: sha256=<hex HMAC of the raw bytes>`
keyed with the app secret (channels.md §2.5): the check must run on the raw body, since
re-serialised JSON differs for non-ASCII text. One POST may carry many entries, changes,
messages and statuses; kinds we do not handle are skipped, never an error, because any
non-200 makes Meta redeliver the whole batch for days.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from channels import _http
from channels._meta_parse import parse_event
from channels.base import (
    Acknowledgement,
    ChannelNotConfigured,
    ParsedWebhook,
    SendRefused,
    Thread,
    header,
    within_customer_window,
)
from core.messages import Channel, OutboundMessage, SendResult

log = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v25.0"
SIGNATURE_HEADER = "X-Hub-Signature-256"
_CHALLENGE = re.compile(r"[\w.-]{1,256}")
# throttling (4, 80007, 130429, 131048, 131056) and temporary server errors (1, 2, 131000,
# 133004) clear with time; 131047 (re-engagement: outside the 24 h window) never does
RETRYABLE_ERROR_CODES = frozenset(
    {"1", "2", "4", "80007", "130429", "131000", "131048", "131056", "133004"}
)


def verify_handshake(params: Mapping[str, str], verify_token: str | None) -> str | None:
    """The `hub.challenge` to echo when the subscription handshake is ours, else None."""
    if not verify_token:
        raise ChannelNotConfigured("meta_whatsapp integration has no verify_token")
    token = params.get("hub.verify_token") or ""
    challenge = params.get("hub.challenge") or ""
    if params.get("hub.mode") != "subscribe" or not _CHALLENGE.fullmatch(challenge):
        return None
    if not hmac.compare_digest(token.encode(), verify_token.encode()):
        return None
    return challenge


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class MetaWhatsAppAdapter:
    """Meta WhatsApp Cloud API."""

    name = "meta_whatsapp"
    inbound = True
    batched = True  # one POST may carry several phone numbers' events
    sends_on = frozenset({Channel.WHATSAPP})
    preference = 0
    opt_out_codes: frozenset[str] = frozenset()
    acknowledgement = Acknowledgement()
    refusal_status = 403

    def carries_signature(self, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
        """Meta signs every POST with X-Hub-Signature-256."""
        return bool(header(headers, SIGNATURE_HEADER))

    def can_send(self, config: Mapping[str, Any]) -> bool:
        """Any active Meta integration can send (it is checked for its number at send time)."""
        return True

    def prepare(self, message: OutboundMessage, *, config: Mapping[str, Any],
                thread: Thread) -> tuple[OutboundMessage, Mapping[str, Any]]:
        """Outside the 24 h window only the integration's re-engagement template may go."""
        if not within_customer_window(thread.last_customer_message_at, thread.now):
            template = config.get("reengagement_template")
            if not isinstance(template, dict) or not template:
                raise SendRefused("outside 24h window")
            message = replace(message, metadata={**message.metadata, "template": template})
        return message, config

    def verify(self, *, url: str, headers: Mapping[str, str], body: bytes,
               credentials: Mapping[str, str]) -> bool:
        """Check X-Hub-Signature-256 over the raw body with the app secret."""
        app_secret = credentials.get("app_secret")
        if not app_secret:
            raise ChannelNotConfigured("meta_whatsapp integration has no app_secret")
        given = (header(headers, SIGNATURE_HEADER) or "").strip()
        scheme, _, digest = given.partition("=")
        if scheme != "sha256" or not digest:
            return False
        expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), digest.lower().encode("utf-8", "replace"))

    def parse(self, *, headers: Mapping[str, str], body: bytes,
              query: Mapping[str, str] | None = None) -> ParsedWebhook:
        """Every message and status in every entry and change of one POST."""
        return parse_event(self.name, body)

    def request_body(self, message: OutboundMessage) -> dict[str, Any]:
        """The Graph API JSON for a message: a template when `metadata["template"]` is set."""
        payload: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            # with the '+', Meta does not prepend the business number's country code
            "to": message.recipient if message.recipient.startswith("+")
            else f"+{message.recipient}",
        }
        template = message.metadata.get("template")
        if template:
            language = template.get("language", "en_US")
            payload["type"] = "template"
            payload["template"] = {
                "name": template["name"],
                "language": language if isinstance(language, Mapping) else {"code": language},
                "components": list(template.get("components", [])),
            }
        else:
            payload["type"] = "text"
            payload["text"] = {"preview_url": False, "body": message.text}
            reply_to = message.metadata.get("reply_to_external_id")
            if reply_to:  # contextual replies do not work for templates (channels.md §2.7)
                payload["context"] = {"message_id": str(reply_to)}
        if message.message_id:
            # echoed back on every status webhook: our id beside Meta's wamid
            payload["biz_opaque_callback_data"] = str(message.message_id)[:512]
        return payload

    async def send(self, message: OutboundMessage, *, config: Mapping[str, Any],
                   credentials: Mapping[str, str]) -> SendResult:
        """POST /{version}/{phone_number_id}/messages with the bearer access token."""
        phone_number_id = config.get("phone_number_id")
        access_token = credentials.get("access_token")
        if not phone_number_id or not access_token:
            raise ChannelNotConfigured("meta_whatsapp needs phone_number_id and access_token")
        template = message.metadata.get("template")
        if template is not None and not (
            isinstance(template, Mapping) and isinstance(template.get("name"), str)
        ):
            return SendResult(ok=False, error="template needs a name")
        base = str(config.get("api_base_url") or DEFAULT_API_BASE_URL).rstrip("/")
        version = str(config.get("api_version") or DEFAULT_API_VERSION)
        reply = await _http.post(
            f"{base}/{version}/{phone_number_id}/messages",
            data=json.dumps(self.request_body(message), default=_json_default).encode(),
            headers={"Authorization": f"Bearer {access_token}",
                     "Content-Type": "application/json"},
            client_timeout=_http.timeout_from(config),
        )
        return self._result(reply)

    @staticmethod
    def _result(reply: _http.HttpReply | _http.HttpFailure) -> SendResult:
        if isinstance(reply, _http.HttpFailure):
            return SendResult(ok=False, retryable=reply.retryable, ambiguous=reply.ambiguous,
                              error=reply.error)
        body = reply.body if isinstance(reply.body, dict) else {}
        messages = body.get("messages")
        if 200 <= reply.status < 300 and isinstance(messages, list) and messages \
                and isinstance(messages[0], dict) and messages[0].get("id"):
            return SendResult(ok=True, external_id=str(messages[0]["id"]),
                              status_code=reply.status)
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        code = str(error["code"]) if error.get("code") is not None else None
        # a 2xx without a message id, or a gateway timeout, may still have sent it
        ambiguous = 200 <= reply.status < 300 or reply.status in _http.AMBIGUOUS_STATUSES
        retryable = not ambiguous and (
            reply.status in _http.RETRYABLE_STATUSES or code in RETRYABLE_ERROR_CODES
        )
        log.warning("graph send failed: http %s code %s", reply.status, code)
        return SendResult(
            ok=False, retryable=retryable, ambiguous=ambiguous, status_code=reply.status,
            error_code=code, error=str(error.get("message") or f"HTTP {reply.status}")[:300],
            retry_after_s=reply.retry_after_s,
        )

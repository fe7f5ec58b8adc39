"""Twilio Programmable Messaging: SMS and WhatsApp in (webhooks) and out (REST API).

Inbound webhooks and status callbacks are form-encoded and signed with `X-Twilio-Signature`
over the public URL plus the parameters (channels.md §1.7), checked with twilio-python's
own `RequestValidator`. Replies go out through the Messages REST endpoint with aiohttp,
never the blocking twilio client.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from multidict import MultiDict
from twilio.request_validator import (
    HMAC_SHA1,
    HMAC_SHA256,
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from channels import _http
from channels.base import (
    Acknowledgement,
    ChannelNotConfigured,
    MalformedWebhook,
    ParsedWebhook,
    SendRefused,
    Thread,
    header,
    message_type_for,
    within_customer_window,
)
from core.messages import (
    Attachment,
    Channel,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
    SendResult,
    StatusUpdate,
)

log = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.twilio.com"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'  # "stored, no reply now"
_MAX_FIELDS = 500
_MAX_MEDIA = 50  # Twilio sends at most 10 (MMS); far more is not Twilio's shape

# channels.md §4: Twilio's default single-word, case-insensitive keywords
OPT_OUT_KEYWORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})

_STATUS_MAP = {
    "queued": OutboundStatus.SENT,
    "sending": OutboundStatus.SENT,
    "sent": OutboundStatus.SENT,
    "delivered": OutboundStatus.DELIVERED,
    "read": OutboundStatus.READ,
    "undelivered": OutboundStatus.FAILED,
    "failed": OutboundStatus.FAILED,
    "canceled": OutboundStatus.FAILED,
}
# accepted/scheduled precede any sending, received/receiving describe inbound messages
_INBOUND_STATUSES = frozenset({"received", "receiving"})
# 20429 is Twilio's own "too many requests"
_RETRYABLE_ERROR_CODES = frozenset({"20429"})


def consent_keyword(body: str) -> str | None:
    """STOP, START or HELP when the whole message is one of Twilio's standard keywords."""
    word = body.strip().upper()
    if word in OPT_OUT_KEYWORDS:
        return "STOP"
    if word in OPT_IN_KEYWORDS:
        return "START"
    if word in HELP_KEYWORDS:
        return "HELP"
    return None


def _form(body: bytes) -> MultiDict[str]:
    """Form parameters, repeated keys and blank values kept (both are signed)."""
    return MultiDict(_pairs(body))


@lru_cache(maxsize=64)
def _pairs(body: bytes) -> tuple[tuple[str, str], ...]:
    # cached: verify and parse read the same body, one right after the other
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, errors="strict",
            max_num_fields=_MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedWebhook("body is not a UTF-8 form") from exc
    return tuple(pairs)


def _address(value: str) -> tuple[Channel, str]:
    """The channel and the bare E.164 number of a Twilio address (`whatsapp:+1555...`)."""
    value = value.strip()
    prefix, sep, rest = value.partition(":")
    if not sep:
        return Channel.SMS, value
    if prefix.lower() == "whatsapp" and rest:
        return Channel.WHATSAPP, rest.strip()
    raise MalformedWebhook(f"unsupported Twilio channel {prefix[:20]!r}")


def _template(template: Any) -> dict[str, Any] | None:
    """A Content API template (`content_sid`) from the integration's config, if it names one."""
    if isinstance(template, str) and template:
        return {"content_sid": template}
    if isinstance(template, dict) and template.get("content_sid"):
        return {"content_sid": template["content_sid"],
                "content_variables": template.get("content_variables")}
    return None


class TwilioAdapter:
    """Twilio Messaging: SMS and WhatsApp."""

    name = "twilio"
    inbound = True
    batched = False
    sends_on = frozenset({Channel.SMS, Channel.WHATSAPP})
    preference = 1  # WhatsApp through Meta's own API first, when the distributor has it
    opt_out_codes = frozenset({"21610"})  # the recipient replied STOP earlier
    acknowledgement = Acknowledgement(EMPTY_TWIML, "text/xml")
    refusal_status = 403

    def carries_signature(self, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
        """Twilio signs every request with X-Twilio-Signature."""
        return bool(header(headers, SIGNATURE_HEADER))

    def verify(self, *, url: str, headers: Mapping[str, str], body: bytes,
               credentials: Mapping[str, str]) -> bool:
        """Check X-Twilio-Signature; `url` is the public URL exactly as Twilio called it."""
        auth_token = credentials.get("auth_token")
        shared_key = credentials.get("webhook_shared_key")
        if not auth_token and not shared_key:
            raise ChannelNotConfigured("twilio integration has no auth_token")
        signature = header(headers, SIGNATURE_HEADER)
        if not signature:
            return False
        algorithm = get_signature_algorithm(header(headers, SIGNATURE_SETTINGS_HEADER))
        key = shared_key if algorithm == HMAC_SHA256 else auth_token
        if algorithm not in (HMAC_SHA1, HMAC_SHA256) or not key:
            log.warning("twilio signature uses %s, for which no key is configured", algorithm)
            return False
        params: Any
        if "bodySHA256" in parse_qs(urlsplit(url).query):
            # JSON webhooks: the body is bound by its hash in the URL, and the validator
            # checks that hash only when given the body as a str
            try:
                params = body.decode("utf-8")
            except UnicodeDecodeError:
                return False
        else:
            try:
                params = _form(body)
            except MalformedWebhook:
                return False
        return RequestValidator(key).validate(url, params, signature, algorithm=algorithm)

    def parse(self, *, headers: Mapping[str, str], body: bytes,
              query: Mapping[str, str] | None = None) -> ParsedWebhook:
        """An inbound message or a status callback (both are form posts)."""
        form = _form(body)
        message_sid = form.get("MessageSid") or form.get("SmsMessageSid") or form.get("SmsSid")
        if not message_sid:
            raise MalformedWebhook("no MessageSid")
        status = (form.get("MessageStatus") or "").strip().lower()
        if status and status not in _INBOUND_STATUSES:
            return ParsedWebhook(statuses=self._status(form, message_sid, status,
                                                       (query or {}).get("m")))
        return ParsedWebhook(messages=(self._message(form, message_sid, headers),))

    def _status(self, form: MultiDict[str], sid: str, raw: str,
                 hint: str | None) -> tuple[StatusUpdate, ...]:
        # a status callback comes from our number: `From` finds the distributor
        ours = (form.get("From") or "").removeprefix("whatsapp:").strip()
        if not ours:
            raise MalformedWebhook("status callback without From")
        mapped = _STATUS_MAP.get(raw)
        if mapped is None:
            log.info("twilio status %r ignored for %s", raw[:20], sid)
            return ()
        error_code = form.get("ErrorCode") or None
        return (StatusUpdate(
            provider=self.name, external_id=sid, status=mapped, raw_status=raw,
            error_code=error_code,
            error_message=form.get("ChannelStatusMessage") or None,
            recipient=ours, message_hint=hint,
        ),)

    def _message(self, form: MultiDict[str], sid: str,
                 headers: Mapping[str, str]) -> InboundMessage:
        sender_raw, recipient_raw = form.get("From"), form.get("To")
        if not sender_raw or not recipient_raw:
            raise MalformedWebhook("no From or To")
        channel, sender = _address(sender_raw)
        _, recipient = _address(recipient_raw)
        text = form.get("Body", "")
        attachments = self._media(form)
        metadata: dict[str, Any] = {
            key: form[param] for key, param in (
                ("account_sid", "AccountSid"), ("messaging_service_sid", "MessagingServiceSid"),
                ("wa_id", "WaId"), ("num_segments", "NumSegments"),
                ("twilio_message_type", "MessageType"),
            ) if form.get(param)
        }
        opt_out_type = (form.get("OptOutType") or "").strip().upper()
        if opt_out_type in ("STOP", "START", "HELP"):
            # Advanced Opt-Out matched and Twilio already sent the confirmation
            metadata["consent"] = opt_out_type
            metadata["consent_source"] = "provider"
        elif channel is Channel.SMS and (keyword := consent_keyword(text)):
            # WhatsApp has no carrier keywords (channels.md §4); SMS does
            metadata["consent"] = keyword
            metadata["consent_source"] = "keyword"
        if form.get("ButtonPayload") or form.get("ButtonText"):
            metadata["button"] = {"payload": form.get("ButtonPayload"),
                                  "text": form.get("ButtonText")}
        if form.get("Latitude") and form.get("Longitude"):
            metadata["location"] = {k.lower(): form[k] for k in
                                    ("Latitude", "Longitude", "Address", "Label") if form.get(k)}
        if form.get("Forwarded") == "true" or form.get("FrequentlyForwarded") == "true":
            metadata["forwarded"] = True
        if token := header(headers, "I-Twilio-Idempotency-Token"):
            metadata["idempotency_token"] = token[:200]
        return InboundMessage(
            provider=self.name, channel=channel, external_id=sid, sender=sender,
            recipient=recipient, text=text,
            message_type=message_type_for(attachments[0].content_type) if attachments else "TEXT",
            sender_name=form.get("ProfileName") or None, attachments=attachments,
            reply_to_external_id=form.get("OriginalRepliedMessageSid") or None,
            metadata=metadata,
        )

    @staticmethod
    def _media(form: MultiDict[str]) -> tuple[Attachment, ...]:
        try:
            count = int(form.get("NumMedia") or 0)
        except ValueError as exc:
            raise MalformedWebhook("NumMedia is not a number") from exc
        if not 0 <= count <= _MAX_MEDIA:
            raise MalformedWebhook("NumMedia out of range")
        media = []
        for n in range(count):
            url = form.get(f"MediaUrl{n}")
            if url:
                media.append(Attachment(
                    content_type=form.get(f"MediaContentType{n}") or "application/octet-stream",
                    url=url,
                ))
        return tuple(media)

    def can_send(self, config: Mapping[str, Any]) -> bool:
        """Any active Twilio integration can send."""
        return True

    def prepare(self, message: OutboundMessage, *, config: Mapping[str, Any],
                thread: Thread) -> tuple[OutboundMessage, Mapping[str, Any]]:
        """A template outside WhatsApp's 24 h window; our id in the status callback URL."""
        if message.channel is Channel.WHATSAPP and not within_customer_window(
                thread.last_customer_message_at, thread.now):
            template = _template(config.get("reengagement_template"))
            if template is None:
                raise SendRefused("outside 24h window")
            message = replace(message, metadata={**message.metadata, **template})
        if not config.get("status_callback_url"):
            # our id in the URL (it is signed) finds the message even if a callback beats
            # the sender's record step
            config = {**config, "status_callback_url": (
                f"{thread.public_url.rstrip('/')}/webhooks/twilio/status?m={thread.message_id}")}
        return message, config

    async def send(self, message: OutboundMessage, *, config: Mapping[str, Any],
                   credentials: Mapping[str, str]) -> SendResult:
        """POST to the Messages endpoint; template when `metadata["content_sid"]` is set."""
        account_sid = config.get("account_sid")
        secret = credentials.get("api_key_secret") or credentials.get("auth_token")
        if not account_sid or not secret:
            raise ChannelNotConfigured("twilio integration needs account_sid and auth_token")
        username = credentials.get("api_key_sid") or account_sid
        whatsapp = message.channel is Channel.WHATSAPP
        form: list[tuple[str, str]] = [("To", self._channel_address(message.recipient, whatsapp))]
        sender = (config.get("whatsapp_number") if whatsapp else None) or config.get("phone_number")
        if sender:
            form.append(("From", self._channel_address(str(sender), whatsapp)))
        elif config.get("messaging_service_sid"):
            form.append(("MessagingServiceSid", str(config["messaging_service_sid"])))
        else:
            raise ChannelNotConfigured("twilio integration needs phone_number or a service sid")
        content_sid = message.metadata.get("content_sid")
        if content_sid:
            # outside WhatsApp's 24 h window only a template, without Body (channels.md §1.4)
            form.append(("ContentSid", str(content_sid)))
            variables = message.metadata.get("content_variables")
            if variables:
                form.append(("ContentVariables", json.dumps(variables)))
        else:
            form.append(("Body", message.text))
            form.extend(("MediaUrl", str(u)) for u in message.metadata.get("media_urls", ()))
        if config.get("status_callback_url"):
            form.append(("StatusCallback", str(config["status_callback_url"])))
        base = str(config.get("api_base_url") or DEFAULT_API_BASE_URL).rstrip("/")
        reply = await _http.post(
            f"{base}/2010-04-01/Accounts/{account_sid}/Messages.json",
            data=form, headers=_http.basic_auth(str(username), secret),
            client_timeout=_http.timeout_from(config),
        )
        return self._result(reply)

    @staticmethod
    def _channel_address(number: str, whatsapp: bool) -> str:
        if whatsapp and not number.startswith("whatsapp:"):
            return f"whatsapp:{number}"
        return number

    @staticmethod
    def _result(reply: _http.HttpReply | _http.HttpFailure) -> SendResult:
        if isinstance(reply, _http.HttpFailure):
            return SendResult(ok=False, retryable=reply.retryable, ambiguous=reply.ambiguous,
                              error=reply.error)
        body = reply.body if isinstance(reply.body, dict) else {}
        if 200 <= reply.status < 300 and body.get("sid"):
            return SendResult(ok=True, external_id=str(body["sid"]), status_code=reply.status)
        code = str(body["code"]) if body.get("code") is not None else None
        # a 2xx without a sid may still have created the message
        ambiguous = reply.status in _http.AMBIGUOUS_STATUSES or 200 <= reply.status < 300
        retryable = not ambiguous and (
            reply.status in _http.RETRYABLE_STATUSES or code in _RETRYABLE_ERROR_CODES
        )
        log.warning("twilio send failed: http %s code %s", reply.status, code)
        return SendResult(
            ok=False, retryable=retryable, ambiguous=ambiguous, status_code=reply.status,
            error_code=code, error=str(body.get("message") or f"HTTP {reply.status}")[:300],
            retry_after_s=reply.retry_after_s,
        )

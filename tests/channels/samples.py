"""Provider requests rebuilt from shared/data/payloads, signed here with each provider's algorithm.

The shapes (and fake credentials) are copied from the shared samples; nothing is read
from disk. Where the sample published a signature, the tests assert that rebuilding
the body gives that same signature, which proves the bytes are identical.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

from multidict import MultiDict
from twilio.request_validator import RequestValidator

# ---- Twilio (payloads/twilio) ------------------------------------------------------------
TWILIO_TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
TWILIO_ACCOUNT = "AC00000000000000000000000000000001"
TWILIO_WA_URL = "https://hooks.example.com/webhooks/twilio/inbound?tenant=acme"
TWILIO_WA_SIGNATURE = "/JrvjK1MxmnxtdNtRBIgxqzl+0A="
TWILIO_WA_PARAMS: list[tuple[str, str]] = [
    ("SmsMessageSid", "SM3f1c6a2b9d8e7f60514233a2b1c0d9e8"), ("NumMedia", "1"),
    ("ProfileName", "Sheena Nelson"), ("MessageType", "image"),
    ("SmsSid", "SM3f1c6a2b9d8e7f60514233a2b1c0d9e8"), ("WaId", "16505551234"),
    ("SmsStatus", "received"), ("Body", "Is this still available? 🙂"),
    ("To", "whatsapp:+14155238886"), ("MediaContentType0", "image/jpeg"),
    ("MessagingServiceSid", "MG00000000000000000000000000000001"), ("NumSegments", "1"),
    ("ReferralNumMedia", "0"), ("MessageSid", "SM3f1c6a2b9d8e7f60514233a2b1c0d9e8"),
    ("AccountSid", TWILIO_ACCOUNT), ("From", "whatsapp:+16505551234"),
    ("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001"
                  "/Messages/MM3f1c6a2b9d8e7f60514233a2b1c0d9e8/Media/ME0000000000000000000000000000000a"),
    ("ApiVersion", "2010-04-01"),
]
TWILIO_SMS_URL = "https://hooks.example.com/webhooks/twilio/sms"
TWILIO_SMS_SIGNATURE = "Q2KtIS/43/o4He6z+gnNmgpy5kw="
TWILIO_SMS_STOP_PARAMS: list[tuple[str, str]] = [
    ("ToCountry", "US"), ("ToState", "CA"), ("SmsMessageSid", "SM9d2f0e1c2b3a49586776655443322110"),
    ("NumMedia", "0"), ("ToCity", "SAN FRANCISCO"), ("FromZip", "94103"),
    ("SmsSid", "SM9d2f0e1c2b3a49586776655443322110"), ("FromState", "CA"),
    ("SmsStatus", "received"), ("FromCity", "SAN FRANCISCO"), ("Body", "STOP"),
    ("FromCountry", "US"), ("To", "+14155550100"),
    ("MessagingServiceSid", "MG00000000000000000000000000000001"), ("ToZip", "94105"),
    ("NumSegments", "1"), ("MessageSid", "SM9d2f0e1c2b3a49586776655443322110"),
    ("AccountSid", TWILIO_ACCOUNT), ("OptOutType", "STOP"), ("From", "+14155550199"),
    ("ApiVersion", "2010-04-01"),
]
TWILIO_STATUS_URL = "https://hooks.example.com/webhooks/twilio/status?msg=42"
TWILIO_STATUS_SIGNATURE = "fUUk9RGmiq1Ql8Mo3z1BLMGUEWs="
TWILIO_STATUS_DELIVERED_PARAMS: list[tuple[str, str]] = [
    ("SmsSid", "SM1342fe1b2c904d1ab04f0fc7a58abca9"), ("SmsStatus", "delivered"),
    ("MessageStatus", "delivered"), ("To", "+14155550199"),
    ("MessagingServiceSid", "MG00000000000000000000000000000001"),
    ("MessageSid", "SM1342fe1b2c904d1ab04f0fc7a58abca9"), ("AccountSid", TWILIO_ACCOUNT),
    ("From", "+14155550100"), ("ApiVersion", "2010-04-01"), ("RawDlrDoneDate", "2609141206"),
]
TWILIO_READ_URL = "https://hooks.example.com/webhooks/twilio/status"
TWILIO_READ_SIGNATURE = "vxDcNAFIAaE92qe79LWER54jPqI="
TWILIO_STATUS_READ_PARAMS: list[tuple[str, str]] = [
    ("ChannelPrefix", "whatsapp"), ("ApiVersion", "2010-04-01"), ("MessageStatus", "read"),
    ("SmsSid", "SM5e1c0f3a2b4d4e6f8091a2b3c4d5e6f7"), ("SmsStatus", "read"),
    ("ChannelInstallSid", "XE00000000000000000000000000000001"),
    ("To", "whatsapp:+16505551234"), ("From", "whatsapp:+14155238886"),
    ("MessageSid", "SM5e1c0f3a2b4d4e6f8091a2b3c4d5e6f7"), ("EventType", "READ"),
    ("AccountSid", TWILIO_ACCOUNT), ("ChannelToAddress", "+165055512XX"),
]


def twilio_body(params: list[tuple[str, str]]) -> bytes:
    """The form body exactly as Twilio encodes it."""
    return urlencode(params).encode()


def twilio_signature(url: str, params: list[tuple[str, str]], token: str = TWILIO_TOKEN,
                     algorithm: str | None = None) -> str:
    """X-Twilio-Signature computed by twilio-python's own validator."""
    return RequestValidator(token).compute_signature(url, MultiDict(params), algorithm)


def twilio_request(url: str, params: list[tuple[str, str]],
                   token: str = TWILIO_TOKEN) -> tuple[dict[str, str], bytes]:
    """Signed headers and body for a Twilio webhook."""
    return ({"Content-Type": "application/x-www-form-urlencoded",
             "X-Twilio-Signature": twilio_signature(url, params, token)}, twilio_body(params))


# ---- Meta WhatsApp Cloud (payloads/meta) --------------------------------------------------
META_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
META_PHONE_NUMBER_ID = "106540352242922"
META_TEXT_SIGNATURE = "bbe872123f8e4d6c663e8a7fbad1c99b461ea885c80ab89c172ed76a15a2f1fd"
META_ORDER_SIGNATURE = "dd5cdedc06c8f3924c040e55e5bc1484243906e42ab51c439a768ce8569c71b3"
META_DELIVERED_SIGNATURE = "5ff149bd89b924f3e6218b67f9197533781c79b44ea46ee3da3b80cb82280c99"
META_FAILED_SIGNATURE = "6daeef01d13cb92ed6a2f57bbc96fedaa044328026d6d77cf89a506e3a6f9eb3"
_META_METADATA = {"display_phone_number": "15550783881", "phone_number_id": META_PHONE_NUMBER_ID}
_META_CONTACTS = [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}]


def meta_event(value: dict[str, Any], field: str = "messages",
               waba_id: str = "102290129340398") -> dict[str, Any]:
    """The webhook envelope around one change value."""
    return {"object": "whatsapp_business_account",
            "entry": [{"id": waba_id, "changes": [{"value": value, "field": field}]}]}


def meta_messages(*messages: dict[str, Any], contacts: list[Any] | None = None) -> dict[str, Any]:
    """A `messages` change value from our business number."""
    return {"messaging_product": "whatsapp", "metadata": dict(_META_METADATA),
            "contacts": _META_CONTACTS if contacts is None else contacts,
            "messages": list(messages)}


def meta_statuses(*statuses: dict[str, Any]) -> dict[str, Any]:
    """A `statuses` change value."""
    return {"messaging_product": "whatsapp", "metadata": dict(_META_METADATA),
            "statuses": list(statuses)}


META_TEXT = meta_event(meta_messages({
    "from": "16505551234", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
    "timestamp": "1749416383", "type": "text",
    "text": {"body": "Does it come in another colour? ¿Tienen en azul? 🙂"}}))
META_ORDER = meta_event(meta_messages({
    "from": "16505551234", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
    "timestamp": "1750096325", "type": "order",
    "order": {"catalog_id": "194836987003835", "text": "Love these!", "product_items": [
        {"product_retailer_id": "di9ozbzfi4", "quantity": 2, "item_price": 30, "currency": "USD"},
        {"product_retailer_id": "nqryix03ez", "quantity": 1, "item_price": 25, "currency": "USD"},
    ]}}))
META_DELIVERED = meta_event(meta_statuses({
    "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI4MjZGRDA0OUE2OTQ3RkEyMzcA", "status": "delivered",
    "timestamp": "1750030080", "recipient_id": "16505551234",
    "pricing": {"billable": False, "pricing_model": "PMP", "type": "free_customer_service",
                "category": "service"}}))
META_FAILED_131047 = meta_event(meta_statuses({
    "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QzQ4RkYwQTJFMkQ0QkY5ODIA", "status": "failed",
    "timestamp": "1750030090", "recipient_id": "16505551234",
    "errors": [{"code": 131047, "title": "Re-engagement message",
                "message": "Re-engagement message",
                "error_data": {"details": "(illustrative text) more than 24 hours since the "
                                          "customer last messaged this number"},
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/"
                        "error-codes/"}]}))


def meta_body(event: dict[str, Any]) -> bytes:
    """Compact JSON with non-ASCII escaped, as Meta sends it."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=True).encode()


def meta_signature(body: bytes, secret: str = META_SECRET) -> str:
    """X-Hub-Signature-256's hex digest."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def meta_request(event: dict[str, Any], secret: str = META_SECRET) -> tuple[dict[str, str], bytes]:
    """Signed headers and body for a Meta webhook POST."""
    body = meta_body(event)
    return ({"Content-Type": "application/json",
             "X-Hub-Signature-256": f"sha256={meta_signature(body, secret)}"}, body)


# ---- Email (payloads/email) ---------------------------------------------------------------
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
CUSTOMER_TEXT = ("The box arrived damaged \u2014 photo attached.\r\n\r\n"
                 "On Sun, 13 Sep 2026, Acme Support wrote:\r\n> Your order #1042 has shipped.\r\n")
CUSTOMER_MESSAGE_ID = "<CAF=reply.7731@mail.example.net>"
CUSTOMER_IN_REPLY_TO = "<ticket-1042.msg-2.0b1c@support.example.com>"
CUSTOMER_REFERENCES = ["<CAF=first.1000@mail.example.net>", CUSTOMER_IN_REPLY_TO]
CUSTOMER_EML = (
    b"Return-Path: <jane.customer@example.net>\r\n"
    b"Received: from mail.example.net (mail.example.net [192.0.2.10]) by mx.support.example.com;"
    b" Mon, 14 Sep 2026 10:12:04 +0000\r\n"
    b"DKIM-Signature: v=1; a=rsa-sha256; d=example.net; s=s1; h=from:to:subject:date:message-id;"
    b" bh=FAKE; b=FAKE\r\n"
    b"MIME-Version: 1.0\r\n"
    b"From: Jane Customer <jane.customer@example.net>\r\n"
    b"To: Acme Support <support+t-8f3a@support.example.com>\r\n"
    b"Subject: Re: [#1042] Your order has shipped\r\n"
    b"Date: Mon, 14 Sep 2026 12:12:01 +0200\r\n"
    b"Message-ID: <CAF=reply.7731@mail.example.net>\r\n"
    b"In-Reply-To: <ticket-1042.msg-2.0b1c@support.example.com>\r\n"
    b"References: <CAF=first.1000@mail.example.net>\r\n"
    b" <ticket-1042.msg-2.0b1c@support.example.com>\r\n"
    b'Content-Type: multipart/mixed; boundary="b1"\r\n'
    b"\r\n"
    b"--b1\r\n"
    b'Content-Type: multipart/alternative; boundary="b2"\r\n'
    b"\r\n"
    b"--b2\r\n"
    b"Content-Type: text/plain; charset=UTF-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"The box arrived damaged =E2=80=94 photo attached.\r\n"
    b"\r\n"
    b"On Sun, 13 Sep 2026, Acme Support wrote:\r\n"
    b"> Your order #1042 has shipped.\r\n"
    b"--b2\r\n"
    b"Content-Type: text/html; charset=UTF-8\r\n"
    b"\r\n"
    b"<p>The box arrived damaged &mdash; photo attached.</p>\r\n"
    b"--b2--\r\n"
    b"--b1\r\n"
    b'Content-Type: image/png; name="box.png"\r\n'
    b'Content-Disposition: attachment; filename="box.png"\r\n'
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==\r\n"
    b"--b1--\r\n"
)
SENDGRID_HEADERS_FIELD = (
    "Return-Path: <jane.customer@example.net>\n"
    "Received: from mail.example.net (mail.example.net [192.0.2.10]) by mx.support.example.com;"
    " Mon, 14 Sep 2026 10:12:04 +0000\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=example.net; s=s1; h=from:to:subject:date:message-id;"
    " bh=FAKE; b=FAKE\n"
    "MIME-Version: 1.0\n"
    "From: Jane Customer <jane.customer@example.net>\n"
    "To: Acme Support <support+t-8f3a@support.example.com>\n"
    "Subject: Re: [#1042] Your order has shipped\n"
    "Date: Mon, 14 Sep 2026 12:12:01 +0200\n"
    "Message-ID: <CAF=reply.7731@mail.example.net>\n"
    "In-Reply-To: <ticket-1042.msg-2.0b1c@support.example.com>\n"
    "References: <CAF=first.1000@mail.example.net>\n"
    " <ticket-1042.msg-2.0b1c@support.example.com>\n"
    'Content-Type: multipart/mixed; boundary="b1"'
)
SENDGRID_DEFAULT_FIELDS: list[tuple[str, str]] = [
    ("headers", SENDGRID_HEADERS_FIELD),
    ("dkim", "{@example.net : pass}"),
    ("content-ids", "{}"),
    ("to", "Acme Support <support+t-8f3a@support.example.com>"),
    ("from", "Jane Customer <jane.customer@example.net>"),
    ("subject", "Re: [#1042] Your order has shipped"),
    ("text", "The box arrived damaged \u2014 photo attached.\n\n"
             "On Sun, 13 Sep 2026, Acme Support wrote:\n> Your order #1042 has shipped."),
    ("html", "<p>The box arrived damaged &mdash; photo attached.</p>"),
    ("sender_ip", "192.0.2.10"),
    ("envelope",
     '{"to":["support+t-8f3a@support.example.com"],"from":"jane.customer@example.net"}'),
    ("attachments", "1"),
    ("attachment-info",
     '{"attachment1":{"filename":"box.png","name":"box.png","type":"image/png"}}'),
    ("charsets", '{"to":"UTF-8","from":"UTF-8","subject":"UTF-8","text":"UTF-8","html":"UTF-8"}'),
    ("SPF", "pass"),
    ("spam_score", "0.011"),
]


def multipart(fields: list[tuple[str, str | bytes]],
              files: list[tuple[str, str, str, bytes]] = (),  # type: ignore[assignment]
              boundary: str = "xYzZY") -> tuple[str, bytes]:
    """(Content-Type, body) of a multipart/form-data post, as SendGrid and Mailgun send it."""
    out = bytearray()
    for name, value in fields:
        data = value if isinstance(value, bytes) else value.encode("utf-8")
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                .encode() + data + b"\r\n")
    for name, filename, content_type, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n".encode()
                + data + b"\r\n")
    out += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", bytes(out)


MAILGUN_KEY = "key-FAKE0123456789abcdef0123456789ab"
MAILGUN_TIMESTAMP = "1789380724"
MAILGUN_TOKEN = "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99887766554433221100"
MAILGUN_SIGNATURE = "54f7b98c7b3e33c7df6be2afb1e0a073fd40e8ed2d011d61fec6535c6b1126e3"
MAILGUN_MESSAGE_HEADERS = json.dumps([
    ["Return-Path", "<jane.customer@example.net>"],
    ["From", "Jane Customer <jane.customer@example.net>"],
    ["To", "Acme Support <support+t-8f3a@support.example.com>"],
    ["Subject", "Re: [#1042] Your order has shipped"],
    ["Date", "Mon, 14 Sep 2026 12:12:01 +0200"],
    ["Message-Id", CUSTOMER_MESSAGE_ID], ["In-Reply-To", CUSTOMER_IN_REPLY_TO],
    ["References", " ".join(CUSTOMER_REFERENCES)], ["Mime-Version", "1.0"],
    ["Content-Type", 'multipart/alternative; boundary="b2"'],
])


def mailgun_signature(timestamp: str, token: str, key: str = MAILGUN_KEY) -> str:
    """hex(HMAC-SHA256(signing key, timestamp + token))."""
    return hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()


def mailgun_fields(timestamp: str = MAILGUN_TIMESTAMP, token: str = MAILGUN_TOKEN,
                   key: str = MAILGUN_KEY) -> list[tuple[str, str]]:
    """The sample route post's fields, signed for `timestamp` and `token`."""
    return [
        ("recipient", "support+t-8f3a@support.example.com"),
        ("sender", "jane.customer@example.net"),
        ("from", "Jane Customer <jane.customer@example.net>"),
        ("subject", "Re: [#1042] Your order has shipped"),
        ("body-plain", CUSTOMER_TEXT),
        ("stripped-text", "The box arrived damaged \u2014 photo attached."),
        ("stripped-signature", ""),
        ("body-html", "<p>The box arrived damaged &mdash; photo attached.</p>"),
        ("stripped-html", "<p>The box arrived damaged &mdash; photo attached.</p>"),
        ("attachment-count", "0"),
        ("message-headers", MAILGUN_MESSAGE_HEADERS),
        ("Message-Id", CUSTOMER_MESSAGE_ID), ("In-Reply-To", CUSTOMER_IN_REPLY_TO),
        ("References", " ".join(CUSTOMER_REFERENCES)),
        ("timestamp", timestamp), ("token", token),
        ("signature", mailgun_signature(timestamp, token, key)),
    ]


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def postmark_payload() -> dict[str, Any]:
    """payloads/email/postmark_inbound.json."""
    return {
        "FromName": "Jane Customer", "MessageStream": "inbound",
        "From": "jane.customer@example.net",
        "FromFull": {"Email": "jane.customer@example.net", "Name": "Jane Customer",
                     "MailboxHash": ""},
        "To": '"Acme Support" <support+t-8f3a@support.example.com>',
        "ToFull": [{"Email": "support+t-8f3a@support.example.com", "Name": "Acme Support",
                    "MailboxHash": "t-8f3a"}],
        "Cc": "", "CcFull": [], "Bcc": "", "BccFull": [],
        "OriginalRecipient": "support+t-8f3a@support.example.com",
        "Subject": "Re: [#1042] Your order has shipped",
        "MessageID": "5f0c1b2a-3d4e-4f50-8a9b-0c1d2e3f4a5b", "ReplyTo": "",
        "MailboxHash": "t-8f3a", "Date": "Mon, 14 Sep 2026 12:12:01 +0200",
        "TextBody": "The box arrived damaged \u2014 photo attached.\n\n"
                    "On Sun, 13 Sep 2026, Acme Support wrote:\n> Your order #1042 has shipped.",
        "HtmlBody": "<p>The box arrived damaged &mdash; photo attached.</p>",
        "StrippedTextReply": "The box arrived damaged \u2014 photo attached.", "Tag": "",
        "Headers": [
            {"Name": "X-Spam-Status", "Value": "No"}, {"Name": "X-Spam-Score", "Value": "-0.1"},
            {"Name": "Received-SPF", "Value": "Pass"},
            {"Name": "Message-ID", "Value": CUSTOMER_MESSAGE_ID},
            {"Name": "In-Reply-To", "Value": CUSTOMER_IN_REPLY_TO},
            {"Name": "References", "Value": " ".join(CUSTOMER_REFERENCES)},
        ],
        "Attachments": [{
            "Name": "box.png",
            "Content": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDw"
                       "AEhQGAhKmMIQAAAABJRU5ErkJggg==",
            "ContentType": "image/png", "ContentLength": 70, "ContentID": ""}],
    }


EMAIL_SECRET = "s3cret-for-tests-only"

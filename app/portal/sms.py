"""Text messages to members' phones, through a sender chosen by configuration (VIP_SMS_PROVIDER):

- ``outbox`` (development and tests): nothing leaves the building; each message is kept in the ``sms_outbox`` table,
  which admins read at /admin/sms-outbox.
- ``aliyun``: Alibaba Cloud SMS (短信服务, Dysmsapi 2017-05-25, action SendSms) over HTTPS. Its messages are templates
  approved in the Aliyun console: the template named by VIP_SMS_ALIYUN_TEMPLATE_CODE receives ``params`` (here
  ``code`` and ``program``) and should read as ``text`` does.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Protocol

from ..clock import utcnow
from ..extensions import db
from ..rules.identity import mask_number
from .models import SmsMessage

PROVIDERS = ("outbox", "aliyun")
ALIYUN_SETTINGS = ("VIP_SMS_ALIYUN_ACCESS_KEY_ID", "VIP_SMS_ALIYUN_ACCESS_KEY_SECRET", "VIP_SMS_ALIYUN_SIGN_NAME",
                   "VIP_SMS_ALIYUN_TEMPLATE_CODE")


class SmsFailed(Exception):
    """The provider did not accept the message."""


class SmsSender(Protocol):
    def send(self, phone: str, text: str, params: Mapping[str, str]) -> None:
        """Send ``text`` to a mainland mobile number; ``params`` are its variable parts, for template-based providers."""


class OutboxSender:
    """Keeps the message for admins to read instead of sending it (in the caller's transaction)."""

    def send(self, phone: str, text: str, params: Mapping[str, str]) -> None:
        db.session.add(SmsMessage(created_at=utcnow(), phone_masked=mask_number(phone), text=text))


def _pop_encode(value: str) -> str:
    # Aliyun's RPC signature percent-encodes by RFC 3986: space as %20, '*' as %2A, '~' kept.
    return urllib.parse.quote(value, safe="~")


def rpc_signature(method: str, params: Mapping[str, str], secret: str) -> str:
    """Aliyun's RPC signature (version 1.0): HMAC-SHA1, keyed by the secret and '&', over the method, '/' and the
    parameters sorted by name, each part percent-encoded."""
    query = "&".join(f"{_pop_encode(k)}={_pop_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_pop_encode('/')}&{_pop_encode(query)}"
    return base64.b64encode(hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


class AliyunSender:
    """Alibaba Cloud SMS, signed as its RPC API documents (signature version 1.0, HMAC-SHA1 over the sorted query)."""

    def __init__(self, config: Mapping[str, str], *, timeout: float = 10):
        self.key_id = config["VIP_SMS_ALIYUN_ACCESS_KEY_ID"]
        self.secret = config["VIP_SMS_ALIYUN_ACCESS_KEY_SECRET"]
        self.sign_name = config["VIP_SMS_ALIYUN_SIGN_NAME"]
        self.template_code = config["VIP_SMS_ALIYUN_TEMPLATE_CODE"]
        self.endpoint = config.get("VIP_SMS_ALIYUN_ENDPOINT") or "https://dysmsapi.aliyuncs.com/"
        self.timeout = timeout

    def signed_form(self, phone: str, params: Mapping[str, str], *, now: dt.datetime, nonce: str) -> dict[str, str]:
        form = {
            "AccessKeyId": self.key_id, "Action": "SendSms", "Format": "JSON", "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": nonce, "SignatureVersion": "1.0",
            "Timestamp": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": "2017-05-25",
            "PhoneNumbers": phone, "SignName": self.sign_name, "TemplateCode": self.template_code,
            "TemplateParam": json.dumps(dict(params), ensure_ascii=False),
        }
        return {**form, "Signature": rpc_signature("POST", form, self.secret)}

    def send(self, phone: str, text: str, params: Mapping[str, str]) -> None:
        form = self.signed_form(phone, params, now=utcnow(), nonce=secrets.token_hex(16))
        request = urllib.request.Request(self.endpoint, data=urllib.parse.urlencode(form).encode(), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (a configured https URL)
                answer = json.loads(response.read() or b"{}")
        except (OSError, ValueError) as exc:
            raise SmsFailed(f"Aliyun SMS unreachable: {exc}") from exc
        if answer.get("Code") != "OK":
            raise SmsFailed(f"Aliyun SMS refused: {answer.get('Code')} {answer.get('Message')}")


def check_settings(config: Mapping[str, object]) -> None:
    """At start-up: a provider this code knows, with every setting it needs."""
    provider = config.get("VIP_SMS_PROVIDER") or "outbox"
    if provider not in PROVIDERS:
        raise RuntimeError(f"VIP_SMS_PROVIDER={provider!r}: use one of {', '.join(PROVIDERS)}.")
    missing = [name for name in ALIYUN_SETTINGS if not config.get(name)] if provider == "aliyun" else []
    if missing:
        raise RuntimeError(f"VIP_SMS_PROVIDER=aliyun needs {', '.join(missing)}.")


def sender(config: Mapping[str, str]) -> SmsSender:
    if config.get("VIP_TRAINING"):
        return OutboxSender()  # a training copy holds real members' phones: its texts stay in the outbox, never sent
    return AliyunSender(config) if config.get("VIP_SMS_PROVIDER") == "aliyun" else OutboxSender()

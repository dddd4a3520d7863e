"""The SMS senders: the outbox by default, Alibaba Cloud's by configuration, signed as its API documents. The real
service is never called: the adapter talks to a stand-in on this machine."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app import create_app
from app.portal import sms


def test_the_signature_is_aliyuns_own_example():
    # The worked example of Alibaba Cloud's RPC signature documentation (DescribeRegions, secret "testsecret").
    params = {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML", "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0",
              "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"}
    assert sms.rpc_signature("GET", params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


class StandIn(BaseHTTPRequestHandler):
    answer: dict = {"Code": "OK", "Message": "OK", "BizId": "1", "RequestId": "r"}
    received: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        self.received.append(dict(urllib.parse.parse_qsl(self.rfile.read(length).decode())))
        body = json.dumps(self.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in():
    server = HTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StandIn.received.clear()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


CONFIG = {"VIP_SMS_PROVIDER": "aliyun", "VIP_SMS_ALIYUN_ACCESS_KEY_ID": "LTAIexample",
          "VIP_SMS_ALIYUN_ACCESS_KEY_SECRET": "secret", "VIP_SMS_ALIYUN_SIGN_NAME": "重邦尚城",
          "VIP_SMS_ALIYUN_TEMPLATE_CODE": "SMS_123456"}


def test_the_aliyun_adapter_sends_the_template_with_the_code_signed(app, stand_in):
    sender = sms.sender({**CONFIG, "VIP_SMS_ALIYUN_ENDPOINT": stand_in})
    assert isinstance(sender, sms.AliyunSender)
    with app.app_context():
        sender.send("13800138000", "【重邦尚城】您的会员验证码为 123456", {"code": "123456", "program": "重邦尚城 VIP卡"})
    form = StandIn.received[-1]
    assert form["Action"] == "SendSms" and form["PhoneNumbers"] == "13800138000" and form["SignName"] == "重邦尚城"
    assert form["TemplateCode"] == "SMS_123456" and json.loads(form["TemplateParam"])["code"] == "123456"
    signature = form.pop("Signature")
    assert signature == sms.rpc_signature("POST", form, "secret")
    stamp = dt.datetime.strptime(form["Timestamp"], "%Y-%m-%dT%H:%M:%SZ")
    assert stamp.year >= 2026


def test_a_refusal_by_the_provider_is_an_error(app, stand_in, monkeypatch):
    monkeypatch.setattr(StandIn, "answer", {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "limit"})
    with app.app_context(), pytest.raises(sms.SmsFailed, match="BUSINESS_LIMIT_CONTROL"):
        sms.sender({**CONFIG, "VIP_SMS_ALIYUN_ENDPOINT": stand_in}).send("13800138000", "x", {"code": "1"})
    with app.app_context(), pytest.raises(sms.SmsFailed, match="unreachable"):
        sms.sender({**CONFIG, "VIP_SMS_ALIYUN_ENDPOINT": "http://127.0.0.1:9/"}).send("13800138000", "x", {"code": "1"})


@pytest.mark.parametrize(("settings", "message"), [({"VIP_SMS_PROVIDER": "carrier-pigeon"}, "use one of outbox, aliyun"),
                                                   ({"VIP_SMS_PROVIDER": "aliyun"}, "needs VIP_SMS_ALIYUN_ACCESS_KEY_ID")])
def test_a_provider_wrongly_configured_refuses_to_start(settings, message, tmp_path):
    with pytest.raises(RuntimeError, match=message):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k" * 20,
                    "VIP_DATA_KEY": "d" * 20, **settings})

"""Every page of the web UI, in Chinese and in English, on the demo data plus a refund request, a scan and an import:
no page shows a state, kind, payment method, action or verdict as its code (``awaiting_signature``, ``wechat_pay``,
``card.issued``), no Chinese page shows an English sentence of the catalogue left untranslated, and no page shows a
placeholder (``%(name)s``) unfilled. Pages are found from the app's own routes: a page added later is walked too."""

from __future__ import annotations

import io
import re
from enum import Enum
from html.parser import HTMLParser

import flask_migrate
import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from app import create_app
from app.agreements.models import Agreement
from app.audit.labels import ACTION_LABELS
from app.cards.models import Card
from app.clock import FixedClock
from app.extensions import db
from app.imports.models import ImportJob
from app.loyalty.models import Purchase
from app.members.models import Member
from app.programs.models import Program
from app.users.models import User
from app.users.roles import Role
from tests.conftest import DEFAULT_NOW, FRESH_KEYS, csrf_token

CATALOGUE = "app/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
ENUMS: list[type[Enum]] = []
for module, names in (("app.signing.models", ["CertificateKind"]),
                      ("app.agreements.models", ["AgreementKind", "AgreementStatus", "SigningMethod", "DocumentRole",
                                                 "SignerRole"]),
                      ("app.queue.models", ["QueueStatus"]), ("app.cards.models", ["PaymentMethod", "LedgerKind"]),
                      ("app.cards.charges", ["ChargeKind"]), ("app.approvals.models", ["RequestStatus", "RefundKind"]),
                      ("app.rules.units", ["UnitUse", "UnitStatus"]),
                      ("app.rules.terms", ["ProgramKind", "RefundAnchor", "DisputeResolution", "TransferPolicy",
                                           "CardStatus"]),
                      ("app.imports.models", ["JobStatus"]), ("app.members.schemas", ["IdType"])):
    imported = __import__(module, fromlist=names)
    ENUMS += [getattr(imported, name) for name in names]
# Codes that are never words: a page showing one shows a code. (One-word codes such as "active" or "cash" are English
# words too: they count only on Chinese pages.)
COMPOUND = sorted({m.value for e in ENUMS for m in e if "_" in m.value} | set(ACTION_LABELS), key=len, reverse=True)
SIMPLE = sorted({m.value for e in ENUMS for m in e if "_" not in m.value} - {r.value for r in Role}, key=len, reverse=True)


class _Text(HTMLParser):
    """The words a reader sees: text outside scripts and styles, and the titles and placeholders of controls."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts += [v for k, v in attrs if k in ("title", "placeholder", "aria-label") and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_sentences() -> list[str]:
    """Catalogue messages of several English words, as a Chinese page must never show them."""
    with open(CATALOGUE, "rb") as fh:
        catalogue = read_po(fh)
    found = []
    for message in catalogue:
        text = message.id if isinstance(message.id, str) else message.id[0]
        if text and message.string and "%(" not in text and len(re.findall(r"[A-Za-z]{3,}", text)) >= 3:
            found.append(text)
    return found


def prepare(app) -> dict:
    """Demo data, a scan and a checked import on ``app``; the values that fill the routes' parameters."""
    with app.test_request_context("/"):
        from app.demo import load_demo
        load_demo()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert client.post("/login", data={"username": "admin", "password": "admin-demo-1",
                                       "csrf_token": csrf_token(page)}).status_code == 302
    with app.app_context():
        card = db.session.scalar(select(Card).order_by(Card.id))
        values = {"number": card.number, "member_id": db.session.scalar(select(Member.id)),
                  "agreement_id": db.session.scalar(select(Agreement.id)), "code": db.session.scalar(select(Program.code)),
                  "user_id": db.session.scalar(select(User.id)),
                  "purchase_id": db.session.scalar(select(Purchase.id))}  # the demo's shop card (when it can be signed)
        from app import tokens
        values["token"] = tokens.card_token(card.public_id, card.generation)
    client.get(f"/v/{values['token']}")  # a scan, for the scans page and the card's timeline
    with app.app_context():  # a code asked for on the member's page: a text in the outbox, the code page to walk
        from app.members.services import decrypt_id_number
        tail = decrypt_id_number(db.session.get(Card, card.id).member)[-6:]
    assert client.post("/my/sign-in", data={"card_number": values["number"], "id_tail": tail, "csrf_token": csrf_token(
        client.get("/my/sign-in").get_data(as_text=True))}).status_code == 302
    from openpyxl import Workbook

    from tests.imports.test_imports import COLUMNS
    book = Workbook()
    book.active.append(COLUMNS)
    book.active.append(["王五", "护照", "X", "1", None, None, values["code"], "NOPE", 1, "刷脸", "R1", "2099-01-01", None])
    sheet = io.BytesIO()
    book.save(sheet)
    upload = client.post("/imports/", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client.get("/imports/").get_data(as_text=True)), "dry_run": "1",
        "file": (io.BytesIO(sheet.getvalue()), "walk.xlsx")})
    assert upload.status_code == 302
    with app.app_context():
        values["job_id"] = db.session.scalar(select(ImportJob.id))
    values["client"] = client
    return values


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path_factory.mktemp('walk') / 'w.db'}",
                      **FRESH_KEYS, "VIP_CLOCK": FixedClock(DEFAULT_NOW), "VIP_PUBLIC_BASE_URL": "https://vip.example.test",
                      "VIP_LOGIN_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        flask_migrate.upgrade()
    values = prepare(app)
    return app, values.pop("client"), values


def pages(app, values) -> list[str]:
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/static")) or rule.endpoint == "static":
            continue
        path = rule.rule
        for name in rule.arguments:
            if name not in values:
                break
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), path)
        else:
            found.append(path)
    return sorted(set(found))


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_page_shows_a_code_or_an_untranslated_sentence(demo, lang):
    app, client, values = demo
    sentences = english_sentences() if lang == "zh-CN" else []
    walked, problems = 0, []
    for path in pages(app, values):
        response = client.get(path, headers={"Accept-Language": lang})
        assert response.status_code < 500, path
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        walked += 1
        text = visible(response.get_data(as_text=True))
        codes = COMPOUND + (SIMPLE if lang == "zh-CN" else [])
        for code in codes:
            if re.search(rf"(?<![\w.@/-]){re.escape(code)}(?![\w/-])", text):
                problems.append(f"{path}: code {code!r}")
        problems += [f"{path}: untranslated {s!r}" for s in sentences if s in text]
        problems += [f"{path}: placeholder {p!r}" for p in re.findall(r"%\(\w+\)s", text)]
    assert not problems, "\n".join(problems)
    assert walked >= 25, walked  # the walk really went through the pages

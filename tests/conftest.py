"""Fixtures: one migrated database per backend for the session, a rolled-back transaction per test.

Every test that uses ``app`` runs on SQLite, and on PostgreSQL as well when
VIP_TEST_POSTGRES_URL is set (CI sets it when a server answers on 127.0.0.1:5432).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import flask
import flask_migrate
import hypothesis
import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from app import create_app
from app.clock import FixedClock
from app.extensions import db

POSTGRES_URL = os.environ.get("VIP_TEST_POSTGRES_URL", "").strip()
# Property tests: a bounded run in `make test`, a long one with `make fuzz` (HYPOTHESIS_PROFILE=long).
hypothesis.settings.register_profile("suite", max_examples=300, deadline=None, derandomize=True)
hypothesis.settings.register_profile("long", max_examples=20_000, deadline=None)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# A fixed "now" for date rules: 2026-05-20 10:00 in Shanghai.
DEFAULT_NOW = dt.datetime(2026, 5, 20, 10, 0, tzinfo=SHANGHAI)

BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason="VIP_TEST_POSTGRES_URL is not set: PostgreSQL runs skipped")),
]


def _postgres_database() -> Iterator[str]:
    """A throw-away database next to the one CI names, dropped after the session."""
    admin_url = sa.engine.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"vip_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# Keys as strong as a real install must use (create_app refuses weak ones outside tests): for apps and servers that
# run without TESTING and must read what the fixtures wrote.
FRESH_KEYS = {"SECRET_KEY": "fresh-session-key-3f9a7c1e5b2d804633", "VIP_DATA_KEY": "fresh-data-key-8c2e4a6f1b3d507911",
              "VIP_TOKEN_KEYS": ["fresh-card-key-5d1f7b3a9e2c408622"]}


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        yield from _postgres_database()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    application = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "VIP_DATA_KEY": "test-data-key-0123456789",
        "VIP_PUBLIC_BASE_URL": "https://vip.example.test",
        "VIP_CLOCK": FixedClock(DEFAULT_NOW),
        "VIP_LOGIN_RATE_LIMIT": "1000 per minute",
        "WTF_CSRF_ENABLED": True,
    })
    application.instance_path = str(instance)
    with application.app_context():
        flask_migrate.upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


class _TestSession(orm.scoped_session):
    """Lives for the whole test so the test's objects stay usable between requests.

    At the end of each request Flask-SQLAlchemy calls remove(); production closes the session,
    which throws away uncommitted work. Here the same happens by rolling back to the savepoint.
    """

    def remove(self) -> None:
        if self.registry.has():
            self.registry().rollback()


@pytest.fixture(autouse=True)
def _rollback(request) -> Iterator[None]:
    """Each test runs inside one outer transaction that is rolled back; service commits become savepoints."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        engine = db.engine
    connection = engine.connect()
    outer = connection.begin()
    original = db.session
    # A plain Session: Flask-SQLAlchemy's own would route queries to the engine, not this connection.
    db.session = _TestSession(orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    try:
        yield
    finally:
        db.session.registry().close()
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture(params=BACKENDS)
def fresh_app(request, tmp_path):
    """An app on a database of its own, migrated, that really commits (no per-test rollback): for parallel
    requests, servers in other processes, and counting what one request costs. SQLite and PostgreSQL."""
    urls = _postgres_database() if request.param == "postgresql" else iter([f"sqlite:///{tmp_path / 'fresh.sqlite3'}"])
    url = next(urls)
    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **FRESH_KEYS, "VIP_CLOCK": FixedClock(DEFAULT_NOW),
                              "VIP_PUBLIC_BASE_URL": "https://vip.example.test"})
    with application.app_context():
        flask_migrate.upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()
    next(urls, None)  # PostgreSQL: drop the database


def issued_cards(app, code: str, admin: str, consultant: str, count: int, seed: int, **program: Any) -> list[dict]:
    """A programme (``program`` overrides its preset) and cards issued and sealed through the API on a fresh app."""
    client = app.test_client()
    assert Api(client, admin).post("/programs", program_payload(code=code, **program)).status_code == 201
    cards = []
    for n in range(count):
        member = Api(client, consultant).post("/members", {"name": f"到场{n}", "id_number": valid_id_number(seed + n),
                                                           "phone": "13800138000"}).get_json()
        card = Api(client, consultant).post("/cards", {"program": code, "tier": "VIP", "member_id": member["id"],
                                                       "amount": "50000", "payment_method": "cash",
                                                       "receipt_no": f"{code}{n}"}).get_json()
        Api(client, consultant).sign_by_scan(card["agreement_id"])
        cards.append(card)
    return cards


def signed_cards(app, code: str, admin: str, consultant: str, count: int, seed: int) -> list[str]:
    """As issued_cards; their verify tokens."""
    return [card["verify_url"].rsplit("/v/", 1)[1] for card in issued_cards(app, code, admin, consultant, count, seed)]


def cli_token(app, role: str, name: str) -> str:
    """A user made with the CLI, and a new API token for them."""
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", name, "--role", role, "--password", "password-1"])
    return runner.invoke(args=["users", "token", name]).output.strip().splitlines()[-1]


@pytest.fixture
def clock(app) -> FixedClock:
    fixed = app.extensions["vip_clock"]
    fixed.at = DEFAULT_NOW
    yield fixed
    fixed.at = DEFAULT_NOW


@pytest.fixture
def ctx(app):
    """A request context for calling services directly, as a view would. Not for tests that also use a client."""
    with app.test_request_context("/"):
        yield


def in_request(app, fn, *args, **kwargs):
    """Run fn as a view would, in a request context of its own."""
    with app.test_request_context("/"):
        return fn(*args, **kwargs)


# Factories -----------------------------------------------------------------------------------

def program_payload(preset: str = "presale_95", **overrides: Any) -> dict[str, Any]:
    from app.programs.presets import preset as load_preset

    data = load_preset(preset)
    data.update({
        "code": overrides.pop("code", f"P{secrets.token_hex(3).upper()}"),
        "issuer_name": "测试置业有限责任公司",
        "project_name": "测试花园",
        "contact_phone": "0938-1234567",
        "issuer_address": "甘肃省天水市秦州区测试路8号",
        "issuer_credit_code": "91620102MA72XQ8B1K",
        "issuer_legal_rep": "王测试",
    })
    if data["kind"] == "presale_deposit":
        # Permit in force and opening day on the fixed clock's date, so cards can be issued and used today.
        data.update({"presale_permit_no": "测预售字(2026)第9号", "presale_permit_date": "2026-03-01",
                     "opening_date": DEFAULT_NOW.date().isoformat()})
    data.update(overrides)
    return data


def valid_id_number(seed: int) -> str:
    """A resident ID number with a correct check digit, unique per seed."""
    from stdnum.cn import ric

    base = f"110105{1950 + seed % 50:04d}{1 + seed % 12:02d}{1 + seed % 28:02d}{seed % 1000:03d}0"
    return base[:-1] + ric.calc_check_digit(base)


@pytest.fixture
def make_user(app):
    from app.users.services import create_user

    def make(role: str = "consultant", username: str | None = None, password: str = "password-123"):
        return in_request(app, create_user, {"username": username or f"{role}-{secrets.token_hex(3)}",
                                             "role": role, "password": password})

    return make


@pytest.fixture
def make_program(app):
    from app.programs.services import create_program

    def make(preset: str = "presale_95", **overrides: Any):
        return in_request(app, create_program, program_payload(preset, **overrides), by=None)

    return make


@pytest.fixture
def make_member(app):
    from app.members.services import register_member

    counter = iter(range(1, 10_000))

    def make(**overrides: Any):
        n = next(counter)
        data = {"name": f"测试会员{n}", "id_number": valid_id_number(n), "phone": f"1380013{n:04d}"}
        data.update(overrides)
        return in_request(app, register_member, data, by=None)[0]

    return make


class Api:
    """A test client speaking JSON with a bearer token."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def _headers(self, extra: dict | None = None) -> dict:
        assert not flask.has_app_context(), "a held app context would leak g between requests"
        headers = {"Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path: str, **kw):
        return self.client.get(f"/api/v1{path}", headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, path: str, json: Any = None, **kw):
        return self.client.post(f"/api/v1{path}", json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, path: str, json: Any = None, **kw):
        return self.client.put(f"/api/v1{path}", json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def renew(self, app) -> Api:
        """A token for the same user issued today (the fixed clock's): after a jump of months, as staff would have."""
        from sqlalchemy import select

        from app.users.models import ApiToken
        from app.users.services import _hash_token, issue_token
        user = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(self.token))).user
        self.token = in_request(app, issue_token, user, "renewed")
        return self

    def sign_by_scan(self, agreement_id: int):
        """Seal an agreement with an uploaded scan of the ink-signed copy (the quick way to put a card in force)."""
        import io
        response = self.client.post(f"/api/v1/agreements/{agreement_id}/scan", headers=self._headers(),
                                    data={"scan": (io.BytesIO(scan_png()), "signed.png")}, content_type="multipart/form-data")
        assert response.status_code == 200, response.get_json()
        return response

    def delete(self, path: str, **kw):
        return self.client.delete(f"/api/v1{path}", headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, path: str, json: Any = None, **kw):
        return self.client.patch(f"/api/v1{path}", json=json, headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def api_as(app, make_user):
    from app.users.services import issue_token

    def as_role(role: str = "admin") -> Api:
        user = make_user(role)
        return Api(app.test_client(), in_request(app, issue_token, user, "test"))

    return as_role


@pytest.fixture
def login(app, make_user):
    """A browser-like client signed in with the given role; forms need the CSRF token from a page."""

    def sign_in(role: str = "admin", user=None):
        assert not flask.has_app_context(), "a held app context would leak g between requests"
        client = app.test_client()
        user = user or make_user(role)
        page = client.get("/login")
        response = client.post("/login", data={"username": user.username, "password": "password-123",
                                               "csrf_token": csrf_token(page.get_data(as_text=True))})
        assert response.status_code == 302, response.get_data(as_text=True)
        client.user = user
        return client

    return sign_in


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def form_post(client, path: str, data: dict, **kw):
    """Fetch the page for its CSRF token, then post the form like a browser."""
    page = client.get(path)
    return client.post(path, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))}, **kw)


class _FormReader(HTMLParser):
    """Collects what a browser would submit for the first form with a given action (or the first POST form)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    self.fields[name] = a.get("value") or "on"
            elif kind not in ("submit", "button"):
                self.fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.fields[self._select] = value
                self._select_chosen = True

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._select_chosen:
                self.fields[self._select] = self._select_first or ""
            self._select = None


def browser_form(html: str, form_index: int = -1) -> dict[str, str]:
    """The fields of a page's form as a browser submits them: text as shown, ticked boxes, chosen options.

    ``form_index`` picks among the page's forms with method=post (the last by default, the page's main form
    being after the header's sign-out form).
    """
    forms = re.findall(r'<form method="post"[^>]*>.*?</form>', html, re.S)
    reader = _FormReader()
    reader.feed(forms[form_index])
    return reader.fields


# Cards, signatures and QR codes ---------------------------------------------------------------

def signature_data_url(text: str = "签名", size: tuple[int, int] = (400, 150)) -> str:
    """A drawn-looking signature: dark strokes on a transparent pad, as the browser's canvas sends it."""
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    wobble = sum(map(ord, text)) % 40  # a different hand for each text, so documents hold distinct images
    draw.line([(20, 100), (90, 40 + wobble), (150, 110), (230, 30 + wobble // 2), (330, 95)], fill=(20, 20, 20, 255), width=5)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def plain_pdf(pages: int = 1) -> bytes:
    """A plain PDF of blank A4 pages, as a scanner's simplest output: what the scan check accepts."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_BYTES = plain_pdf()


def decode_qr(png: bytes) -> list[str]:
    import io

    import zxingcpp
    from PIL import Image

    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def xlsx_bytes(rows) -> bytes:
    """A workbook whose first sheet holds these rows, as Excel would save it."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def scan_png() -> bytes:
    """A scan of an ink-signed page as a PNG, different every time: one file seals one agreement."""
    import io

    from PIL import Image

    image = Image.frombytes("L", (64, 48), secrets.token_bytes(64 * 48))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seal_subscription(app, card, consultant):
    """Sign the card's subscription agreement the quick way (an uploaded scan), which puts the card in force."""
    from flask_login import login_user

    from app.agreements.models import AgreementKind
    from app.agreements.services import seal_scan

    agreement = next(a for a in card.agreements if a.kind is AgreementKind.SUBSCRIPTION)
    with app.test_request_context("/"):
        login_user(consultant)
        seal_scan(agreement.id, scan_png(), "signed.png", consultant=consultant)
    return card


@pytest.fixture
def make_card(app, make_program, make_member, make_user):
    """Issue a card as a consultant would, and have its agreement signed (``signed=False`` leaves it awaiting
    signature); the programme and member are made unless given."""
    from app.cards.services import issue_card

    consultant = make_user("consultant")

    def make(program=None, member=None, tier: str | None = None, signed: bool = True, **overrides: Any):
        program = program or make_program()
        member = member or make_member()
        chosen = (program.tier(tier) if tier else None) or program.tiers[0]  # an unknown tier still goes to the service
        data = {"program": program.code, "tier": tier or chosen.code, "member_id": member.id, "amount": chosen.amount_fen / 100,
                "payment_method": "wechat_pay", "receipt_no": f"R{secrets.token_hex(4)}"}
        if chosen.qualifying_spend_fen:
            data["qualifying_spend"] = chosen.qualifying_spend_fen / 100
        if "program_code" in overrides:  # an unknown programme code, for error tests
            data["program"] = overrides.pop("program_code")
        data.update(overrides)
        card = in_request(app, issue_card, data, by=consultant)
        return seal_subscription(app, card, consultant) if signed else card

    make.consultant = consultant
    return make

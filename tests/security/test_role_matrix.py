"""Every route of the web UI and the API, asked by each of anonymous, consultant, counter, admin and auditor: each
answer is the decision written here, never a 5xx. A route added without a line here fails the suite.

Letters: C consultant, K counter, A admin, U auditor, * anyone (no sign-in). A role not listed must be refused:
401 (API, anonymous), 403 (signed in), or the sign-in page (web, anonymous). A listed role must get past the door:
any answer but those, and below 500 (a 404 for an object that does not exist, or a 422 for the empty body sent here,
is past the door)."""

from __future__ import annotations

import itertools
import re

import pytest

from app import tokens
from tests.conftest import csrf_token, in_request

ROLES = {"C": "consultant", "K": "counter", "A": "admin", "U": "auditor"}
MISSING_ID = 999_999

EXPECTED = {
    "GET /": "CKAU",
    "GET /admin/audit": "AU",
    "GET /scans/": "AU",
    "GET /imports/": "A",
    "POST /imports/": "A",
    "GET /imports/template.xlsx": "A",
    "GET /imports/<id:job_id>": "A",
    "GET /imports/<id:job_id>.json": "A",
    "GET /imports/<id:job_id>/errors.xlsx": "A",
    "GET /api/v1/imports/template.xlsx": "A",
    "POST /api/v1/imports": "A",
    "GET /api/v1/imports/<id:job_id>": "A",
    "GET /api/v1/imports/<id:job_id>/errors.xlsx": "A",
    "GET /admin/users/": "A",
    "GET /admin/users/<id:user_id>": "A",
    "POST /admin/users/<id:user_id>": "A",
    "POST /admin/users/<id:user_id>/tokens": "A",
    "POST /admin/users/<id:user_id>/tokens/<id:token_id>/revoke": "A",
    "GET /admin/users/new": "A",
    "POST /admin/users/new": "A",
    "GET /agreements/<id:agreement_id>/document": "CA",
    "GET /agreements/<id:agreement_id>/document.pdf": "CA",
    "GET /agreements/<id:agreement_id>/pages/<int:page>.png": "CA",
    "POST /agreements/<id:agreement_id>/scan": "CA",
    "GET /agreements/<id:agreement_id>/sign": "CA",
    "POST /agreements/<id:agreement_id>/sign": "CA",
    "GET /api/v1/agreements/<id:agreement_id>": "CKAU",
    "GET /api/v1/agreements/<id:agreement_id>/document": "CA",
    "GET /api/v1/agreements/<id:agreement_id>/document.docx": "CA",
    "GET /api/v1/agreements/<id:agreement_id>/document.pdf": "CA",
    "POST /api/v1/agreements/<id:agreement_id>/scan": "CA",
    "POST /api/v1/agreements/<id:agreement_id>/sign": "CA",
    "GET /api/v1/annul-requests": "CKAU",
    "POST /api/v1/annul-requests/<id:request_id>/approve": "A",
    "POST /api/v1/annul-requests/<id:request_id>/cancel": "CA",
    "POST /api/v1/annul-requests/<id:request_id>/reject": "A",
    "GET /api/v1/audit": "AU",
    "GET /api/v1/scans": "AU",
    "GET /api/v1/audit.csv": "AU",
    "GET /api/v1/cards": "CKAU",
    "POST /api/v1/cards": "CA",
    "GET /api/v1/cards/<number>": "CKAU",
    "POST /api/v1/cards/<number>/cancel-loss": "CA",
    "GET /api/v1/cards/<number>/card.png": "CKAU",
    "GET /api/v1/cards/<number>/history": "CKAU",
    "POST /api/v1/cards/<number>/redeem": "CKA",
    "POST /api/v1/cards/<number>/refund-requests": "CA",
    "POST /api/v1/cards/<number>/reissue": "CA",
    "POST /api/v1/cards/<number>/renew": "CA",
    # Retail (issue 12): whoever stands at the till records purchases and spends points; everyone reads points;
    # managers and auditors see what is about to expire.
    "POST /api/v1/cards/<number>/purchases": "CKA",
    "GET /api/v1/cards/<number>/points": "CKAU",
    "POST /api/v1/cards/<number>/points/redeem": "CKA",
    "GET /api/v1/points/expiring": "AU",
    "GET /api/v1/loyalty/qualifying": "CKA",
    "POST /cards/<number>/purchases": "CKA",
    "GET /purchases/<id:purchase_id>": "CKAU",
    "GET /purchases/<id:purchase_id>/receipt.docx": "CKAU",
    "GET /loyalty/qualify": "CKA",
    "GET /loyalty/expiring": "AU",
    "POST /api/v1/cards/<number>/report-loss": "CKA",
    "POST /api/v1/cards/<number>/terminate": "CA",
    "POST /api/v1/cards/<number>/dues": "CA",
    "POST /api/v1/cards/<number>/issuer-termination": "A",
    "POST /api/v1/cards/<number>/transfer": "CA",
    "POST /api/v1/cards/<number>/void": "CA",
    "POST /api/v1/documents/check": "CKAU",
    "GET /api/v1/exports/<what>.csv": "AU",
    "GET /api/v1/exports/<what>.xlsx": "AU",
    "GET /api/v1/me": "CKAU",
    "GET /api/v1/members": "CAU",
    "POST /api/v1/members": "CA",
    "GET /api/v1/members/<id:member_id>": "CAU",
    "PATCH /api/v1/members/<id:member_id>": "CA",
    "GET /api/v1/members/<id:member_id>/cards": "CKAU",
    "GET /api/v1/members/<id:member_id>/history": "CAU",
    "POST /api/v1/members/<id:member_id>/reveal": "CA",
    "GET /api/v1/openapi.json": "*CKAU",
    "GET /api/v1/program-presets": "CKAU",
    "GET /api/v1/program-presets/<key>": "CKAU",
    "GET /api/v1/programs": "CKAU",
    "POST /api/v1/programs": "A",
    "GET /api/v1/programs/<code>": "CKAU",
    "PATCH /api/v1/programs/<code>": "A",
    "GET /api/v1/programs/<code>/certificate": "CKAU",
    "PUT /api/v1/programs/<code>/certificate": "A",
    "GET /api/v1/programs/<code>/published-discounts": "CKAU",
    "POST /api/v1/programs/<code>/published-discounts": "A",
    "DELETE /api/v1/programs/<code>/published-discounts/<id:discount_id>": "A",
    "GET /api/v1/programs/<code>/sales-control": "CKAU",
    "PUT /api/v1/programs/<code>/seal": "A",
    "GET /api/v1/programs/<code>/units": "CKAU",
    "POST /api/v1/programs/<code>/units": "A",
    "GET /api/v1/programs/<code>/units.csv": "CKAU",
    "GET /api/v1/programs/<code>/units.xlsx": "CKAU",
    "GET /api/v1/programs/<code>/units/<unit_code>": "CKAU",
    "PATCH /api/v1/programs/<code>/units/<unit_code>": "A",
    "POST /api/v1/programs/<code>/units/import": "A",
    "GET /api/v1/queue": "CKAU",
    "POST /api/v1/queue/<id:entry_id>/recall": "CKA",
    "POST /api/v1/queue/<id:entry_id>/serve": "CKA",
    "POST /api/v1/queue/<id:entry_id>/skip": "CKA",
    "POST /api/v1/queue/call-next": "CKA",
    "POST /api/v1/queue/check-in": "CKA",
    "POST /api/v1/queue/draws": "A",
    "GET /api/v1/queue/draws/<id:draw_id>": "CKAU",
    "GET /api/v1/queue/screens": "A",
    "POST /api/v1/queue/screens": "A",
    "POST /api/v1/queue/screens/<id:screen_id>/revoke": "A",
    "POST /api/v1/redemptions/<id:redemption_id>/annul": "CA",
    "GET /api/v1/refund-requests": "CKAU",
    "POST /api/v1/refund-requests/<id:request_id>/approve": "A",
    "POST /api/v1/refund-requests/<id:request_id>/cancel": "CA",
    "POST /api/v1/refund-requests/<id:request_id>/reject": "A",
    "GET /api/v1/stats": "AU",
    "GET /api/v1/transfer-requests": "CKAU",
    "POST /api/v1/transfer-requests/<id:request_id>/approve": "A",
    "POST /api/v1/transfer-requests/<id:request_id>/cancel": "CA",
    "POST /api/v1/transfer-requests/<id:request_id>/reject": "A",
    "GET /api/v1/verify/<token>": "CKAU",
    "POST /api/v1/verify/<token>/check-in": "CKA",
    "POST /api/v1/verify/<token>/redeem": "CKA",
    "POST /api/v1/verify/<token>/settlement": "CKA",
    "GET /api/v1/void-requests": "CKAU",
    "POST /api/v1/void-requests/<id:request_id>/approve": "A",
    "POST /api/v1/void-requests/<id:request_id>/cancel": "CA",
    "POST /api/v1/void-requests/<id:request_id>/reject": "A",
    "GET /approvals": "CKAU",
    "POST /approvals/annul/<id:request_id>/approve": "A",
    "POST /approvals/annul/<id:request_id>/cancel": "CA",
    "POST /approvals/annul/<id:request_id>/reject": "A",
    "POST /approvals/refund/<id:request_id>/approve": "A",
    "POST /approvals/refund/<id:request_id>/cancel": "CA",
    "POST /approvals/refund/<id:request_id>/reject": "A",
    "POST /approvals/transfer/<id:request_id>/approve": "A",
    "POST /approvals/transfer/<id:request_id>/cancel": "CA",
    "POST /approvals/transfer/<id:request_id>/reject": "A",
    "POST /approvals/void/<id:request_id>/approve": "A",
    "POST /approvals/void/<id:request_id>/cancel": "CA",
    "POST /approvals/void/<id:request_id>/reject": "A",
    "GET /cards/": "CKAU",
    "GET /cards/<number>": "CKAU",
    "POST /cards/<number>/cancel-loss": "CA",
    "GET /cards/<number>/card.png": "CKAU",
    "GET /cards/<number>/print": "CKAU",
    "POST /cards/<number>/refund": "CA",
    "POST /cards/<number>/reissue": "CA",
    "POST /cards/<number>/renew": "CA",
    "POST /cards/<number>/report-loss": "CKA",
    "POST /cards/<number>/terminate": "CA",
    "POST /cards/<number>/dues": "CA",
    "POST /cards/<number>/issuer-terminate": "A",
    "POST /cards/<number>/transfer": "CA",
    "POST /cards/<number>/void": "CA",
    "GET /cards/new": "CA",
    "POST /cards/new": "CA",
    "GET /check": "*CKAU",
    "POST /check": "*CKAU",
    "GET /check/demo-ca.pem": "*CKAU",
    "GET /counter": "CKA",
    "POST /counter": "CKA",
    "GET /d/<path:token>": "*CKAU",
    "POST /d/<path:token>": "*CKAU",
    "POST /d/<path:token>/download": "*CKAU",
    "GET /dashboard": "AU",
    "GET /desk": "CA",
    "GET /exports/": "AU",
    "GET /exports/<what>.csv": "AU",
    "POST /exports/<what>.csv": "A",
    "GET /exports/<what>.xlsx": "AU",
    "POST /exports/<what>.xlsx": "A",
    "GET /healthz": "*CKAU",
    "GET /login": "*CKAU",
    "POST /login": "*CKAU",
    "POST /logout": "",
    "GET /members/": "CAU",
    "GET /members/<id:member_id>": "CAU",
    "GET /members/<id:member_id>/edit": "CA",
    "POST /members/<id:member_id>/edit": "CA",
    "POST /members/<id:member_id>/reveal": "CA",
    "GET /members/new": "CA",
    "POST /members/new": "CA",
    "GET /programs/": "CKAU",
    "GET /programs/<code>": "CKAU",
    "POST /programs/<code>/certificate": "A",
    "GET /programs/<code>/edit": "A",
    "POST /programs/<code>/edit": "A",
    "POST /programs/<code>/published-discounts": "A",
    "POST /programs/<code>/published-discounts/<id:discount_id>/delete": "A",
    "GET /programs/<code>/seal": "A",
    "POST /programs/<code>/seal": "A",
    "GET /programs/<code>/units": "CKAU",
    "GET /programs/<code>/units.csv": "CKAU",
    "GET /programs/<code>/units.xlsx": "CKAU",
    "GET /programs/<code>/units/<unit_code>": "CKAU",
    "POST /programs/<code>/units/<unit_code>": "A",
    "POST /programs/<code>/units/import": "A",
    "POST /programs/<code>/units/new": "A",
    "GET /programs/<code>/units/status.json": "CKAU",
    "GET /programs/new": "A",
    "POST /programs/new": "A",
    "GET /queue": "CKA",
    "POST /queue/<id:entry_id>/recall": "CKA",
    "POST /queue/<id:entry_id>/serve": "CKA",
    "POST /queue/<id:entry_id>/skip": "CKA",
    "POST /queue/call-next": "CKA",
    "POST /queue/draws": "A",
    "GET /queue/draws/<id:draw_id>": "CKAU",
    "POST /queue/screens": "A",
    "POST /queue/screens/<id:screen_id>/revoke": "A",
    "POST /redemptions/<id:redemption_id>/annul": "CA",
    "GET /screen/<secret>": "*CKAU",
    "GET /screen/<secret>/board.json": "*CKAU",
    "GET /static/<path:filename>": "*CKAU",
    "GET /v/<path:token>": "*CKAU",
    "GET /admin/sms-outbox/": "A",
    # The member's own page (issue 12): anyone may ask for a code (the API also takes it back); the code page needs the
    # sign-in step's challenge, and what lies behind a member's session, which no staff sign-in or API token gives
    # ("": every role here is sent back to the member's sign-in, signing out included).
    "GET /my/sign-in": "*CKAU",
    "POST /my/sign-in": "*CKAU",
    "GET /my/code": "",
    "POST /my/code": "",
    "GET /my/": "",
    "GET /my/agreements/<id:agreement_id>.pdf": "",
    "POST /my/cards/<number>/refund": "",
    "POST /my/sign-out": "",
    "POST /api/v1/portal/code": "*CKAU",
    "POST /api/v1/portal/session": "*CKAU",
    "DELETE /api/v1/portal/session": "",
    "GET /api/v1/portal/cards": "",
    "GET /api/v1/portal/agreements/<id:agreement_id>/document.pdf": "",
    "POST /api/v1/portal/cards/<number>/refund-requests": "",
}


def expand(app) -> dict[str, tuple[str, str, str]]:
    """'METHOD /rule' (any() converters expanded to each value) → (method, rule with values, endpoint)."""
    routes = {}
    for rule in app.url_map.iter_rules():
        choices = [(m.group(0), [v.strip().strip('"') for v in m.group(1).split(",")])
                   for m in re.finditer(r"<any\(([^)]*)\):\w+>", rule.rule)]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for values in itertools.product(*[vs for _, vs in choices]):
                path = rule.rule
                for (placeholder, _), value in zip(choices, values, strict=False):
                    path = path.replace(placeholder, value, 1)
                routes[f"{method} {path}"] = (method, path, rule.endpoint)
    return routes


@pytest.fixture
def world(app, make_card, make_user, api_as):
    """Real objects behind the ids in the paths, so that a role is judged at the door, not by a 404."""
    card = make_card()
    token = in_request(app, tokens.card_token, card.public_id, card.generation)
    unit = {"code": "1-1-101", "building": "1", "unit": "1", "floor": 1, "room": "101", "use": "residential",
            "area": "89.56", "list_price": "1000000.00"}
    assert api_as("admin").post(f"/programs/{card.program.code}/units", unit).status_code == 201
    return {"number": card.number, "agreement_id": card.agreements[0].id, "member_id": card.member.id,
            "code": card.program.code, "token": token, "user_id": make_user("consultant").id, "key": "presale_95",
            "unit_code": "1-1-101", "secret": "no-such-screen", "page": 1, "filename": "app.css", "fmt": "csv"}


def fill(path: str, world: dict) -> str:
    def value(match):
        name = match.group(2)
        return str(world.get(name, MISSING_ID))
    return re.sub(r"<(?:(\w+):)?(\w+)>", value, path)


def ask(client, method: str, path: str, csrf: str | None):
    if path.startswith("/api/"):
        return client.open(path, method=method, json={} if method != "GET" else None,
                           headers=getattr(client, "api_headers", {}))
    data = {"csrf_token": csrf} if method != "GET" and csrf else None
    return client.open(path, method=method, data=data)


def refused(response, path: str) -> bool:
    if path == "/login":
        return False  # signing in is for anyone: a 401 there is a wrong password, not a closed door
    if response.status_code in (401, 403):
        return True
    # A page sends a stranger to a sign-in: the staff's, or the member's for the member's own pages.
    return (not path.startswith("/api/") and response.status_code == 302
            and any(door in response.headers.get("Location", "") for door in ("/login", "/my/sign-in")))


def clients(app, login, api_as):
    """Per role: a signed-in browser with its CSRF token, and an API client with a token; anonymous has neither."""
    anonymous = app.test_client()
    made = {"*": (anonymous, anonymous, csrf_token(anonymous.get("/login").get_data(as_text=True)))}
    for letter, role in ROLES.items():
        browser = login(role)
        api = api_as(role)
        api.client.api_headers = api._headers()
        made[letter] = (browser, api.client, csrf_token(browser.get("/programs/").get_data(as_text=True)))
    return made


def answers(app, login, api_as, world, letter: str) -> dict[str, tuple[int, bool]]:
    """Each route asked by one role: (status, refused). Signing out goes last: it ends the browser's session."""
    browser, api, csrf = clients(app, login, api_as)[letter]
    routes = expand(app)
    seen = {}
    for key in sorted(routes, key=lambda k: k == "POST /logout"):
        method, path, _ = routes[key]
        url = fill(path, world)
        response = ask(api if url.startswith("/api/") else browser, method, url, csrf)
        seen[key] = (response.status_code, refused(response, url))
        response.close()
    return seen


@pytest.fixture(autouse=True)
def _fresh_limits():
    """Earlier tests in the same process (the phone test asking for codes) may have used up an address's limit: a
    door is judged here, not a limit."""
    from app.extensions import limiter
    limiter.reset()


def test_every_route_has_a_decision(app):
    routes = set(expand(app))
    assert routes - set(EXPECTED) == set(), "new routes: write down who may use them"
    assert set(EXPECTED) - routes == set(), "routes that no longer exist"


@pytest.mark.parametrize("letter", ["*", *ROLES])
def test_each_role_gets_past_exactly_the_doors_written_here(app, login, api_as, world, letter):
    seen = answers(app, login, api_as, world, letter)
    wrong = {key: status for key, (status, no) in seen.items() if no == (letter in EXPECTED[key])}
    errors = {key: status for key, (status, _) in seen.items() if status >= 500}
    assert (wrong, errors) == ({}, {})

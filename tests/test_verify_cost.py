"""What one verification costs the database (DESIGN §12, issue 10): opening day brings hundreds of scans an hour, so a
scan is at most three SQL statements and one commit (the counter's token, the card with all its answer needs, the
scan stored), and a token's "last used" is written at most once a minute. Counted on a database that really
commits, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, select

from app.cards.models import Scan
from app.extensions import db
from app.users.models import ApiToken
from tests.conftest import DEFAULT_NOW, Api, cli_token, program_payload, valid_id_number

DATA = ("SELECT", "INSERT", "UPDATE", "DELETE")


class Statements:
    """Every statement the engine sends, by kind; BEGIN (IMMEDIATE) and COMMIT are the transactions."""

    def __init__(self, engine):
        self.sent: list[str] = []
        self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, conn, cursor, statement, params, context, executemany):
        self.sent.append(statement.lstrip().split(None, 1)[0].upper())

    def _commit(self, conn):
        self.commits += 1

    def reset(self):
        self.sent.clear()
        self.commits = 0

    @property
    def data(self) -> list[str]:
        return [s for s in self.sent if s in DATA]


def _signed_card(app) -> tuple[Api, str, str]:
    admin, consultant = Api(app.test_client(), cli_token(app, "admin", "cost-admin")), \
        Api(app.test_client(), cli_token(app, "consultant", "cost-consultant"))
    assert admin.post("/programs", program_payload(code="COST")).status_code == 201
    member = consultant.post("/members", {"name": "张三", "id_number": valid_id_number(5), "phone": "13800138000"}
                             ).get_json()
    card = consultant.post("/cards", {"program": "COST", "tier": "VIP", "member_id": member["id"], "amount": "50000",
                                      "payment_method": "cash", "receipt_no": "C1"}).get_json()
    consultant.sign_by_scan(card["agreement_id"])
    counter = Api(app.test_client(), cli_token(app, "counter", "cost-counter"))
    return counter, card["verify_url"].rsplit("/v/", 1)[1], card["number"]


def test_a_verification_is_three_statements_and_one_commit(fresh_app):
    counter, token, number = _signed_card(fresh_app)
    with fresh_app.app_context():
        statements = Statements(db.engine)
    counter.get(f"/verify/{token}")  # the token's first use is stamped now
    statements.reset()
    answer = counter.get(f"/verify/{token}?counter_program=COST&station=A1")
    body = answer.get_json()
    assert (answer.status_code, body["result"], body["card"]["number"], body["card"]["held_amount"]) == (
        200, "valid", number, "50000.00")
    assert body["card"]["holder"]["name_masked"] == "张*" and body["card"]["program"]["code"] == "COST"
    assert statements.data == ["SELECT", "SELECT", "INSERT"], statements.sent  # token, card, scan
    assert statements.commits == 1

    statements.reset()
    page = fresh_app.test_client().get(f"/v/{token}")  # the member's own phone: no token to check
    assert page.status_code == 200 and "张*" in page.get_data(as_text=True)
    assert (statements.data, statements.commits) == (["SELECT", "INSERT"], 1), statements.sent
    with fresh_app.app_context():
        assert db.session.scalar(select(Scan.station).order_by(Scan.id.desc()).limit(2).offset(1)) == "A1"


def test_a_tokens_last_use_is_written_at_most_once_a_minute(fresh_app):
    counter, token, _ = _signed_card(fresh_app)
    clock = fresh_app.extensions["vip_clock"]
    with fresh_app.app_context():
        statements = Statements(db.engine)

    def last_used():
        with fresh_app.app_context():
            return db.session.scalar(select(ApiToken.last_used_at).order_by(ApiToken.id.desc()).limit(1))

    counter.get("/me")
    first = last_used()
    statements.reset()
    for seconds in (10, 30, 59):
        clock.at = DEFAULT_NOW + dt.timedelta(seconds=seconds)
        counter.get(f"/verify/{token}")
    assert statements.data.count("UPDATE") == 0 and last_used() == first
    clock.at = DEFAULT_NOW + dt.timedelta(seconds=61)
    statements.reset()
    counter.get(f"/verify/{token}")
    assert statements.data.count("UPDATE") == 1 and last_used() == DEFAULT_NOW + dt.timedelta(seconds=61)

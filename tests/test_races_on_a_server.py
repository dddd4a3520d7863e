"""Races against a running server (gunicorn, two worker processes with threads) on SQLite and on PostgreSQL, the
requests sent half from threads of this process and half from separate processes:

- one unit, sold once: eight counters choose the same unit at the same moment; exactly one sale, every other counter
  hears 409 ``unit_sold``, and the database holds one sale with one 认购书 and one deposit applied;
- opening-day arrivals: eight holders check in at eight desks at once, one of them at two desks; the numbers are
  unique, from 1 without gaps, and the holder at two desks has one number."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cards.models import LedgerEntry, LedgerKind, Redemption
from app.extensions import db
from app.units.models import Unit
from tests.conftest import FRESH_KEYS, Api, cli_token, issued_cards, program_payload, signed_cards, valid_id_number

ROOT = Path(__file__).resolve().parent.parent
PARALLEL = 8
# The same keys as the fixture's app, so tokens and ID numbers it made read the same in the server.
# Several workers count rate limits together in Redis (the app refuses its own memory with more than one).
ENV = {"VIP_SECRET_KEY": FRESH_KEYS["SECRET_KEY"], "VIP_DATA_KEY": FRESH_KEYS["VIP_DATA_KEY"],
       "VIP_TOKEN_KEYS": ",".join(FRESH_KEYS["VIP_TOKEN_KEYS"]), "VIP_PUBLIC_BASE_URL": "https://vip.example.test",
       "VIP_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(fresh_app, tmp_path):
    """gunicorn serving the fresh database (two workers with threads), beside the app used to set it up."""
    # The server reads the real clock: the setup here reads the same time, so what it writes (API tokens that last
    # 90 days, the day cards were issued) means the same to the server.
    fresh_app.extensions["vip_clock"].at = dt.datetime.now(dt.UTC)
    port = _free_port()
    env = os.environ | ENV | {"VIP_DATABASE_URL": fresh_app.config["SQLALCHEMY_DATABASE_URI"]}
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "-b",
                                    f"127.0.0.1:{port}", "app:create_app()"], cwd=ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + log.read_text(errors="replace")[-2000:])
    yield fresh_app, base
    process.terminate()
    process.wait(timeout=20)


def send(base: str, token: str, path: str, body: dict, barrier=None) -> tuple[int, str]:
    """One POST over HTTP: (status, error code, or "ok")."""
    request = urllib.request.Request(f"{base}/api/v1{path}", method="POST", data=json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    if barrier is not None:
        barrier.wait()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, "ok"
    except urllib.error.HTTPError as exc:
        body = json.loads(exc.read())["error"]
        return exc.code, body["code"] if body["code"] != "validation_failed" else ",".join(body["reasons"].values())


def buy(base: str, token: str, card_token: str, barrier=None) -> tuple[int, str]:
    """One counter's purchase of unit 8-1-0808 over HTTP: (status, error code or "sold")."""
    status, code = send(base, token, f"/verify/{card_token}/redeem", {"unit": "8-1-0808"}, barrier)
    return status, "sold" if code == "ok" else code


def _buy_in_process(args) -> tuple[int, str]:
    return buy(*args)


def check_in(base: str, token: str, card_token: str, barrier=None) -> int:
    """One desk's check-in over HTTP: the queue number given."""
    request = urllib.request.Request(f"{base}/api/v1/verify/{card_token}/check-in", method="POST",
                                     data=json.dumps({"program": "ARRIVE"}).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    if barrier is not None:
        barrier.wait()
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["queue_number"]


def _check_in_in_process(args) -> int:
    return check_in(*args)


def _race(in_processes, in_threads) -> list:
    """Run (function, args) pairs at once: the first list in separate processes, the second in threads here."""
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(len(in_processes)) as pool:
        pending = pool.map_async(in_processes[0][0], [args for _, args in in_processes])
        barrier = threading.Barrier(len(in_threads))
        results: list = [None] * len(in_threads)

        def run(i):
            function, args = in_threads[i]
            results[i] = function(*args, barrier)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(in_threads))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=90)
        return pending.get(timeout=90) + results


def test_parallel_check_ins_from_threads_and_processes_give_unique_gap_free_numbers(server):
    app, base = server
    admin, consultant = cli_token(app, "admin", "arrive-admin"), cli_token(app, "consultant", "arrive-consultant")
    desks = [cli_token(app, "counter", f"arrive-desk{i}") for i in range(PARALLEL)]
    cards = signed_cards(app, "ARRIVE", admin, consultant, PARALLEL - 1, 800)
    cards.append(cards[0])  # the first holder at two desks at once
    half = PARALLEL // 2
    numbers = _race([(_check_in_in_process, (base, desks[i], cards[i])) for i in range(half)],
                    [(check_in, (base, desks[i], cards[i])) for i in range(half, PARALLEL)])
    assert sorted(set(numbers)) == list(range(1, PARALLEL)), numbers  # unique, from 1, no gaps
    assert numbers[0] == numbers[-1]  # one holder, one number


def test_parallel_purchases_of_one_unit_from_threads_and_processes_sell_it_once(server):
    app, base = server
    admin, consultant = cli_token(app, "admin", "race-admin"), cli_token(app, "consultant", "race-consultant")
    counters = [cli_token(app, "counter", f"race-counter{i}") for i in range(PARALLEL)]
    card_tokens = signed_cards(app, "RACE", admin, consultant, PARALLEL, 700)
    assert Api(app.test_client(), admin).post("/programs/RACE/units", {
        "code": "8-1-0808", "building": "8", "unit": "1", "floor": 8, "room": "0808", "use": "residential",
        "area": "100", "list_price": "2000000"}).status_code == 201
    half = PARALLEL // 2
    outcomes = _race([(_buy_in_process, (base, counters[i], card_tokens[i])) for i in range(half)],
                     [(buy, (base, counters[i], card_tokens[i])) for i in range(half, PARALLEL)])

    assert sorted(outcomes).count((200, "sold")) == 1, outcomes
    assert sorted(code for status, code in outcomes if status != 200) == ["unit_sold"] * (PARALLEL - 1), outcomes
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "8-1-0808"))
        live = db.session.scalars(select(Redemption).where(Redemption.unit_id == unit.id,
                                                           Redemption.annulled_at.is_(None))).all()
        applied = db.session.scalar(select(func.count(LedgerEntry.id)).where(
            LedgerEntry.kind == LedgerKind.DEPOSIT_APPLIED))
        assert (unit.status.value, len(live), applied) == ("sold", 1, 1)
        assert live[0].agreement.kind.value == "purchase_subscription"


def _send_in_process(args) -> tuple[int, str]:
    return send(*args)


def _both_ways(base: str, calls: list[tuple[str, str, dict]]) -> list[tuple[int, str]]:
    """The same calls, half from other processes and half from threads here, all at once."""
    half = len(calls) // 2
    return _race([(_send_in_process, (base, *call)) for call in calls[:half]],
                 [(send, (base, *call)) for call in calls[half:]])


def _money_adds_up(app) -> None:
    """Every card's ledger sums to the money it holds, and no card holds less than nothing."""
    from app.cards.models import Card
    with app.app_context():
        for card in db.session.scalars(select(Card)):
            assert card.held_fen == sum(e.amount_fen for e in card.ledger) >= 0, card.number
        db.session.remove()


def test_two_managers_approving_one_refund_or_one_void_pay_once(server):
    app, base = server
    admins = [cli_token(app, "admin", f"boss{n}") for n in range(PARALLEL)]
    consultant = cli_token(app, "consultant", "kim")
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    refund_card, void_card = issued_cards(app, "TWICE", admins[0], consultant, 2, 1200,
                                     opening_date=(today - dt.timedelta(days=20)).isoformat())
    client = app.test_client()
    refund = Api(client, consultant).post(f"/cards/{refund_card['number']}/refund-requests", {"reason": "不买了"})
    void = Api(client, consultant).post(f"/cards/{void_card['number']}/void", {"reason": "录入错误"})
    assert (refund.status_code, void.status_code) == (201, 202), (refund.get_json(), void.get_json())  # 202: waits for a manager

    paid = _both_ways(base, [(admins[i], f"/refund-requests/{refund.get_json()['id']}/approve",
                              {"payout_method": "alipay", "payout_reference": f"A{i}"}) for i in range(PARALLEL)])
    voided = _both_ways(base, [(admins[i], f"/void-requests/{void.get_json()['id']}/approve", {})
                               for i in range(PARALLEL)])
    for outcomes in (paid, voided):
        assert sorted(outcomes).count((200, "ok")) == 1, outcomes
        assert all(status == 409 for status, _ in outcomes if status != 200), outcomes
    with app.app_context():
        for kind in (LedgerKind.REFUND_PAID, LedgerKind.REVERSED):  # one refund paid out, one void reversed: once each
            assert [e.amount_fen for e in db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == kind))] \
                == [-5_000_000], kind
        db.session.remove()
    _money_adds_up(app)


def test_parallel_issues_for_one_member_stop_at_the_programmes_card_limit(server):
    app, base = server
    admin, consultant = cli_token(app, "admin", "ada"), cli_token(app, "consultant", "kim")
    client = app.test_client()
    assert Api(client, admin).post("/programs", program_payload(code="LIMIT", max_active_cards_per_member=1)).status_code == 201
    member = Api(client, consultant).post("/members", {"name": "限一张", "id_number": valid_id_number(1300),
                                                       "phone": "13800138000"}).get_json()
    outcomes = _both_ways(base, [(consultant, "/cards", {"program": "LIMIT", "tier": "VIP", "member_id": member["id"],
                                                         "amount": "50000", "payment_method": "cash",
                                                         "receipt_no": f"L{i}"}) for i in range(PARALLEL)])
    assert sorted(outcomes).count((201, "ok")) == 1, outcomes
    assert sorted(code for status, code in outcomes if status != 201) == ["member_card_limit"] * (PARALLEL - 1)
    _money_adds_up(app)


def test_a_purchase_and_a_refund_request_at_once_leave_one_of_them(server):
    """Four counters redeem the card while four desks ask for its refund: one of the eight gets through."""
    app, base = server
    admin, consultant, counter = (cli_token(app, "admin", "ada"), cli_token(app, "consultant", "kim"),
                                  cli_token(app, "counter", "cai"))
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    card = issued_cards(app, "EITHER", admin, consultant, 1, 1400, opening_date=(today - dt.timedelta(days=20)).isoformat())[0]
    token = card["verify_url"].rsplit("/v/", 1)[1]
    calls = [(counter, f"/verify/{token}/redeem", {"item": "3-1-1201", "price": "1000000.00"}),
             (consultant, f"/cards/{card['number']}/refund-requests", {"reason": "不买了"})] * (PARALLEL // 2)
    outcomes = _both_ways(base, calls)
    assert sum(status in (200, 201) for status, _ in outcomes) == 1, outcomes
    assert all(status == 409 for status, _ in outcomes if status not in (200, 201)), outcomes
    _money_adds_up(app)


def test_two_desks_reissuing_one_lost_card_make_one_new_card(server):
    app, base = server
    admin, consultant = cli_token(app, "admin", "ada"), cli_token(app, "consultant", "kim")
    card = issued_cards(app, "LOST", admin, consultant, 1, 1500)[0]
    client = app.test_client()
    assert Api(client, consultant).post(f"/cards/{card['number']}/report-loss", {"reason": "丢了"}).status_code == 200
    outcomes = _both_ways(base, [(consultant, f"/cards/{card['number']}/reissue",
                                  {"id_number": valid_id_number(1500), "fee_receipt_no": "F1",
                                                                           "reason": "补办"})] * PARALLEL)
    assert sorted(outcomes).count((201, "ok")) == 1, outcomes
    assert all((status, code) == (409, "card_not_lost") for status, code in outcomes if status != 201), outcomes
    with app.app_context():
        from app.cards.models import Card
        assert db.session.scalar(select(func.count(Card.id)).where(Card.predecessor_id.is_not(None))) == 1
        db.session.remove()
    _money_adds_up(app)

"""Parallel requests against a real, committing database: redeem is once, the card limit holds.

These tests cannot use the per-test rollback (it holds SQLite's write lock), so each gets a fresh
database of its own, migrated, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.cards.models import LedgerEntry, Redemption, Scan
from app.extensions import db
from tests.conftest import Api, cli_token, program_payload, valid_id_number

PARALLEL = 8


@pytest.fixture
def live_app(fresh_app):
    return fresh_app


def _token(app, role):
    return cli_token(app, role, f"{role}{threading.get_ident() % 1000}")


def _in_parallel(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_parallel_redeems_of_one_card_succeed_exactly_once(live_app):
    admin, consultant = _token(live_app, "admin"), _token(live_app, "consultant")
    counters = [_token(live_app, "counter") for _ in range(PARALLEL)]
    client = live_app.test_client()
    assert client.post("/api/v1/programs", json=program_payload(code="RACE-1"),
                       headers={"Authorization": f"Bearer {admin}"}).status_code == 201
    member = client.post("/api/v1/members", json={"name": "张三", "id_number": valid_id_number(1), "phone": "13800138000"},
                         headers={"Authorization": f"Bearer {consultant}"}).get_json()
    card = client.post("/api/v1/cards", json={"program": "RACE-1", "tier": "VIP", "member_id": member["id"],
                                              "amount": "50000", "payment_method": "cash", "receipt_no": "R1"},
                       headers={"Authorization": f"Bearer {consultant}"}).get_json()
    Api(client, consultant).sign_by_scan(card["agreement_id"])
    token = card["verify_url"].rsplit("/v/", 1)[1]

    def redeem(counter_token):
        return lambda: live_app.test_client().post(
            f"/api/v1/verify/{token}/redeem", json={"item": "3-1-1201", "price": "1000000"},
            headers={"Authorization": f"Bearer {counter_token}"})

    responses = _in_parallel([redeem(t) for t in counters])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (PARALLEL - 1)
    assert {r.get_json()["error"]["code"] for r in responses if r.status_code == 409} == {"redeemed"}
    with live_app.app_context():
        assert db.session.scalar(select(func.count(Redemption.id))) == 1
        assert db.session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == "deposit_applied")) == 1
        verdicts = sorted(db.session.scalars(select(Scan.verdict).where(Scan.action == "redeem")))
        assert verdicts == ["redeemed"] * (PARALLEL - 1) + ["valid"]  # every attempt is on record


def test_two_consultants_issuing_to_one_member_at_once_respect_the_limit(live_app):
    admin = _token(live_app, "admin")
    consultants = [_token(live_app, "consultant") for _ in range(2)]
    client = live_app.test_client()
    client.post("/api/v1/programs", json=program_payload(code="RACE-2", max_active_cards_per_member=1), headers={"Authorization": f"Bearer {admin}"})
    member = client.post("/api/v1/members", json={"name": "李四", "id_number": valid_id_number(2), "phone": "13900139000"},
                         headers={"Authorization": f"Bearer {consultants[0]}"}).get_json()

    def issue(token, receipt):
        return lambda: live_app.test_client().post(
            "/api/v1/cards", json={"program": "RACE-2", "tier": "VIP", "member_id": member["id"], "amount": "50000",
                                   "payment_method": "cash", "receipt_no": receipt},
            headers={"Authorization": f"Bearer {token}"})

    responses = _in_parallel([issue(t, f"R{i}") for i, t in enumerate(consultants)])
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert [r.get_json()["error"]["code"] for r in responses if r.status_code == 409] == ["member_card_limit"]


def test_signing_holds_no_lock_while_the_pdf_is_made_and_seals_once(live_app):
    """Two tablets submit signatures for one agreement at once: one seals it, the other is told it is sealed; and
    the counter can redeem another card while LibreOffice works (the conversion runs outside any transaction)."""
    from tests.conftest import signature_data_url
    admin, consultant, counter = _token(live_app, "admin"), _token(live_app, "consultant"), _token(live_app, "counter")
    client = live_app.test_client()
    auth = {"Authorization": f"Bearer {admin}"}
    assert client.post("/api/v1/programs", json=program_payload(code="SIGN-RACE"), headers=auth).status_code == 201
    issued = []
    for n in (1, 2):
        member = client.post("/api/v1/members", json={"name": f"签名{n}", "id_number": valid_id_number(40 + n),
                                                       "phone": "13800138000"},
                             headers={"Authorization": f"Bearer {consultant}"}).get_json()
        issued.append(client.post("/api/v1/cards", json={"program": "SIGN-RACE", "tier": "VIP", "member_id": member["id"],
                                                         "amount": "50000", "payment_method": "cash", "receipt_no": f"S{n}"},
                                  headers={"Authorization": f"Bearer {consultant}"}).get_json())
    Api(client, consultant).sign_by_scan(issued[1]["agreement_id"])
    body = {"member_signature": signature_data_url("会员"), "consultant_signature": signature_data_url("顾问"), "consent": True}

    def sign():
        return live_app.test_client().post(f"/api/v1/agreements/{issued[0]['agreement_id']}/sign", json=body,
                                           headers={"Authorization": f"Bearer {consultant}"})

    def redeem():
        return live_app.test_client().post(f"/api/v1/verify/{issued[1]['verify_url'].rsplit('/v/', 1)[1]}/redeem",
                                           json={"item": "1-1-101", "price": "1000000"},
                                           headers={"Authorization": f"Bearer {counter}"})

    responses = _in_parallel([sign, sign, redeem])
    assert sorted(r.status_code for r in responses[:2]) == [200, 409]
    assert {r.get_json()["error"]["code"] for r in responses[:2] if r.status_code == 409} == {"agreement_already_sealed"}
    assert responses[2].status_code == 200  # the counter was not kept waiting behind the signing
    with live_app.app_context():
        from app.agreements.models import Document, Signature
        assert db.session.scalar(select(func.count(Document.id)).where(Document.role == "sealed")) == 2  # one each
        assert db.session.scalar(select(func.count(Signature.id)).where(Signature.method == "drawn")) == 2  # one signing


def test_parallel_check_ins_get_unique_numbers_without_gaps(live_app):
    """Opening day: eight holders reach eight desks at the same moment, one of them twice."""
    admin, consultant = _token(live_app, "admin"), _token(live_app, "consultant")
    counters = [_token(live_app, "counter") for _ in range(PARALLEL)]
    client = live_app.test_client()
    assert client.post("/api/v1/programs", json=program_payload(code="QUEUE-1"),
                       headers={"Authorization": f"Bearer {admin}"}).status_code == 201
    tokens = []
    for n in range(PARALLEL - 1):
        member = client.post("/api/v1/members", json={"name": f"排队{n}", "id_number": valid_id_number(60 + n),
                                                       "phone": "13800138000"},
                             headers={"Authorization": f"Bearer {consultant}"}).get_json()
        card = client.post("/api/v1/cards", json={"program": "QUEUE-1", "tier": "VIP", "member_id": member["id"],
                                                  "amount": "50000", "payment_method": "cash", "receipt_no": f"Q{n}"},
                           headers={"Authorization": f"Bearer {consultant}"}).get_json()
        Api(client, consultant).sign_by_scan(card["agreement_id"])
        tokens.append(card["verify_url"].rsplit("/v/", 1)[1])
    tokens.append(tokens[0])  # the first holder scanned at two desks at once

    def check_in(token, counter):
        return lambda: live_app.test_client().post(f"/api/v1/verify/{token}/check-in", json={"program": "QUEUE-1"},
                                                   headers={"Authorization": f"Bearer {counter}"})

    responses = _in_parallel([check_in(t, c) for t, c in zip(tokens, counters, strict=False)])
    assert all(r.status_code in (200, 201) for r in responses), [r.get_json() for r in responses]
    numbers = [r.get_json()["queue_number"] for r in responses]
    assert sorted(set(numbers)) == list(range(1, PARALLEL))  # unique, from 1, no gaps
    assert numbers[0] == numbers[-1]  # the same card, the same number

"""Two tills spending the same points at the same moment: the card's row is locked, so the points are spent once
(issue 12 part 1). A fresh committing database on SQLite and on PostgreSQL, as in test_concurrency.py."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.loyalty.models import PointLot, PointSpend
from tests.conftest import Api, program_payload, valid_id_number
from tests.test_concurrency import PARALLEL, _in_parallel, _token


def test_parallel_spends_of_the_same_points_succeed_once(fresh_app):
    admin, consultant = _token(fresh_app, "admin"), _token(fresh_app, "consultant")
    tills = [_token(fresh_app, "counter") for _ in range(PARALLEL)]
    client = fresh_app.test_client()
    auth = {"Authorization": f"Bearer {consultant}"}
    assert client.post("/api/v1/programs", json=program_payload("retail_vip", code="RACE-P"),
                       headers={"Authorization": f"Bearer {admin}"}).status_code == 201
    member = client.post("/api/v1/members", json={"name": "张三", "id_number": valid_id_number(2), "phone": "13800138000"},
                         headers=auth).get_json()
    card = client.post("/api/v1/cards", json={"program": "RACE-P", "tier": "VIP", "member_id": member["id"],
                                              "amount": "0", "qualifying_spend": "5000"}, headers=auth).get_json()
    Api(client, consultant).sign_by_scan(card["agreement_id"])
    number = card["number"]
    assert client.post(f"/api/v1/cards/{number}/purchases", json={"amount": "1000", "receipt_no": "P-0"},
                       headers=auth).status_code == 201  # 86 points

    def spend(i, till):
        return lambda: fresh_app.test_client().post(f"/api/v1/cards/{number}/points/redeem",
                                                    json={"points": 60, "receipt_no": f"S-{i}"},
                                                    headers={"Authorization": f"Bearer {till}"}).status_code

    codes = _in_parallel([spend(i, till) for i, till in enumerate(tills)])
    assert sorted(codes) == [201] + [409] * (PARALLEL - 1), codes
    with fresh_app.app_context():
        assert db.session.scalar(select(func.count(PointSpend.id))) == 1
        assert db.session.scalar(select(func.sum(PointLot.remaining))) == 26

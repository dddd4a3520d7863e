"""The approvals page and the API's waiting lists: a page at a time, oldest first, and a number of statements that
does not grow with the number of requests waiting (issue 11: 1,000 pending refunds once cost 2,005 queries)."""

from __future__ import annotations

import re

from sqlalchemy import event

from app.approvals.models import AnnulRequest, RefundKind, RefundRequest, RequestStatus, TransferRequest, VoidRequest
from app.cards.models import Redemption
from app.clock import utcnow
from app.extensions import db


def _waiting(app, make_card, make_member, requester, n: int) -> list[int]:
    """n cards, each with a refund, a transfer, a purchase cancellation and a void waiting: the refunds' ids."""
    cards = [(make_card(signed=False).id, make_member().id) for _ in range(n)]
    refunds = []
    with app.app_context():
        for i, (card_id, member_id) in enumerate(cards):
            now = utcnow()
            redemption = Redemption(card_id=card_id, item=f"A-{i}", price_fen=100, discount_rate_bp=10000,
                                    discounted_fen=100, offset_fen=0, payable_fen=100, deposit_applied_fen=0,
                                    deposit_remaining_fen=0, credit_used_fen=0, credit_lapsed_fen=0, redeemed_at=now)
            refund = RefundRequest(card_id=card_id, kind=RefundKind.REFUND, status=RequestStatus.PENDING,
                                   amount_fen=100 + i, reason="换房", requested_by_id=requester.id, requested_at=now)
            db.session.add_all([redemption, refund,
                                TransferRequest(card_id=card_id, to_member_id=member_id, status=RequestStatus.PENDING,
                                                fee_fen=0, requested_by_id=requester.id, requested_at=now),
                                VoidRequest(card_id=card_id, status=RequestStatus.PENDING, reason="录错",
                                            requested_by_id=requester.id, requested_at=now)])
            db.session.flush()
            db.session.add(AnnulRequest(redemption_id=redemption.id, card_id=card_id, status=RequestStatus.PENDING,
                                        reason="退房", requested_by_id=requester.id, requested_at=now))
            refunds.append(refund.id)
        db.session.commit()
    return refunds


def _selects(app, fetch) -> tuple[int, object]:
    sent: list[str] = []

    def count(conn, cursor, statement, *args):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = fetch()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return sum(s.lstrip().upper().startswith("SELECT") for s in sent), response


def test_the_page_costs_the_same_statements_for_2_or_9_waiting_of_each_kind(app, login, api_as, make_card, make_member,
                                                                          make_user):
    requester = make_user("consultant")
    client = login("admin")
    _waiting(app, make_card, make_member, requester, 2)
    few, page = _selects(app, lambda: client.get("/approvals"))
    assert page.status_code == 200
    _waiting(app, make_card, make_member, requester, 7)
    many, page = _selects(app, lambda: client.get("/approvals"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("换房") == 9 and html.count("录错") == 9 and html.count("退房") >= 9
    assert many == few, f"{few} statements for 2 of each kind, {many} for 9"
    api = api_as("admin")
    for path in ("/refund-requests", "/transfer-requests", "/annul-requests", "/void-requests"):
        few_api, _ = _selects(app, lambda p=path: api.get(f"{p}?per_page=2"))
        all_api, answer = _selects(app, lambda p=path: api.get(p))
        assert answer.status_code == 200 and len(next(iter(v for v in answer.get_json().values() if isinstance(v, list)))) == 9
        assert all_api == few_api, path


def test_pages_of_waiting_requests_oldest_first(app, api_as, make_card, make_member, make_user):
    requester = make_user("consultant")
    refunds = _waiting(app, make_card, make_member, requester, 5)
    client = api_as("admin")
    first = client.get("/refund-requests?per_page=2").get_json()
    assert [r["id"] for r in first["refund_requests"]] == refunds[:2] and first["next_after"] == refunds[1]
    second = client.get(f"/refund-requests?per_page=2&after={first['next_after']}").get_json()
    assert [r["id"] for r in second["refund_requests"]] == refunds[2:4]
    last = client.get(f"/refund-requests?per_page=2&after={second['next_after']}").get_json()
    assert [r["id"] for r in last["refund_requests"]] == refunds[4:] and last["next_after"] is None
    bad = client.get("/refund-requests?after=x")
    assert bad.status_code == 422 and set(bad.get_json()["error"]["reasons"]) == {"after"}
    chinese = client.get("/refund-requests?per_page=0", headers={"Accept-Language": "zh-CN"})
    assert chinese.status_code == 422 and re.search("[\u4e00-\u9fff]", chinese.get_json()["error"]["fields"]["per_page"])


def test_the_web_page_pages_each_kind_and_refuses_a_bad_cursor_in_words(app, login, make_card, make_member, make_user,
                                                                        monkeypatch):
    from app.approvals import services

    monkeypatch.setattr(services, "APPROVALS_PAGE", 2)
    requester = make_user("consultant")
    refunds = _waiting(app, make_card, make_member, requester, 3)
    client = login("admin")
    html = client.get("/approvals").get_data(as_text=True)
    assert html.count("换房") == 2 and "下一页" in html
    assert f"refund_after={refunds[1]}" in html
    html = client.get(f"/approvals?refund_after={refunds[1]}").get_data(as_text=True)
    assert html.count("换房") == 1 and html.count("录错") == 2 and "第一页" in html
    bad = client.get("/approvals?refund_after=abc")
    assert bad.status_code == 422 and re.search("整数|数字", bad.get_data(as_text=True))
    bad = client.get("/approvals?void_after=0&lang=en")
    assert bad.status_code == 422 and "at least 1" in bad.get_data(as_text=True).lower()

"""Full ID numbers are seen by those who serve the member (issue 9): the consultant who registered them or issued
their card, and managers; a burst of reveals by one person alerts the managers on the approvals page, once."""

import datetime as dt

from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from tests.conftest import valid_id_number


def _member(api, n: int) -> int:
    return api.post("/members", {"name": f"客户{n}", "id_number": valid_id_number(4000 + n),
                                 "phone": "13800138000"}).get_json()["id"]


def test_a_consultant_sees_the_full_numbers_of_their_own_clients_only(api_as, login):
    mine, colleague, manager = api_as("consultant"), api_as("consultant"), api_as("admin")
    member_id = _member(mine, 1)
    refused = colleague.post(f"/members/{member_id}/reveal", {"reason": "核对"})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "reveal_out_of_scope")
    assert "members you registered or issued a card to" in refused.get_json()["error"]["message"]
    assert mine.post(f"/members/{member_id}/reveal", {"reason": "核对"}).status_code == 200
    assert manager.post(f"/members/{member_id}/reveal", {"reason": "核对"}).status_code == 200
    revealed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "member.identity_revealed")).all()
    assert len(revealed) == 2  # the refused look left no reveal behind


def test_a_burst_of_reveals_alerts_the_managers_once(app, api_as, login, clock):
    from app.extensions import limiter

    limiter.reset()
    manager = api_as("admin")
    members = [_member(manager, 10 + n) for n in range(12)]
    for _n, member_id in enumerate(members[:9]):
        clock.at += dt.timedelta(seconds=30)
        assert manager.post(f"/members/{member_id}/reveal", {"reason": "核对"}).status_code == 200
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "member.reveal_burst")).all() == []
    for member_id in members[9:]:
        clock.at += dt.timedelta(seconds=30)
        assert manager.post(f"/members/{member_id}/reveal", {"reason": "核对"}).status_code == 200
    bursts = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "member.reveal_burst")).all()
    assert [b.payload["count"] for b in bursts] == [10]  # at the tenth in ten minutes; the 11th and 12th add none
    page = login("admin").get("/approvals").get_data(as_text=True)
    assert "10 个完整证件号码" in page and 'id="reveal-bursts"' in page
    assert 'id="reveal-bursts"' not in login("consultant").get("/approvals").get_data(as_text=True)
    limiter.reset()

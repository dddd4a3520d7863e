"""The audit log pages by keyset (before=the last id shown), and its days are the sales centre's days."""

import datetime as dt
import re

from sqlalchemy import func, select

from app import audit
from app.audit import AuditEntry
from app.cards import history
from app.extensions import db
from tests.conftest import DEFAULT_NOW, in_request


def _entries(app, n: int, user):
    def write():
        for i in range(n):
            audit.record("test.paged", user, {"i": i}, actor=user)
        db.session.commit()
    in_request(app, write)


def test_the_log_pages_from_newest_to_oldest_without_gaps_or_repeats(app, api_as, make_user, monkeypatch):
    monkeypatch.setattr(history, "AUDIT_PAGE", 7)
    user = make_user("admin")
    _entries(app, 17, user)
    api, seen, before = api_as("admin"), [], None
    while True:
        page = api.get("/audit", query_string={"action": "test.paged", **({"before": before} if before else {})}).get_json()
        seen += [e["data"]["i"] for e in page["entries"]]
        before = page["next_before"]
        if before is None:
            break
    assert seen == list(range(16, -1, -1))
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "test.paged")) == 17


def test_the_audit_page_links_to_older_entries(app, login, make_user, monkeypatch):
    monkeypatch.setattr(history, "AUDIT_PAGE", 5)
    _entries(app, 8, make_user("admin"))
    browser = login("admin")
    first = browser.get("/admin/audit?action=test.").get_data(as_text=True)
    assert "更早的记录" in first and "before=" in first
    before = re.search(r"before=(\d+)", first).group(1)
    older = browser.get(f"/admin/audit?action=test.&before={before}").get_data(as_text=True)
    assert "最新" in older and older.count("<td>test.paged</td>") == 3


def test_a_days_filter_means_the_sales_centres_day(app, api_as, make_user, clock):
    user = make_user("admin")
    clock.at = dt.datetime(2026, 5, 20, 17, 30, tzinfo=dt.UTC)  # 01:30 on 21 May in Beijing
    _entries(app, 1, user)
    clock.at = DEFAULT_NOW
    api = api_as("admin")
    on_the_21st = api.get("/audit", query_string={"action": "test.paged", "from": "2026-05-21", "to": "2026-05-21"})
    on_the_20th = api.get("/audit", query_string={"action": "test.paged", "from": "2026-05-20", "to": "2026-05-20"})
    assert len(on_the_21st.get_json()["entries"]) == 1 and on_the_20th.get_json()["entries"] == []

"""The member and scan pages a page at a time, in both languages; a wrong cursor is refused in words, not a 500."""

from __future__ import annotations

from app.cards.models import Scan, ScanAction
from app.clock import utcnow
from app.extensions import db


def test_members_page_pages_by_keyset(login, make_member, monkeypatch):
    from app.members import services

    monkeypatch.setattr(services, "MEMBER_PAGE", 2)
    for n in range(3):
        make_member(name=f"翻页{n}")
    client = login("consultant")
    first = client.get("/members/?q=翻页").get_data(as_text=True)
    assert "翻页2" in first and "翻页1" in first and "翻页0" not in first and "更早登记的会员" in first
    link = next(part.split('"')[0] for part in first.split('href="') if "before=" in part).replace("&amp;", "&")
    second = client.get(link).get_data(as_text=True)
    assert "翻页0" in second and "翻页2" not in second and "最新" in second
    chinese = client.get("/members/?before=x")
    assert chinese.status_code == 422 and "整数" in chinese.get_data(as_text=True)
    english = client.get("/members/?before=x&lang=en")
    assert english.status_code == 422 and "whole number" in english.get_data(as_text=True).lower()


def test_scans_page_in_both_languages(app, login, make_card):
    card = make_card()
    with app.app_context():
        db.session.add_all([Scan(created_at=utcnow(), action=ScanAction.VERIFY, verdict="invalid", token_excerpt="forged"),
                            Scan(created_at=utcnow(), action=ScanAction.VERIFY, verdict="valid", card_id=card.id,
                                 station="一号台")])
        db.session.commit()
    client = login("admin")
    chinese = client.get("/scans/").get_data(as_text=True).split("</form>")[-1]  # the table, not the filter's values
    assert "无效" in chinese and "一号台" in chinese and card.number[-4:] in chinese and "invalid" not in chinese
    english = client.get("/scans/?failed=1&lang=en").get_data(as_text=True)
    assert "INVALID" in english and "一号台" not in english
    wrong = client.get("/scans/?verdict=nonsense")
    assert wrong.status_code == 422 and "Choose one of" in wrong.get_data(as_text=True)
    assert login("consultant").get("/scans/").status_code == 403

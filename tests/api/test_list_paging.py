"""Members and scans a page at a time (keyset): first, next and last pages, a stable order, each way of searching,
and a wrong cursor refused in words (issue 11: lists that scale)."""

from __future__ import annotations

from app.cards.models import Scan, ScanAction
from app.clock import utcnow
from app.extensions import db


def _pages(api, path: str, key: str, **params) -> list[list[int]]:
    """Every page of a list, following next_before to the end."""
    pages, before = [], None
    while True:
        query = "&".join(f"{k}={v}" for k, v in {**params, **({"before": before} if before else {})}.items())
        answer = api.get(f"{path}?{query}")
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        pages.append([item["id"] for item in body[key]])
        before = body["next_before"]
        if before is None:
            return pages


def test_members_page_newest_first_to_the_last_page(api_as, make_member):
    ids = [make_member().id for _ in range(7)]
    api = api_as("consultant")
    pages = _pages(api, "/members", "members", per_page=3)
    assert pages == [ids[::-1][:3], ids[::-1][3:6], ids[::-1][6:]]  # newest first, nothing twice, nothing missed
    assert _pages(api, "/members", "members", per_page=7) == [ids[::-1], []]  # a full last page: one empty after it


def test_member_search_each_way(api_as, make_member, make_card):
    wang = make_member(name="王小明", phone="13912345678")
    make_member(name="李王", phone="13812345678")
    card = make_card(member=wang)
    api = api_as("consultant")

    def found(q: str) -> list[str]:
        return [m["name"] for m in api.get("/members", query_string={"q": q}).get_json()["members"]]

    assert found("王") == ["王小明"]  # the start of a name, not its middle
    assert found("13912345678") == ["王小明"] and found("+86 139 1234 5678") == ["王小明"]
    assert found("139") == ["王小明"]  # a mobile's first digits
    assert found(card.number) == ["王小明"]  # a card number finds its holder
    assert found("110105") == []  # an ID number finds only whole
    assert found("_") == [] and found("%") == []


def test_a_wrong_cursor_is_refused_in_both_languages(api_as):
    api = api_as("consultant")
    english = api.get("/members?before=abc")
    assert english.status_code == 422 and english.get_json()["error"]["reasons"] == {"before": "not_integer"}
    chinese = api.get("/members?before=0", headers={"Accept-Language": "zh-CN"})
    assert chinese.status_code == 422 and "不能小于" in chinese.get_json()["error"]["fields"]["before"]
    assert api.get("/members?per_page=201").status_code == 422


def _scan(verdict: str, card_id=None, station=None) -> Scan:
    scan = Scan(created_at=utcnow(), action=ScanAction.VERIFY, verdict=verdict, card_id=card_id, station=station,
                token_excerpt="x" * 8)
    db.session.add(scan)
    return scan


def test_scans_page_newest_first_and_filter(app, api_as, make_card):
    card = make_card()
    with app.app_context():
        made = [_scan("valid", card.id, "A"), _scan("invalid"), _scan("lost", card.id), _scan("valid", None, "B"),
                _scan("card_not_found")]
        db.session.commit()
        ids = [s.id for s in made]
    api = api_as("admin")
    assert api.get("/scans").status_code == 200
    listed = [i for page in _pages(api, "/scans", "scans", per_page=2) for i in page]
    assert listed[:5] == ids[::-1]  # newest first, every one once (issuing made none)
    failed = api.get("/scans?failed=1").get_json()["scans"]
    assert [s["id"] for s in failed][:3] == [ids[4], ids[2], ids[1]]
    assert [s["verdict"] for s in api.get("/scans?verdict=lost").get_json()["scans"]] == ["lost"]
    by_card = api.get(f"/scans?card={card.number}").get_json()["scans"]
    assert {s["id"] for s in by_card} >= {ids[0], ids[2]} and all(s["card_number"] == card.number for s in by_card)
    assert [s["id"] for s in api.get("/scans?station=B").get_json()["scans"]] == [ids[3]]
    assert api.get("/scans?verdict=nonsense").status_code == 422
    assert api.get("/scans?before=-1").status_code == 422
    assert api_as("consultant").get("/scans").status_code == 403

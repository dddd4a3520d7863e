"""The card list (issue 11, DESIGN §10.1): one search box finds a card by its number, an agreement's number, the
holder's full ID number (blind index), mobile or the start of their name; filters narrow it; it pages."""

import datetime as dt

import pytest


@pytest.fixture
def cards(make_card, make_member, make_program):
    program = make_program(code="LIST-1")
    other = make_program(code="LIST-2")
    ouyang = make_member(name="欧阳明月", id_number="11010519491231002X", phone="13912345678")
    return {"ouyang": make_card(program=program, member=ouyang), "unsigned": make_card(program=program, signed=False),
            "other": make_card(program=other)}


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.get_json()
    return {c["number"] for c in response.get_json()["items"]}


def test_one_search_box_finds_a_card_every_way_a_sales_centre_looks(api_as, cards):
    api, card = api_as("consultant"), cards["ouyang"]
    by = {"its number": card.number, "its number with spaces": f"{card.number[:4]} {card.number[4:8]} {card.number[8:]}",
          "its first digits": card.number[:6], "its agreement": card.agreements[0].number.lower(),
          "the full ID number": "11010519491231002x", "the mobile": "+86 139 1234 5678", "the start of the name": "欧阳"}
    for how, q in by.items():
        found = numbers(api.get("/cards", query_string={"q": q}))
        assert card.number in found, how
        assert cards["other"].number not in found or how == "its first digits", how
    assert numbers(api.get("/cards", query_string={"q": "明月"})) == set()  # the start of a name, not any part of it
    assert numbers(api.get("/cards", query_string={"q": "11010519491231003X"})) == set()  # a different ID number


def test_filters_narrow_and_pages_count(api_as, cards, make_user):
    api = api_as("admin")
    assert numbers(api.get("/cards?program=list-1")) == {cards["ouyang"].number, cards["unsigned"].number}
    assert numbers(api.get("/cards?status=awaiting_signature&program=LIST-1")) == {cards["unsigned"].number}
    consultant = cards["ouyang"].issued_by.username
    assert cards["other"].number in numbers(api.get(f"/cards?issued_by={consultant.upper()}"))
    today = cards["ouyang"].issued_on
    assert numbers(api.get(f"/cards?issued_from={today + dt.timedelta(days=1)}&program=LIST-1")) == set()
    assert len(numbers(api.get(f"/cards?issued_from={today}&issued_to={today}&program=LIST-1"))) == 2
    page = api.get("/cards?program=LIST-1&per_page=1&page=2").get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (2, 2, 1, 1)
    assert api.get("/cards?issued_from=2026-02-30").get_json()["error"]["reasons"] == {"issued_from": "bad_date"}


def test_the_card_list_page_searches_filters_and_pages(login, cards):
    from app.rules.cards import format_card_number
    browser = login("consultant")
    shown = {name: format_card_number(card.number) for name, card in cards.items()}
    page = browser.get("/cards/?q=欧阳").get_data(as_text=True)
    assert shown["ouyang"] in page and "欧阳明月" in page and "¥50,000.00" in page
    assert shown["unsigned"] not in page and shown["other"] not in page
    listed = browser.get("/cards/?program=LIST-1&status=awaiting_signature").get_data(as_text=True)
    assert shown["unsigned"] in listed and shown["ouyang"] not in listed and "待签署" in listed
    paged = browser.get("/cards/?program=LIST-1&per_page=1").get_data(as_text=True)
    assert "下一页" in paged and "after=" in paged and "last=1" in paged and "上一页" not in paged
    wrong = browser.get("/cards/?issued_from=not-a-day")
    assert wrong.status_code == 422 and "YYYY-MM-DD" in wrong.get_data(as_text=True)


def test_keyset_pages_first_next_previous_and_last(api_as, make_card, make_program, monkeypatch):
    from app.cards import services

    program = make_program(code="PAGE-1")
    made = [make_card(program=program, signed=False).number for _ in range(5)]
    newest = made[::-1]
    api = api_as("admin")

    def page(query: str) -> dict:
        answer = api.get(f"/cards?program=PAGE-1&per_page=2{query}")
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        body["numbers"] = [c["number"] for c in body["items"]]
        return body

    first = page("")
    assert first["numbers"] == newest[:2] and first["prev_before"] is None and first["page"] == 1
    assert (first["total"], first["total_exact"]) == (5, True)
    second = page(f"&after={first['next_after']}")
    assert second["numbers"] == newest[2:4] and second["page"] is None
    third = page(f"&after={second['next_after']}")
    assert third["numbers"] == newest[4:] and third["next_after"] is None  # the end: nothing twice, nothing missed
    back = page(f"&before={third['prev_before']}")
    assert back["numbers"] == newest[2:4]
    assert page(f"&before={back['prev_before']}")["numbers"] == newest[:2]  # back to the first page
    last = page("&last=1")
    assert last["numbers"] == newest[3:] and last["next_after"] is None and last["prev_before"] is not None
    assert page("&page=3")["numbers"] == newest[4:]  # page= still pages (DESIGN §10.1)
    monkeypatch.setattr(services, "COUNT_CAP", 3)
    capped = page("")
    assert (capped["total"], capped["total_exact"]) == (3, False)


def test_a_wrong_cursor_is_refused_in_both_languages(api_as, login):
    api = api_as("consultant")
    both = api.get("/cards?after=5&last=1")
    assert both.status_code == 422 and both.get_json()["error"]["reasons"] == {"page": "one_cursor"}
    assert api.get("/cards?after=abc").get_json()["error"]["reasons"] == {"after": "not_integer"}
    chinese = api.get("/cards?before=0", headers={"Accept-Language": "zh-CN"})
    assert chinese.status_code == 422 and "不能小于" in chinese.get_json()["error"]["fields"]["before"]
    browser = login("consultant")
    page = browser.get("/cards/?after=x")
    assert page.status_code == 422 and "请输入整数" in page.get_data(as_text=True)
    page = browser.get("/cards/?after=1&before=2&lang=en")
    assert page.status_code == 422 and "Ask for one page" in page.get_data(as_text=True)

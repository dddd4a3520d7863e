"""Opening day: holders check in on arrival, get the day's next number, and are called in that order."""

import pytest

from tests.conftest import in_request


@pytest.fixture
def desk(api_as):
    return {"admin": api_as("admin"), "counter": api_as("counter"), "consultant": api_as("consultant")}


def _token(app, card):
    from app.cards.services import verify_url
    return in_request(app, verify_url, card).rsplit("/v/", 1)[1]


def test_check_in_gives_the_next_number_once_per_card(app, desk, make_card, make_program):
    program = make_program(code="OPEN-Q")
    first, second = make_card(program=program), make_card(program=program)
    counter = desk["counter"]
    a = counter.post(f"/verify/{_token(app, first)}/check-in", {"program": "open-q"})
    assert (a.status_code, a.get_json()["queue_number"], a.get_json()["status"]) == (201, 1, "waiting")
    again = counter.post(f"/verify/{_token(app, first)}/check-in", {"program": "OPEN-Q"})
    assert (again.status_code, again.get_json()["queue_number"]) == (200, 1)  # the same card, the same number
    b = counter.post(f"/verify/{_token(app, second)}/check-in", {"program": "OPEN-Q"})
    assert b.get_json()["queue_number"] == 2
    listed = counter.get("/queue", query_string={"program": "OPEN-Q"}).get_json()["entries"]
    assert [(e["queue_number"], e["status"]) for e in listed] == [(1, "waiting"), (2, "waiting")]
    assert listed[0]["holder_masked"] != first.member.name and "*" in listed[0]["holder_masked"]


def test_only_a_card_usable_here_today_checks_in(app, desk, make_card, make_program):
    program = make_program(code="OPEN-R")
    counter = desk["counter"]
    unsigned = counter.post(f"/verify/{_token(app, make_card(program=program, signed=False))}/check-in", {"program": "OPEN-R"})
    assert (unsigned.status_code, unsigned.get_json()["error"]["code"]) == (409, "awaiting_signature")
    elsewhere = counter.post(f"/verify/{_token(app, make_card())}/check-in", {"program": "OPEN-R"})
    assert elsewhere.get_json()["error"]["code"] == "wrong_program"
    early = make_card(program=make_program(code="OPEN-LATER", opening_date="2026-06-01"))
    assert counter.post(f"/verify/{_token(app, early)}/check-in", {"program": "OPEN-LATER"}).get_json()["error"]["code"] == "not_yet_valid"
    assert counter.post("/verify/forged-token/check-in", {"program": "OPEN-R"}).get_json()["error"]["code"] == "invalid"
    assert counter.post(f"/verify/{_token(app, make_card(program=program))}/check-in", {"program": "NOPE"}).status_code == 404
    assert counter.post(f"/verify/{_token(app, make_card(program=program))}/check-in", {"programme": "x"}).status_code == 422
    assert counter.get("/queue", query_string={"program": "OPEN-R"}).get_json()["entries"] == []  # nothing half-written


def test_desks_call_in_order_and_recall_skip_and_serve(app, desk, make_card, make_program):
    program = make_program(code="OPEN-C")
    counter = desk["counter"]
    for _ in range(3):
        counter.post(f"/verify/{_token(app, make_card(program=program))}/check-in", {"program": "OPEN-C"})
    one = counter.post("/queue/call-next", query_string={"program": "OPEN-C", "station": "1号桌"}).get_json()
    two = counter.post("/queue/call-next", query_string={"program": "OPEN-C", "station": "2号桌"}).get_json()
    assert (one["queue_number"], one["status"], one["station"], two["queue_number"]) == (1, "called", "1号桌", 2)
    assert counter.post(f"/queue/{one['id']}/skip").get_json()["status"] == "skipped"
    assert counter.post(f"/queue/{one['id']}/serve").get_json()["error"]["code"] == "queue_move_not_allowed"
    assert counter.post(f"/queue/{one['id']}/recall").get_json()["status"] == "called"
    assert counter.post(f"/queue/{one['id']}/serve").get_json()["status"] == "served"
    assert counter.post("/queue/call-next", query_string={"program": "OPEN-C"}).get_json()["queue_number"] == 3
    empty = counter.post("/queue/call-next", query_string={"program": "OPEN-C"})
    assert (empty.status_code, empty.get_json()["error"]["code"]) == (409, "queue_empty")
    assert desk["counter"].post("/queue/99999/serve").status_code == 404




def test_the_counter_checks_in_and_the_desk_calls_the_number(app, login, make_card, make_program):
    from tests.conftest import form_post
    program = make_program(code="OPEN-W")
    card = make_card(program=program)
    counter = login("counter")
    shown = form_post(counter, "/counter", {"action": "scan", "code": card.number}).get_data(as_text=True)
    assert "签到取号" in shown
    arrived = form_post(counter, "/counter", {"action": "check_in", "code": card.number}).get_data(as_text=True)
    assert "排队号 1" in arrived
    page = counter.get("/queue?program=OPEN-W").get_data(as_text=True)
    assert "等候中" in page and card.member.name not in page  # masked on a screen others may see
    from tests.conftest import csrf_token
    response = counter.post("/queue/call-next?program=OPEN-W", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "请 1 号到场" in response.get_data(as_text=True) and "已叫号" in response.get_data(as_text=True)


def _id_number(app, card):
    from app.members.services import decrypt_id_number
    return in_request(app, decrypt_id_number, card.member)


def test_a_card_left_at_home_checks_in_by_the_holders_id(app, desk, make_card, make_program):
    program = make_program(code="OPEN-ID")
    card = make_card(program=program)
    counter, id_number = desk["counter"], _id_number(app, card)
    arrived = counter.post("/queue/check-in", {"program": "OPEN-ID", "id_number": id_number.lower()})
    assert (arrived.status_code, arrived.get_json()["queue_number"], arrived.get_json()["card"]) == (201, 1, card.number)
    with_card = counter.post(f"/verify/{_token(app, card)}/check-in", {"program": "OPEN-ID"})
    assert (with_card.status_code, with_card.get_json()["queue_number"]) == (200, 1)  # the same holder, one number
    wrong_phone = counter.post("/queue/check-in", {"program": "OPEN-ID", "id_number": id_number, "phone": "13900000000"})
    assert (wrong_phone.status_code, wrong_phone.get_json()["error"]["code"]) == (404, "holder_not_found")
    unknown = counter.post("/queue/check-in", {"program": "OPEN-ID", "id_number": "11010519491231002X"})
    assert unknown.get_json()["error"]["code"] == "holder_not_found"
    elsewhere = counter.post("/queue/check-in", {"program": make_program(code="OPEN-ID2").code, "id_number": id_number})
    assert elsewhere.get_json()["error"]["code"] == "no_card_here"
    unsigned = make_card(program=program, signed=False)
    refused = counter.post("/queue/check-in", {"program": "OPEN-ID", "id_number": _id_number(app, unsigned)})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "awaiting_signature")
    assert counter.post("/queue/check-in", {"program": "OPEN-ID"}).get_json()["error"]["reasons"] == {
        "id_number": "required"}


def test_a_call_screen_shows_the_called_and_next_numbers_until_revoked(app, desk, make_card, make_program):
    program = make_program(code="OPEN-S")
    counter, admin = desk["counter"], desk["admin"]
    for _ in range(4):
        counter.post(f"/verify/{_token(app, make_card(program=program))}/check-in", {"program": "OPEN-S"})
    assert counter.post("/queue/screens?program=OPEN-S", {"name": "大厅"}).status_code == 403
    made = admin.post("/queue/screens?program=OPEN-S", {"name": "大厅", "english": True})
    assert made.status_code == 201
    url = made.get_json()["url"]
    assert url.startswith("https://vip.example.test/screen/")
    path = url.split("vip.example.test", 1)[1]
    hall = app.test_client()  # no login: the link is the key
    page = hall.get(path).get_data(as_text=True)
    assert "正在叫号" in page and "Now calling" in page and "<span>1</span>" in page
    counter.post("/queue/call-next?program=OPEN-S&station=3号台")
    board = hall.get(path + "/board.json").get_json()
    assert (board["calling"], board["next"]) == ([{"number": 1, "station": "3号台"}], [2, 3, 4])
    screen_id = admin.get("/queue/screens?program=OPEN-S").get_json()["screens"][0]["id"]
    assert admin.post(f"/queue/screens/{screen_id}/revoke", {}).get_json()["revoked_at"]
    assert hall.get(path + "/board.json").status_code == 404 and hall.get(path).status_code == 404
    assert hall.get("/screen/made-up-link").status_code == 404


def test_a_draw_orders_the_waiting_reproducibly_and_the_desks_follow_it(app, desk, make_card, make_program):
    program = make_program(code="OPEN-L")
    counter, admin = desk["counter"], desk["admin"]
    cards = [make_card(program=program) for _ in range(5)]
    for card in cards:
        counter.post(f"/verify/{_token(app, card)}/check-in", {"program": "OPEN-L"})
    drawn = admin.post("/queue/draws?program=OPEN-L", {"seed": "20260520-公证处-7391"})
    assert drawn.status_code == 201, drawn.get_json()
    body = drawn.get_json()
    assert sorted(body["order"]) == [1, 2, 3, 4, 5] and body["reproduced"] is True
    assert body["algorithm"] == "hmac-sha256-sort-v1"
    # redone by hand from what was recorded, as a notary would
    import hashlib
    import hmac
    redo = sorted(body["entrants"], key=lambda e: (hmac.new("20260520-公证处-7391".encode(), e["card"].encode(),
                                                              hashlib.sha256).hexdigest(), e["queue_number"]))
    assert [e["queue_number"] for e in redo] == body["order"]
    assert admin.post("/queue/draws?program=OPEN-L", {}).get_json()["error"]["code"] == "draw_already_run"
    late = make_card(program=program)
    counter.post(f"/verify/{_token(app, late)}/check-in", {"program": "OPEN-L"})  # number 6, after the draw
    called = [counter.post("/queue/call-next?program=OPEN-L").get_json()["queue_number"] for _ in range(6)]
    assert called == body["order"] + [6]
    assert counter.get(f"/queue/draws/{body['id']}").get_json()["seed"] == "20260520-公证处-7391"

"""Opening day in the browser: a screen link and a draw from the queue page, a holder without a card checked in
at the counter, and the counter signing the confirmation of its own redemption on the tablet."""

import re

from app.cards.services import redeem
from app.members.services import decrypt_id_number
from tests.conftest import csrf_token, in_request, signature_data_url


def post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client.get(page).get_data(as_text=True))},
                       follow_redirects=True)


def test_a_manager_makes_a_screen_link_and_draws_the_order(app, login, make_card, make_program):
    program = make_program(code="WEB-OD")
    admin = login("admin")
    for _ in range(3):
        card = make_card(program=program)
        post(admin, "/counter", {"action": "check_in", "code": card.number}, "/counter")
    page = f"/queue?program={program.code}"
    made = post(admin, f"/queue/screens?program={program.code}", {"name": "大厅", "english": "on"}, page)
    html = made.get_data(as_text=True)
    link = re.search(r'id="new-screen-url" target="_blank">([^<]+)<', html).group(1)
    assert "/screen/" in link
    assert "正在叫号" in app.test_client().get(link.split("vip.example.test", 1)[1]).get_data(as_text=True)
    assert link not in admin.get(page).get_data(as_text=True)  # shown once
    drawn = post(admin, f"/queue/draws?program={program.code}", {"seed": "abc"}, page).get_data(as_text=True)
    assert "摇号" in drawn and 'id="seed">abc<' in drawn and "以下顺序可由种子和名单复核得出" in drawn
    assert "今日按摇号顺序叫号" in admin.get(page).get_data(as_text=True)
    assert login("counter").post(f"/queue/draws?program={program.code}", data={}).status_code in (400, 403)


def test_the_counter_checks_in_a_holder_by_id_and_signs_its_own_confirmation(app, login, make_card, make_program,
                                                                          make_user):
    program = make_program(code="WEB-OD2")
    card = make_card(program=program)
    counter_user = make_user("counter")
    counter = login(user=counter_user)
    id_number = in_request(app, decrypt_id_number, card.member)
    arrived = post(counter, "/counter", {"action": "check_in_holder", "program": program.code, "id_number": id_number},
                   "/counter").get_data(as_text=True)
    assert "排队号 1" in arrived and card.number[-4:] in arrived
    wrong = post(counter, "/counter", {"action": "check_in_holder", "program": program.code,
                                       "id_number": "11010519491231002X"}, "/counter").get_data(as_text=True)
    assert "没有持卡人使用此证件号码" in wrong

    redemption = in_request(app, redeem, card.id, {"item": "1-1-101", "price": "100000"}, by=counter_user)
    sign_page = counter.get(f"/agreements/{redemption.agreement_id}/sign")
    assert sign_page.status_code == 200
    signed = post(counter, f"/agreements/{redemption.agreement_id}/sign", {
        "member_signature": signature_data_url("张三"), "consultant_signature": signature_data_url("前台"),
        "consent": "on"}, f"/agreements/{redemption.agreement_id}/sign")
    assert signed.status_code == 200 and "已签署封存" in signed.get_data(as_text=True)
    other_counter = login("counter")  # another desk's redemption is not theirs to sign
    other = make_card(program=program)
    theirs = in_request(app, redeem, other.id, {"item": "1-1-102", "price": "100000"}, by=None)
    assert other_counter.get(f"/agreements/{theirs.agreement_id}/sign").status_code == 403
    assert other_counter.get(f"/agreements/{other.agreements[0].id}/sign").status_code == 403

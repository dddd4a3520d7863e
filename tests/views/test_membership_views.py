"""A paid membership's card page (issue 12): the fee and its late fee, the term from signing, and a termination box
that says what termination will do — the same rules the transitions apply."""

import datetime as dt

from tests.conftest import DEFAULT_NOW, csrf_token


def post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client.get(page).get_data(as_text=True))},
                       follow_redirects=True)


def _unpaid(make_card, program, **kw):
    return make_card(program=program, pay_later=True, payment_method=None, receipt_no=None, **kw)


def test_unpaid_then_overdue_then_paid_with_its_late_fee(login, make_card, make_program, clock):
    program = make_program("online_membership", code="WEBDUES")
    card = _unpaid(make_card, program, signed=False)
    consultant = login("consultant")
    page = consultant.get(f"/cards/{card.number}").get_data(as_text=True)
    assert "自协议签署之日起（签字盖章后生效），有效期12个月" in page
    assert "¥2,000.00，尚未缴纳：应于签约后2日内缴清。" in page
    card = make_card(program=program, pay_later=True, payment_method=None, receipt_no=None)  # signed on 20 May
    page = consultant.get(f"/cards/{card.number}").get_data(as_text=True)
    assert "会费尚未缴纳（应于2026-05-22前缴清）：缴清后此卡方生效。" in page
    assert "2026-05-20 – 2027-05-19" in page and "会费¥2,000.00，今日无滞纳金。" in page

    clock.at = DEFAULT_NOW + dt.timedelta(days=5)  # 25 May: three days late at ¥10.00 a day
    page = consultant.get(f"/cards/{card.number}").get_data(as_text=True)
    assert "2026-05-22起逾期：已逾期3日，滞纳金¥30.00。" in page and "今日应缴：¥2,030.00" in page
    assert 'value="2030.00"' in page
    wrong = post(consultant, f"/cards/{card.number}/dues",
                 {"amount": "2000.00", "payment_method": "cash", "receipt_no": "D1"}, f"/cards/{card.number}")
    assert "今日应缴¥2,030.00" in wrong.get_data(as_text=True)
    paid = post(consultant, f"/cards/{card.number}/dues",
                {"amount": "2030.00", "payment_method": "cash", "receipt_no": "D1"}, f"/cards/{card.number}")
    page = paid.get_data(as_text=True)
    assert "会费已缴" in page and "¥2,000.00，已于2026-05-25缴纳" in page and "含滞纳金¥30.00" in page
    assert "会费尚未缴纳" not in page and "缴纳会费" not in page


def test_the_termination_box_says_what_termination_does(login, make_card, make_program, clock):
    program = make_program("online_membership", code="WEBTERM")
    card = make_card(program=program)
    consultant = login("consultant")
    page = consultant.get(f"/cards/{card.number}").get_data(as_text=True)
    promised = "今日发出通知：会员资格于2026-05-27终止；会费不予退还。"
    assert promised in page and "退卡窗口" not in page  # no refund window to contradict it
    assert "可于2027-05-17至2027-05-19期间续期。" in page
    done = post(consultant, f"/cards/{card.number}/terminate", {"reason": "不需要了"}, f"/cards/{card.number}")
    page = done.get_data(as_text=True)
    assert "会员已于2026-05-20发出解约通知：会员资格于2026-05-27终止；会费不予退还。" in page
    assert "解约通知期正在进行" in page  # the renewal line says why it cannot renew
    assert "登记解约通知" not in page

    other = make_card(program=program)
    admin = login("admin")
    page = admin.get(f"/cards/{other.number}").get_data(as_text=True)
    assert "今日发出通知：会员资格于2026-05-23终止；届时经第二人审批后全额退还所收会费。" in page
    noticed = post(admin, f"/cards/{other.number}/issuer-terminate", {"reason": "停止运营"}, f"/cards/{other.number}")
    page = noticed.get_data(as_text=True)
    assert "发卡方已于2026-05-20发出解约通知：会员资格于2026-05-23终止" in page
    assert "有效" in page  # still in force during the notice


def test_the_issue_form_offers_paying_later(login, make_program, make_member):
    make_program("online_membership", code="WEBLATER")
    member = make_member()
    consultant = login("consultant")
    page = consultant.get(f"/cards/new?member_id={member.id}").get_data(as_text=True)
    assert "会费稍后缴纳" in page
    issued = post(consultant, "/cards/new", {"product": "WEBLATER/ANNUAL", "member_id": member.id, "amount": "2000.00",
                                             "pay_later": "on"}, f"/cards/new?member_id={member.id}")
    assert issued.status_code == 200 and "尚未缴纳" in issued.get_data(as_text=True)


def test_the_public_page_of_an_unpaid_membership_says_so(app, make_card, make_program):
    from app import tokens

    card = _unpaid(make_card, make_program("online_membership", code="WEBPUB"))
    with app.app_context():
        token = tokens.card_token(card.public_id, card.generation)
    client = app.test_client()
    zh = client.get(f"/v/{token}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "会费未缴" in zh and "会费尚未缴纳（应于2026-05-22前缴清）：缴清后此卡方生效。" in zh
    en = client.get(f"/v/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "FEE NOT PAID" in en

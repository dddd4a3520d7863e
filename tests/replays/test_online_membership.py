"""Replay of the paid online membership (DESIGN §3) through the API under a fixed clock, to its agreement's letter.

The agreement: ¥2,000 a year, due within 2 days of signing, 5‰ of the contract total a day if paid late; in effect
from signing for one year; renewable in its last 3 days without a new contract; the member may end it early on 7 days'
notice and is refunded nothing (the 7 days are notice, not a cooling-off refund); the provider may end it on 3 days'
notice and refunds the fee in full.
"""

from tests.conftest import program_payload, valid_id_number
from tests.documents.test_agreement_letter import both, clause, docx_text, parties_of, title_of
from tests.replays.conftest import day, error, page_problems, renew_tokens, run_expiry, token_of
from tests.views.test_every_page_readable import visible

ISSUER = {"issuer_name": "天水云课网络科技有限公司", "project_name": "云课堂"}


def _member(desk, seed: int, name: str, **papers: str) -> int:
    """A member carrying a resident ID, or the papers given (``id_type``, ``id_number``)."""
    answer = desk["consultant"].post("/members", {"name": name, "id_number": valid_id_number(seed),
                                                  "phone": "13700137000"} | papers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def _paid_card(desk, member_id: int, receipt: str) -> dict:
    """Issued with the fee paid at once, and signed today."""
    card = desk["consultant"].post("/cards", {"program": "ONLINE", "tier": "ANNUAL", "member_id": member_id,
                                              "amount": "2000.00", "payment_method": "wechat_pay", "receipt_no": receipt})
    assert card.status_code == 201, card.get_json()
    desk["consultant"].sign_by_scan(card.get_json()["agreement_id"])
    return desk["consultant"].get(f"/cards/{card.get_json()['number']}").get_json()


def _verdict(desk, card: dict) -> str:
    return desk["counter"].get(f"/verify/{token_of(card)}").get_json()["result"]


def test_online_membership_replayed_to_the_letter(app, desk, clock, login):
    admin, admin2, consultant = desk["admin"], desk["admin2"], desk["consultant"]
    renew = {"payment_method": "wechat_pay", "receipt_no": "RN-1"}

    day(clock, 2026, 5, 20)
    created = admin.post("/programs", program_payload("online_membership", code="ONLINE", name="云课堂年度会员", **ISSUER))
    assert created.status_code == 201, created.get_json()
    program = created.get_json()
    assert (program["validity_months"], program["renewal_window_days"], program["payment_due_days"],
            program["late_fee_per_day_bp"], program["termination_notice_days"],
            program["issuer_termination_notice_days"], program["refund_window"]) == (12, 3, 2, 50, 7, 3, None)

    # 20 May 2026: issued, the fee to be paid later. The agreement as drafted.
    fee_later = consultant.post("/cards", {"program": "ONLINE", "tier": "ANNUAL", "amount": "2000.00", "pay_later": True,
                                           "member_id": _member(desk, 901, "周八")})
    assert fee_later.status_code == 201, fee_later.get_json()
    card = fee_later.get_json()
    assert (card["held_amount"], card["dues"]["status"], card["dues"]["due_on"]) == ("0.00", "unpaid", None)
    content = consultant.get(f"/agreements/{card['agreement_id']}/document.docx").data
    text = docx_text(content)
    assert title_of(content) == "会员协议"
    assert parties_of(content) == both("甲方（服务方）", "乙方（会员）")
    assert "会费为人民币贰仟元整" in text and "2026-05-20" not in text
    assert "乙方应于签约后2日内付清" in text and "每逾期一日按合同总额的5‰支付违约金" in text
    assert "本卡有效期自本协议生效之日起12个月" in text and "本协议自乙方签字、甲方盖章之日起生效" in text
    assert "有效期届满前3日内" in text
    ending = clause(text, "第三条")
    assert "应提前7日书面通知甲方；已交会费不予退还" in ending and "应提前3日通知乙方" in ending
    assert "甲方全额退还乙方已交付的会费" in ending
    for foreign in ("冷静期", "无理由", "7日内退", "认筹", "增值", "补办费", "发卡方", "持卡人"):
        assert foreign not in text, foreign

    # Signed the next day: the agreement takes effect, the year and the 2 days to pay start. Not in force unpaid.
    day(clock, 2026, 5, 21)
    consultant.sign_by_scan(card["agreement_id"])
    card = consultant.get(f"/cards/{card['number']}").get_json()
    assert (card["status"], card["valid_from"], card["valid_through"], card["dues"]["due_on"]) == (
        "active", "2026-05-21", "2027-05-20", "2026-05-23")
    assert _verdict(desk, card) == "dues_unpaid"
    assert error(desk["counter"].post(f"/verify/{token_of(card)}/redeem", {"item": "课程", "price": "100.00"})) == (
        409, "dues_unpaid")

    # 26 May: paid 3 days late: ¥2,000 × 5‰ × 3 = ¥30, charged apart from the fee held.
    day(clock, 2026, 5, 26)
    owed = consultant.get(f"/cards/{card['number']}").get_json()["dues"]
    assert (owed["days_late"], owed["late_fee"], owed["total"]) == (3, "30.00", "2030.00")
    paid = consultant.post(f"/cards/{card['number']}/dues", {"amount": "2030.00", "payment_method": "alipay",
                                                              "receipt_no": "D-1"})
    assert paid.status_code == 200, paid.get_json()
    card = paid.get_json()
    assert (card["held_amount"], [(e["kind"], e["amount"]) for e in card["ledger"]]) == (
        "2000.00", [("fee_received", "2000.00")])
    assert [(c["kind"], c["amount"], c["receipt_no"]) for c in card["charges"]] == [("late_fee", "30.00", "D-1")]
    assert _verdict(desk, card) == "valid"
    # The card page and the termination say the same: notice, no refund, and no refund window at all.
    browser = login("consultant")
    page = visible(browser.get(f"/cards/{card['number']}", headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "Notice given today: the membership ends on 2026-06-02; the fee is not refunded." in page
    assert "Renewal is possible from 2027-05-18 to 2027-05-20." in page
    assert "refund window" not in page.lower()
    page = visible(browser.get(f"/cards/{card['number']}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True))
    assert "退卡窗口" not in page and "2027-05-18" in page

    # Two more members, paid at signing: one who will let it lapse, one who gives notice near the end.
    lapsing = _paid_card(desk, _member(desk, 902, "吴九"), "W-2")
    noticing = _paid_card(desk, _member(desk, 903, "郑十", id_type="hk_macao_permit", id_number="H12345678"), "W-3")
    assert (noticing["holder"]["id_type"], noticing["holder"]["id_number_masked"]) == ("hk_macao_permit", "H*****678")  # a Hong Kong resident: their own papers, masked
    papers = docx_text(consultant.get(f"/agreements/{noticing['agreements'][0]['id']}/document.docx").data)
    assert "证件类型\n港澳居民来往内地通行证" in papers and "H12345678" in papers
    assert (lapsing["valid_from"], lapsing["valid_through"]) == ("2026-05-26", "2027-05-25")

    # 17 May 2027: not yet renewable (the last 3 days are 18–20 May); 18 May: renewed without a new agreement.
    day(clock, 2027, 5, 17)
    renew_tokens(app, desk)
    assert error(consultant.post(f"/cards/{card['number']}/renew", renew)) == (409, "renewal_window_not_open")
    day(clock, 2027, 5, 18)
    renewed = consultant.post(f"/cards/{card['number']}/renew", renew)
    assert renewed.status_code == 200, renewed.get_json()
    renewed = renewed.get_json()
    assert (renewed["valid_through"], renewed["held_amount"]) == ("2028-05-20", "2000.00")
    assert [(c["kind"], c["amount"]) for c in renewed["charges"]] == [("late_fee", "30.00"), ("renewal_fee", "2000.00")]
    [renewal] = [a for a in renewed["agreements"] if a["kind"] == "renewal"]
    confirmation = consultant.get(f"/agreements/{renewal['id']}/document.docx").data
    assert title_of(confirmation) == "会员续期确认书"  # a confirmation of the same contract, not a new one
    assert "按原《会员协议》续期，原协议其他条款继续有效，无须另签协议" in docx_text(confirmation)
    assert "续期后有效期至\n2028年5月20日" in docx_text(confirmation)
    assert parties_of(confirmation) == both("甲方（服务方）", "乙方（会员）")

    # 18 May: 郑十 gives 7 days' notice (in force through 25 May); inside the last 3 days the notice bars renewal.
    noticed = consultant.post(f"/cards/{noticing['number']}/terminate", {"reason": "会员提前终止"})
    assert noticed.status_code == 200, noticed.get_json()
    assert noticed.get_json()["valid_through"] == "2027-05-25"
    day(clock, 2027, 5, 24)
    assert error(consultant.post(f"/cards/{noticing['number']}/renew", renew | {"receipt_no": "RN-3"})) == (
        409, "termination_notice_running")
    assert _verdict(desk, noticing) == "valid"

    # 26 May: 吴九's year ended yesterday: the daily expiry ends it, and a lapsed card is not renewed. 郑十's notice
    # has run: ended, nothing refunded.
    day(clock, 2027, 5, 26)
    assert run_expiry(app, "2027-05-26").startswith("expired 2 card(s)")
    assert error(consultant.post(f"/cards/{lapsing['number']}/renew", renew | {"receipt_no": "RN-2"})) == (
        409, "renewal_lapsed")
    ended = consultant.get(f"/cards/{noticing['number']}").get_json()
    assert (ended["status"], ended["held_amount"]) == ("expired", "2000.00")
    assert admin.get("/refund-requests").get_json()["refund_requests"] == []

    # 1 June 2027: the provider ends 周八's membership on 3 days' notice: in force through 4 June; on the 5th the daily
    # job asks for the fee back in full, which a second manager pays.
    day(clock, 2027, 6, 1)
    given = admin.post(f"/cards/{card['number']}/issuer-termination", {"reason": "平台停止运营"})
    assert given.status_code == 200, given.get_json()
    assert given.get_json()["valid_through"] == "2027-06-04"
    assert error(consultant.post(f"/cards/{card['number']}/renew", renew | {"receipt_no": "RN-4"}))[0] == 409
    day(clock, 2027, 6, 4)
    assert run_expiry(app, "2027-06-04").startswith("expired 0 card(s)")
    assert _verdict(desk, card) == "valid"
    day(clock, 2027, 6, 5)
    run_expiry(app, "2027-06-05")
    [request] = admin2.get("/refund-requests").get_json()["refund_requests"]
    assert (request["card_number"], request["amount"]) == (card["number"], "2000.00")
    assert error(admin.post(f"/refund-requests/{request['id']}/approve", {"payout_method": "alipay",  # the notice's giver
                                                                           "payout_reference": "P-1"})) == (
        409, "approver_is_requester")
    approved = admin2.post(f"/refund-requests/{request['id']}/approve", {"payout_method": "alipay",
                                                                          "payout_reference": "P-1"})
    assert approved.status_code == 200, approved.get_json()
    refunded = consultant.get(f"/cards/{card['number']}").get_json()
    assert (refunded["status"], refunded["held_amount"]) == ("refunded", "0.00")
    assert [(c["kind"], c["amount"]) for c in refunded["charges"]] == [("late_fee", "30.00"), ("renewal_fee", "2000.00")]

    browser = login("consultant")  # signed in afresh a year on
    pages = [f"/cards/{c['number']}" for c in (card, lapsing, noticing)] + ["/programs/ONLINE"]
    assert not [p for path in pages for p in page_problems(browser, path)]

"""Replay of 重邦尚城 (DESIGN §3, the pre-sale deposit card) through the API under a fixed clock, to its agreement's letter.

The agreement: a 内部认购协议书 for 诚意金 ¥50,000, 9.5折 at purchase, one card buys one unit, real-name and not
transferable, reissued after a loss (no fee named), refund from the 10th day after opening day without interest, asked
in person with the card and the agreement.
"""

from tests.conftest import csrf_token, program_payload, valid_id_number
from tests.documents.test_agreement_letter import both, clause, docx_text, parties_of, title_of
from tests.replays.conftest import day, error, member_signs_in, page_problems, renew_tokens, token_of
from tests.views.test_every_page_readable import visible

ISSUER = {"issuer_name": "天水重邦置业有限公司", "project_name": "重邦尚城", "contact_phone": "0938-8211888"}


def _issue(desk, member_id: int, receipt: str) -> dict:
    consultant = desk["consultant"]
    card = consultant.post("/cards", {"program": "CBSC", "tier": "VIP", "member_id": member_id, "amount": "50000.00",
                                      "payment_method": "bank_card", "receipt_no": receipt})
    assert card.status_code == 201, card.get_json()
    return card.get_json()


def _sign(desk, card: dict) -> dict:
    desk["consultant"].sign_by_scan(card["agreement_id"])
    signed = desk["consultant"].get(f"/cards/{card['number']}").get_json()
    assert signed["status"] == "active", signed
    return signed


def test_chongbang_replayed_to_the_letter(app, desk, clock, login):
    admin, consultant, counter = desk["admin"], desk["consultant"], desk["counter"]

    # 1 March 2026: the presale permit. The programme is set up before its opening day is announced.
    day(clock, 2026, 3, 1)
    renew_tokens(app, desk)
    payload = program_payload("presale_95", code="CBSC", name="重邦尚城 VIP卡", **ISSUER,
                              presale_permit_no="天房预售字(2026)第12号", presale_permit_date="2026-03-01",
                              opening_date=None)
    created = admin.post("/programs", payload)
    assert created.status_code == 201, created.get_json()
    program = created.get_json()
    assert (program["presale_permit_no"], program["presale_permit_date"], program["opening_date"]) == (
        "天房预售字(2026)第12号", "2026-03-01", None)
    assert (program["agreement_title"], program["deposit_term"], program["refund_request_method"]) == (
        "内部认购协议书", "诚意金", "in_person")
    assert (program["reissue_fee"], program["transfer_policy"], program["multiple_redemptions"]) == (
        "0.00", "forbidden", False)
    tier = program["tiers"][0]
    assert (tier["amount"], tier["discount_rate"], tier["credit"]) == ("50000.00", "0.95", "0.00")

    # Before the permit's day no 诚意金 is taken.
    day(clock, 2026, 2, 28)
    zhang = consultant.post("/members", {"name": "张三", "id_number": valid_id_number(301), "phone": "13800138001",
                                         "address": "甘肃省天水市秦州区民主路1号"}).get_json()
    early = consultant.post("/cards", {"program": "CBSC", "tier": "VIP", "member_id": zhang["id"], "amount": "50000.00",
                                       "payment_method": "bank_card", "receipt_no": "CB-0"})
    assert error(early) == (409, "presale_permit_not_yet_valid"), early.get_json()

    # 1 March 2026: 张三 pays ¥50,000 of 诚意金; the 内部认购协议书 as drafted.
    day(clock, 2026, 3, 1)
    card = _issue(desk, zhang["id"], "CB-1")
    assert (card["status"], card["held_amount"], card["charges"]) == ("awaiting_signature", "50000.00", [])
    assert card["refund_window"] == {"first_day": None, "last_day": None, "code": "opening_date_not_set"}
    document = consultant.get(f"/agreements/{card['agreement_id']}/document.docx")
    assert document.status_code == 200
    content = document.data
    text = docx_text(content)
    assert title_of(content) == "内部认购协议书"
    assert "诚意金" in text and "认筹金" not in text and "认筹协议书" not in text
    assert "补办费" not in text  # the agreement names no reissue fee: no ¥0.00 line
    assert "增值" not in text and "可抵扣房价款" not in text  # no credit, no credit clause
    assert "¥50,000.00" in text and "伍万元整" in text
    assert "2026年3月1日" in text and "2026-03-01" not in text
    assert "天房预售字(2026)第12号" in text
    refund = clause(text, "第三条")
    assert "持本卡及本协议原件" in refund and "身份证" not in refund
    assert "自开盘日后第10日起" in refund and "不计利息" in refund
    assert "本卡限选购一套房屋" in text and "不得转让" in text and "9.5折" in text
    assert parties_of(content) == both("甲方（开发商）", "乙方（认筹方）")
    assert "{{" not in text and "{%" not in text
    card = _sign(desk, card)
    assert counter.get(f"/verify/{token_of(card)}").get_json()["result"] == "valid"
    early = counter.post(f"/cards/{card['number']}/redeem", {"item": "1号楼101室", "price": "1000000.00"})
    assert error(early) == (409, "not_yet_valid"), early.get_json()  # used from opening day

    # 10 April: the opening day is announced, 1 June; the window opens on the 10th day after it (docs/rules.md).
    day(clock, 2026, 4, 10)
    moved = admin.patch("/programs/CBSC", {"opening_date": "2026-06-01"})
    assert moved.status_code == 200, moved.get_json()
    assert [(c["number"], c["refund_from"]) for c in moved.get_json()["affected_cards"]] == [(card["number"], "2026-06-11")]
    card = consultant.get(f"/cards/{card['number']}").get_json()
    assert card["refund_window"] == {"first_day": "2026-06-11", "last_day": None, "code": "refund_window_known"}

    # A second card for the same person: the agreement limits one unit per card, not one card per person.
    second = _sign(desk, _issue(desk, zhang["id"], "CB-2"))
    third_holder = consultant.post("/members", {"name": "李四", "id_number": valid_id_number(302),
                                                "phone": "13800138002"}).get_json()
    lost = _sign(desk, _issue(desk, third_holder["id"], "CB-3"))

    # 1 June, opening day: the second card buys one unit at 9.5折, its 诚意金 applied; a second unit is refused.
    day(clock, 2026, 6, 1)
    renew_tokens(app, desk)
    assert counter.get(f"/verify/{token_of(second)}").get_json()["result"] == "valid"
    redeemed = counter.post(f"/cards/{second['number']}/redeem", {"item": "3号楼1单元1201室", "price": "1000000.00"})
    assert redeemed.status_code in (200, 201), redeemed.get_json()
    settlement = redeemed.get_json()["settlement"]
    assert (settlement["final_price"], settlement["deposit_applied"], settlement["credit_applied"],
            settlement["payable"]) == ("950000.00", "50000.00", "0.00", "900000.00")  # 1,000,000 × 0.95 − 50,000
    again = counter.post(f"/cards/{second['number']}/redeem", {"item": "3号楼1单元1202室", "price": "1000000.00"})
    assert error(again) == (409, "redeemed"), again.get_json()  # one card, one unit
    assert consultant.get(f"/cards/{second['number']}").get_json()["held_amount"] == "0.00"

    # Real-name, not transferable.
    transfer = consultant.post(f"/cards/{lost['number']}/transfer", {"to_member_id": zhang["id"], "fee_receipt_no": "T-1"})
    assert error(transfer) == (409, "transfer_forbidden"), transfer.get_json()

    # Lost and reissued in person with the holder's ID: no fee, the 诚意金 moves over whole.
    consultant.post(f"/cards/{lost['number']}/report-loss", {"reason": "遗失"})
    id_number = consultant.post(f"/members/{third_holder['id']}/reveal", {"reason": "补办核对"}).get_json()["id_number"]
    reissued = consultant.post(f"/cards/{lost['number']}/reissue", {"id_number": id_number, "fee_receipt_no": "F-1"})
    assert reissued.status_code == 201, reissued.get_json()
    reissued = reissued.get_json()
    assert (reissued["charges"], reissued["held_amount"]) == ([], "50000.00")
    assert consultant.get(f"/cards/{lost['number']}").get_json()["charges"] == []

    # 10 June, the 9th day after opening day: 张三 looks on his own page; the first day is tomorrow.
    day(clock, 2026, 6, 10)
    own = member_signs_in(app, card["number"], valid_id_number(301))
    assert not page_problems(own, "/my/")
    for lang in ("zh-CN", "en"):
        mine = visible(own.get("/my/", headers={"Accept-Language": lang}).get_data(as_text=True))
        assert card["number"][-4:] in mine and second["number"][-4:] in mine and "2026-06-11" in mine
    # The desk is refused too, naming the real first day.
    refused = consultant.post(f"/cards/{card['number']}/refund-requests", {"reason": "不买了"})
    assert error(refused) == (409, "refund_window_not_open"), refused.get_json()
    assert "2026-06-11" in refused.get_json()["error"]["message"]
    desk_browser = login("consultant")
    zh = {"Accept-Language": "zh-CN"}
    form = csrf_token(desk_browser.get(f"/cards/{card['number']}", headers=zh).get_data(as_text=True))
    on_page = desk_browser.post(f"/cards/{card['number']}/refund", data={"reason": "不买了", "csrf_token": form},
                                headers=zh, follow_redirects=True)
    assert "退卡窗口自 2026-06-11 起开放。" in visible(on_page.get_data(as_text=True))
    in_chinese = consultant.post(f"/cards/{card['number']}/refund-requests", {"reason": "不买了"},
                                 headers={"Accept-Language": "zh-CN"}).get_json()["error"]["message"]
    assert in_chinese == "退卡窗口自 2026-06-11 起开放。"

    # 11 June: asked for, and paid once a second person approves; the ¥50,000 back without interest.
    day(clock, 2026, 6, 11)
    request = consultant.post(f"/cards/{card['number']}/refund-requests", {"reason": "不买了"})
    assert request.status_code == 201, request.get_json()
    request = request.get_json()
    assert (request["status"], request["amount"]) == ("pending", "50000.00")
    waiting = consultant.get(f"/cards/{card['number']}").get_json()
    assert (waiting["status"], waiting["held_amount"]) == ("refund_pending", "50000.00")  # nothing moves on one say-so
    assert error(consultant.post(f"/refund-requests/{request['id']}/approve", {"payout_method": "bank_transfer",
                                                                            "payout_reference": "B-1"}))[0] == 403
    paid = admin.post(f"/refund-requests/{request['id']}/approve", {"payout_method": "bank_transfer",
                                                                     "payout_reference": "B-1"})
    assert paid.status_code == 200, paid.get_json()
    ended = consultant.get(f"/cards/{card['number']}").get_json()
    assert (ended["status"], ended["held_amount"], ended["charges"]) == ("refunded", "0.00", [])
    assert sum(float(e["amount"]) for e in ended["ledger"]) == 0
    assert [e["amount"] for e in ended["ledger"]] == ["50000.00", "-50000.00"]  # no interest line

    # The pages of each card read in words, in Chinese and in English.
    browser = login("consultant")
    pages = [f"/cards/{c['number']}" for c in (card, second, lost, reissued)] + ["/programs/CBSC"]
    assert not [p for path in pages for p in page_problems(browser, path)]
    # In the agreement's own words: its money is 诚意金 and its title 内部认购协议书, in the ledger, the documents and the
    # history alike; English keeps the generic words.
    for path, money_row in ((f"/cards/{card['number']}", "收诚意金"), (f"/cards/{second['number']}", "诚意金转房款"),
                            (f"/members/{zhang['id']}", "抵扣诚意金")):
        page = visible(browser.get(path, headers=zh).get_data(as_text=True))
        assert money_row in page and "内部认购协议书" in page, page
        for other in ("认筹金", "认筹/入会协议书", "认筹协议书"):
            assert other not in page, page[page.find(other) - 60:page.find(other) + 30]
        english = visible(browser.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True))
        assert "deposit received" in english and "Subscription agreement" in english and "诚意金" not in english and "内部认购协议书" not in english
    # The counter's settlement preview names the money as the agreement does too.
    desk = login("counter")
    form = csrf_token(desk.get("/counter", headers=zh).get_data(as_text=True))
    for lang, applied in (("zh-CN", "诚意金转房款"), ("en", "Deposit applied")):
        preview = desk.post("/counter", data={"csrf_token": form, "action": "preview", "code": reissued["verify_url"],
                                              "item": "3号楼1单元1301室", "price": "1000000.00"},
                            headers={"Accept-Language": lang})
        page = visible(preview.get_data(as_text=True))
        assert applied in page and "¥900,000.00" in page and "认筹金" not in page, page

"""Replay of 依林小镇 (DESIGN §3, the value-add pre-sale card) through the API under a fixed clock, to its agreement's
letter.

The agreement: a 认筹协议书 in three copies (the subscriber one, the developer two); 认购金 ¥20,000 that 增值 ¥30,000, so
¥50,000 is offset against the price; refund by phone from the 15th day after opening day, returning only the ¥20,000
without interest and voiding the 增值; the card and the agreement are valid only used together.
"""

from tests.conftest import program_payload, valid_id_number
from tests.documents.test_agreement_letter import both, clause, docx_text, parties_of, title_of
from tests.replays.conftest import day, error, page_problems, renew_tokens, token_of
from tests.views.test_every_page_readable import visible

ISSUER = {"issuer_name": "天水依林房地产开发有限公司", "project_name": "依林小镇", "contact_phone": "0938-6688123"}
TIER = {"code": "ZZ", "name": "增值卡", "amount": "20000.00", "discount_rate": "1.00"}


def test_a_credit_below_its_deposit_is_refused(desk):
    """A credit is the whole offset, deposit included: one given without its increment (the increment typed into it
    by mistake) is refused, never taken as a smaller benefit."""
    for credit in ("10000.00", "19999.99"):
        refused = desk["admin"].post("/programs", program_payload("presale_value_add", code="YLBAD", **ISSUER,
                                                                  tiers=[TIER | {"credit": credit}]))
        assert refused.status_code == 422, refused.get_json()
        assert refused.get_json()["error"]["reasons"] == {"tiers.0.credit": "increment_required"}
    created = desk["admin"].post("/programs", program_payload("presale_value_add", code="YLOK", **ISSUER,
                                                              tiers=[TIER | {"increment": "30000.00"}]))
    assert created.status_code == 201, created.get_json()
    patched = desk["admin"].patch("/programs/YLOK", {"tiers": [TIER | {"credit": "15000.00"}]})
    assert patched.status_code == 422, patched.get_json()
    assert desk["admin"].get("/programs/YLOK").get_json()["tiers"][0]["credit"] == "50000.00"  # nothing half written


def test_yilin_replayed_to_the_letter(app, desk, clock, login):
    admin, consultant, counter = desk["admin"], desk["consultant"], desk["counter"]
    day(clock, 2026, 3, 15)
    renew_tokens(app, desk)
    created = admin.post("/programs", program_payload(
        "presale_value_add", code="YLXZ", name="依林小镇 增值认筹卡", **ISSUER, presale_permit_no="天房预售字(2026)第7号",
        presale_permit_date="2026-03-10", opening_date=None, tiers=[TIER | {"increment": "30000.00"}]))
    assert created.status_code == 201, created.get_json()
    program = created.get_json()
    assert program["tiers"][0].items() >= {"amount": "20000.00", "increment": "30000.00", "credit": "50000.00"}.items()
    assert (program["agreement_title"], program["copies"], program["copies_held_by"], program["refund_request_method"],
            program["card_with_agreement"]) == ("认筹协议书", 3, "认筹方一份，开发商两份", "by_phone", True)

    cards = []
    for seed, name in ((401, "王五"), (402, "赵六")):
        member = consultant.post("/members", {"name": name, "id_number": valid_id_number(seed), "phone": "13900139000",
                                              "address": "甘肃省天水市麦积区示例路2号"}).get_json()
        card = consultant.post("/cards", {"program": "YLXZ", "tier": "ZZ", "member_id": member["id"], "amount": "20000.00",
                                          "payment_method": "wechat_pay", "receipt_no": f"YL-{seed}"})
        assert card.status_code == 201, card.get_json()
        cards.append(card.get_json())
    buyer, leaver = cards
    assert (buyer["held_amount"], buyer["charges"]) == ("20000.00", [])  # the 增值 is no money held
    # The entitlement as the figures say it, without calling the 认购金 a 认筹.
    entitled = visible(login("consultant").get(f"/cards/{buyer['number']}", headers={"Accept-Language": "zh-CN"})
                       .get_data(as_text=True))
    assert "¥20,000.00 抵 ¥50,000.00" in entitled and "认筹 ¥" not in entitled, entitled

    content = consultant.get(f"/agreements/{buyer['agreement_id']}/document.docx").data
    text = docx_text(content)
    assert title_of(content) == "认筹协议书"
    assert "认购金" in text and "认筹金" not in text
    assert "¥20,000.00" in text and "贰万元整" in text
    benefit = clause(text, "第二条")
    assert "本卡增值¥30,000.00（大写：叁万元整）" in benefit  # the increment as its own figure
    assert "¥50,000.00" in benefit and "伍万元整" in benefit
    assert "本卡与本协议配合使用，缺一无效" in text
    assert "本协议一式三份，认筹方一份，开发商两份" in text
    refund = clause(text, "第三条")
    assert "拨打甲方联系电话0938-6688123" in refund and "持本卡" not in refund
    assert "自开盘日后第15日起" in refund and "增值权益同时作废" in refund and "不计利息" in refund
    assert "补办费" not in text and "2026年3月15日" in text and "2026-03-15" not in text
    assert parties_of(content) == both("甲方（开发商）", "乙方（认筹方）")
    for card in cards:
        consultant.sign_by_scan(card["agreement_id"])

    # The opening day is announced: 1 June; refunds from the 15th day after it, 16 June.
    moved = admin.patch("/programs/YLXZ", {"opening_date": "2026-06-01"})
    assert {c["refund_from"] for c in moved.get_json()["affected_cards"]} == {"2026-06-16"}

    # Opening day: a unit at ¥800,000 (no discount on this card), ¥50,000 offset of which ¥20,000 is the 认购金.
    day(clock, 2026, 6, 1)
    renew_tokens(app, desk)
    preview = counter.post(f"/cards/{buyer['number']}/redeem", {"item": "5号楼2单元301室", "price": "800000.00"})
    assert preview.status_code in (200, 201), preview.get_json()
    settlement = preview.get_json()["settlement"]
    assert (settlement["final_price"], settlement["deposit_applied"], settlement["credit_applied"],
            settlement["payable"]) == ("800000.00", "20000.00", "30000.00", "750000.00")  # the 增值 beyond the 认购金
    assert consultant.get(f"/cards/{buyer['number']}").get_json()["held_amount"] == "0.00"

    # 5 June: the purchase is cancelled (退房), a second manager approving: the ¥20,000 is back on the card, the 增值 void;
    # a later unit is settled on the money actually paid.
    day(clock, 2026, 6, 5)
    redemption = consultant.get(f"/cards/{buyer['number']}").get_json()["redemptions"][0]
    annul = consultant.post(f"/redemptions/{redemption['id']}/annul", {"reason": "购房取消"})
    assert annul.status_code == 202, annul.get_json()
    approved = admin.post(f"/annul-requests/{annul.get_json()['id']}/approve", {"note": "核对无误"})
    assert approved.status_code == 200, approved.get_json()
    after = consultant.get(f"/cards/{buyer['number']}").get_json()
    assert (after["status"], after["held_amount"], after["entitlement"]["credit_void"]) == ("active", "20000.00", True)
    assert [e["kind"] for e in after["ledger"]][-2:] == ["deposit_released", "credit_voided"]
    later = counter.post(f"/verify/{token_of(after)}/settlement", {"item": "5号楼2单元302室", "price": "800000.00"})
    settlement = later.get_json()["settlement"]
    assert (settlement["deposit_applied"], settlement["credit_applied"], settlement["payable"]) == (
        "20000.00", "0.00", "780000.00")

    # 15 June, the 14th day: refused; 16 June: the ¥20,000 only, the 增值 void, once a second person approves.
    day(clock, 2026, 6, 15)
    early = consultant.post(f"/cards/{leaver['number']}/refund-requests", {"reason": "电话申请退卡"})
    assert error(early) == (409, "refund_window_not_open") and "2026-06-16" in early.get_json()["error"]["message"]
    day(clock, 2026, 6, 16)
    request = consultant.post(f"/cards/{leaver['number']}/refund-requests", {"reason": "电话申请退卡"})
    assert request.status_code == 201, request.get_json()
    assert request.get_json()["amount"] == "20000.00"
    paid = admin.post(f"/refund-requests/{request.get_json()['id']}/approve", {"payout_method": "bank_transfer",
                                                                                "payout_reference": "YB-1"})
    assert paid.status_code == 200, paid.get_json()
    ended = consultant.get(f"/cards/{leaver['number']}").get_json()
    assert (ended["status"], ended["held_amount"]) == ("refunded", "0.00")
    assert [(e["kind"], e["amount"]) for e in ended["ledger"]] == [  # the 增值 voided, no money of its own
        ("deposit_received", "20000.00"), ("refund_paid", "-20000.00"), ("credit_voided", "0.00")]
    refund_text = docx_text(consultant.get(f"/agreements/{paid.get_json()['agreement_id']}/document.docx").data)
    assert "¥20,000.00" in refund_text and "2026年6月16日" in refund_text and "2026-06-16" not in refund_text
    assert "不计利息" in refund_text and "增值¥30,000.00" in refund_text and "同时作废，不予兑现" in refund_text
    assert counter.post(f"/cards/{leaver['number']}/redeem", {"item": "x", "price": "1"}).status_code == 409  # credit void

    browser = login("consultant")
    pages = [f"/cards/{c['number']}" for c in cards] + ["/programs/YLXZ"]
    assert not [p for path in pages for p in page_problems(browser, path)]
    scanned = visible(browser.get(f"/cards/{buyer['number']}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True))
    assert "扫码记录" in scanned and "redeem" not in scanned  # the scan's kind in words (核销), not its code
    tiers = browser.get("/programs/YLXZ", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "<th>认购金</th>" in tiers and "<th>认筹金/会费</th>" not in tiers  # the tiers' money by its own name
    assert "<th>Deposit or fee</th>" in browser.get("/programs/YLXZ", headers={"Accept-Language": "en"}).get_data(as_text=True)


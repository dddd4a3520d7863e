"""Replay of the retail VIP card (DESIGN §3, issue 12's example) through the API under a fixed clock in 2013.

The agreement: a customer qualifies by spend (one purchase of ¥5,000, or ¥5,000 in a year); 8.6折, not combined with
other offers (special-price goods: no discount, no points); valid 2 years; 1 point per ¥10 paid, double in the birthday
month, ¥1 a point, expiring at the end of the card year. A card opened 2013-06-10 is valid through 2015-06-09; its
first year's points can be spent through 2014-06-09. Free, so nothing to refund or terminate, and no unit to buy.
"""

from stdnum.cn import ric

from tests.conftest import program_payload
from tests.documents.test_agreement_letter import both, docx_text, parties_of, title_of
from tests.replays.conftest import day, error, member_signs_in, page_problems, renew_tokens, run_expiry, token_of
from tests.views.test_every_page_readable import visible

PHONE = "13912340610"


def born(date: str, seq: int = 123) -> str:
    """A resident ID number of someone born on ``date`` (YYYYMMDD), with its check digit."""
    base = f"620502{date}{seq:03d}"
    return base + ric.calc_check_digit(base + "0")


def test_retail_vip_replayed_to_the_letter(app, desk, clock, login):
    admin, consultant, counter = desk["admin"], desk["consultant"], desk["counter"]
    # 10 June 2013, before the product's own years: nothing refuses the date.
    day(clock, 2013, 6, 10)
    renew_tokens(app, desk)
    created = admin.post("/programs", program_payload("retail_vip", code="SHOP", name="VIP会员卡",
                                                      issuer_name="天水商厦有限公司", project_name="天水商厦"))
    assert created.status_code == 201, created.get_json()
    program = created.get_json()
    assert (program["kind"], program["validity_months"], program["points_per_yuan"], program["point_value"],
            program["birthday_multiplier"]) == ("retail", 24, "0.1", "1.00", 2)
    assert (program["tiers"][0]["discount_rate"], program["tiers"][0]["qualifying_spend"]) == ("0.86", "5000.00")

    # A customer at the till: ¥4,999.99 does not qualify, ¥5,000 in one purchase does.
    ask = {"program": "SHOP", "q": PHONE}
    short = counter.get("/loyalty/qualifying", query_string=ask | {"amount": "4999.99"}).get_json()
    assert (short["qualifies"], short["code"]) == (False, "not_qualified")
    assert counter.get("/loyalty/qualifying", query_string=ask | {"amount": "5000.00"}).get_json()["qualifies"]

    # Born in September: double points that month. The card, opened today, runs two years.
    member = consultant.post("/members", {"name": "孙七", "id_number": born("19850917"), "phone": PHONE})
    assert member.status_code == 201, member.get_json()
    member = member.get_json()
    issued = consultant.post("/cards", {"program": "SHOP", "tier": "VIP", "member_id": member["id"], "amount": "0.00",
                                        "qualifying_spend": "5000.00"})
    assert issued.status_code == 201, issued.get_json()
    card = issued.get_json()
    content = consultant.get(f"/agreements/{card['agreement_id']}/document.docx").data
    text = docx_text(content)
    assert "本卡有效期自2013年6月10日至2015年6月9日" in text and "2013-06-10" not in text
    assert "8.6折" in text and "每实付人民币10元积1分" in text and "生日当月积分按2倍计算" in text
    assert "特价、团购及议价商品不享受会员折扣" in text and "不与其他优惠同时使用" in text
    for foreign in ("退卡", "认筹", "购房", "终止", "补办费"):  # nothing to refund or terminate, no house, no fee
        assert foreign not in text, foreign
    assert parties_of(content) == both("甲方（发卡方）", "乙方（会员）")
    consultant.sign_by_scan(card["agreement_id"])
    card = consultant.get(f"/cards/{card['number']}").get_json()
    number = card["number"]
    assert (card["status"], card["valid_from"], card["valid_through"]) == ("active", "2013-06-10", "2015-06-09")
    assert (card["held_amount"], card["refund_window"], card["charges"]) == ("0.00", None, [])
    holds = counter.get("/loyalty/qualifying", query_string=ask).get_json()
    assert (holds["member_id"], holds["card"]) == (member["id"], number)
    again = consultant.post("/cards", {"program": "SHOP", "tier": "VIP", "member_id": member["id"], "amount": "0.00",
                                       "qualifying_spend": "5000.00"})
    assert error(again) == (409, "member_card_limit"), again.get_json()  # one person, one card

    # Purchases: 8.6折 and a point per ¥10 paid; special-price goods get neither.
    first = counter.post(f"/cards/{number}/purchases", {"amount": "1000.00", "receipt_no": "S-1"})
    assert first.status_code == 201, first.get_json()
    first = first.get_json()
    assert (first["discount_applied"], first["discounted_amount"], first["paid"], first["points_earned"],
            first["birthday_month"], first["balance"]) == (True, "860.00", "860.00", 86, False, 86)
    special = counter.post(f"/cards/{number}/purchases", {"amount": "500.00", "special_price": True,
                                                         "receipt_no": "S-2"}).get_json()
    assert (special["discount_applied"], special["discount"], special["paid"], special["points_earned"]) == (
        False, "0.00", "500.00", 0)

    # 17 September 2013, the birthday month: ¥100 → ¥86 paid → 8 points, doubled.
    day(clock, 2013, 9, 17)
    renew_tokens(app, desk)
    birthday = counter.post(f"/cards/{number}/purchases", {"amount": "100.00", "receipt_no": "S-3"}).get_json()
    assert (birthday["birthday_month"], birthday["points_earned"], birthday["balance"]) == (True, 16, 102)

    # 1 December 2013: 90 points (¥90) off a ¥200 purchase, oldest lot first; the ¥90 earns nothing.
    day(clock, 2013, 12, 1)
    renew_tokens(app, desk)
    spent = counter.post(f"/cards/{number}/points/redeem", {"points": 90, "receipt_no": "S-4"})
    assert spent.status_code == 201, spent.get_json()
    spent = spent.get_json()
    assert (spent["value"], spent["balance"], [part["points"] for part in spent["lots"]]) == ("90.00", 12, [86, 4])
    paid_with_points = counter.post(f"/cards/{number}/purchases", {"amount": "200.00", "receipt_no": "S-4"}).get_json()
    assert (paid_with_points["discounted_amount"], paid_with_points["points_value"], paid_with_points["paid"],
            paid_with_points["points_earned"]) == ("172.00", "90.00", "82.00", 8)  # 172 − 90 = 82 paid: 8 points
    points = consultant.get(f"/cards/{number}/points").get_json()
    assert (points["earned"], points["spent"], points["expired"], points["balance"], points["balance_value"]) == (
        110, 90, 0, 20, "20.00")
    assert {lot["expires_on"] for lot in points["lots"]} == {"2014-06-09"}  # the end of the first card year

    # The purchase prints a receipt, not a redemption confirmation; the card's only agreement is its own.
    browser = login("consultant")
    receipt = browser.get(f"/purchases/{paid_with_points['id']}/receipt.docx")
    assert receipt.status_code == 200
    assert title_of(receipt.data) == "会员消费凭证"
    receipt_text = docx_text(receipt.data)
    assert "S-4" in receipt_text and "¥82.00" in receipt_text and "2013年12月1日" in receipt_text
    for foreign in ("核销", "认筹", "购房", "购买合同", "退卡", "2013-12-01"):
        assert foreign not in receipt_text, foreign
    agreements = consultant.get(f"/cards/{number}").get_json()["agreements"]
    assert [a["kind"] for a in agreements] == ["subscription"]

    # Lost and reissued without a fee: the points go with the holder to the new card; the old one takes no purchase.
    consultant.post(f"/cards/{number}/report-loss", {"reason": "遗失"})
    reissued = consultant.post(f"/cards/{number}/reissue", {"id_number": born("19850917"), "fee_receipt_no": "F-1"})
    assert reissued.status_code == 201, reissued.get_json()
    old, number, card = number, reissued.get_json()["number"], reissued.get_json()
    assert (card["charges"], card["valid_through"]) == ([], "2015-06-09")
    assert consultant.get(f"/cards/{number}/points").get_json()["balance"] == 20
    assert error(counter.post(f"/cards/{old}/purchases", {"amount": "10.00", "receipt_no": "S-X"})) == (
        409, "card_not_active")

    # Nothing to terminate, refund, transfer or redeem against a unit.
    assert error(consultant.post(f"/cards/{number}/terminate", {"reason": "不想要了"})) == (
        409, "termination_not_applicable")
    assert error(consultant.post(f"/cards/{number}/refund-requests", {"reason": "x"})) == (409, "refund_not_offered")
    assert error(consultant.post(f"/cards/{number}/transfer", {"to_member_id": member["id"], "fee_receipt_no": "T"})) == (
        409, "transfer_forbidden")
    assert error(counter.post(f"/cards/{number}/redeem", {"item": "衬衫", "price": "100.00"})) == (
        409, "retail_not_redeemable")

    # A month ahead of 9 June 2014 the reminder list names the card; on the 9th the points are still there,
    # the daily expiry of the 10th takes them.
    day(clock, 2014, 5, 10)
    renew_tokens(app, desk)
    own = member_signs_in(app, number, born("19850917"))
    assert not page_problems(own, "/my/")
    mine = visible(own.get("/my/", headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "Valid June 10, 2013 – June 9, 2015" in mine and "Points balance 20 · worth ¥20.00" in mine
    assert "12 points, to use by June 9, 2014 8 points, to use by June 9, 2014" in mine
    reminder = admin.get("/points/expiring").get_json()["items"]
    assert [(r["card"], r["points"], r["expires_on"]) for r in reminder] == [  # each lot with what is left of it
        (number, 12, "2014-06-09"), (number, 8, "2014-06-09")]
    day(clock, 2014, 6, 9)
    assert "expired 0 point(s)" in run_expiry(app, "2014-06-09")
    last_day = counter.post(f"/cards/{number}/points/redeem", {"points": 5, "receipt_no": "S-5"})
    assert last_day.status_code == 201 and last_day.get_json()["balance"] == 15
    on_last_day = counter.post(f"/cards/{number}/purchases", {"amount": "50.00", "receipt_no": "S-5"}).get_json()
    assert on_last_day["points_earned"] == 3  # ¥43 − ¥5 = ¥38 paid; still the first card year's
    day(clock, 2014, 6, 10)
    assert "expired 18 point(s)" in run_expiry(app, "2014-06-10")
    assert "expired 0 point(s)" in run_expiry(app, "2014-06-10")  # idempotent
    points = consultant.get(f"/cards/{number}/points").get_json()
    assert (points["balance"], points["expired"]) == (0, 18)
    assert error(counter.post(f"/cards/{number}/points/redeem", {"points": 1, "receipt_no": "S-6"})) == (
        409, "not_enough_points")
    second_year = counter.post(f"/cards/{number}/purchases", {"amount": "100.00", "receipt_no": "S-6"}).get_json()
    assert second_year["points_earned"] == 8
    assert consultant.get(f"/cards/{number}/points").get_json()["lots"][-1]["expires_on"] == "2015-06-09"

    # In force through 9 June 2015; the daily expiry of the 10th ends it, and its last points with it.
    day(clock, 2015, 6, 9)
    renew_tokens(app, desk)
    assert counter.get(f"/verify/{token_of(card)}").get_json()["result"] == "valid"
    day(clock, 2015, 6, 10)
    assert run_expiry(app, "2015-06-10").startswith("expired 1 card(s)")
    assert counter.get(f"/verify/{token_of(card)}").get_json()["result"] == "expired"
    ended = consultant.get(f"/cards/{number}").get_json()
    assert ended["status"] == "expired"
    assert consultant.get(f"/cards/{number}/points").get_json()["balance"] == 0
    late = counter.post(f"/cards/{number}/purchases", {"amount": "100.00", "receipt_no": "S-7"})
    assert error(late) == (409, "card_not_active")

    browser = login("consultant")
    pages = [f"/cards/{number}", f"/cards/{old}", "/programs/SHOP", f"/purchases/{first['id']}", f"/purchases/{paid_with_points['id']}"]
    assert not [p for path in pages for p in page_problems(browser, path)]

"""Retail purchases and points through the API (issue 12 part 1; DESIGN §10.1, §14), on both backends."""

import datetime as dt

import pytest
from stdnum.cn import ric

from tests.conftest import SHANGHAI, program_payload, valid_id_number


@pytest.fixture
def retail(api_as, clock):
    """A retail programme (the preset: 8.6折, qualifying spend 5,000, valid 2 years) and a card issued to a holder born
    in March, on 2026-05-20 (the fixed clock)."""
    admin, consultant = api_as("admin"), api_as("consultant")
    program = admin.post("/programs", json=program_payload("retail_vip", code="SHOP")).get_json()
    assert program["kind"] == "retail" and program["points_per_yuan"] == "0.1", program

    def issue(month: int = 3, seed: int = 7):
        number = valid_id_number(seed)
        number = number[:10] + f"{month:02d}" + number[12:17] + "0"
        number = number[:-1] + ric.calc_check_digit(number)
        member = consultant.post("/members", json={"name": f"顾客{seed}", "id_number": number,
                                                   "phone": f"1390000{seed:04d}"}).get_json()
        card = consultant.post("/cards", json={"program": "SHOP", "tier": "VIP", "member_id": member["id"],
                                               "amount": "0.00", "qualifying_spend": "5000.00"})
        assert card.status_code == 201, card.get_json()
        body = card.get_json()
        consultant.sign_by_scan(body["agreement_id"])
        return body["number"], member

    return admin, consultant, issue


def test_a_purchase_gets_the_discount_and_a_point_per_ten_yuan_paid(retail, api_as):
    _, consultant, issue = retail
    number, _ = issue()
    counter = api_as("counter")
    answer = counter.post(f"/cards/{number}/purchases", json={"amount": "1000.00", "receipt_no": "T-1"})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["discount_applied"] and body["discount_rate"] == "0.86"
    assert (body["discounted_amount"], body["paid"], body["points_earned"], body["balance"]) == ("860.00", "860.00", 86, 86)
    points = api_as("auditor").get(f"/cards/{number}/points").get_json()
    assert points["balance"] == 86 and points["lots"][0]["expires_on"] == "2027-05-19"


def test_special_price_goods_get_neither_discount_nor_points(retail):
    _, consultant, issue = retail
    number, _ = issue()
    body = consultant.post(f"/cards/{number}/purchases", json={"amount": "500.00", "special_price": True,
                                                               "receipt_no": "T-2"}).get_json()
    assert (body["discount_applied"], body["paid"], body["points_earned"]) == (False, "500.00", 0)


def test_points_double_in_the_birthday_month_from_the_resident_id(retail):
    _, consultant, issue = retail
    number, _ = issue(month=5, seed=8)  # born in May; the clock says 20 May
    body = consultant.post(f"/cards/{number}/purchases", json={"amount": "100.00", "receipt_no": "B-1"}).get_json()
    assert (body["birthday_month"], body["points_earned"]) == (True, 16)  # floor(86 × 0.1) × 2


@pytest.mark.parametrize(("id_type", "number", "doubled"), [
    ("hmt_residence_permit", "810000" + "19900512" + "001", True),  # a Hong Kong resident's permit carries the birth date
    ("passport", "E12345678", False),  # a passport's number carries none: no multiplier
])
def test_the_birthday_month_from_any_paper_that_carries_a_birth_date(retail, api_as, id_type, number, doubled):
    consultant = api_as("consultant")
    if id_type != "passport":
        number += ric.calc_check_digit(number + "0")
    member = consultant.post("/members", json={"name": "陈大文", "id_type": id_type, "id_number": number,
                                               "phone": "13900001111"}).get_json()
    card = consultant.post("/cards", json={"program": "SHOP", "tier": "VIP", "member_id": member["id"], "amount": "0.00",
                                           "qualifying_spend": "5000.00"}).get_json()
    consultant.sign_by_scan(card["agreement_id"])
    body = consultant.post(f"/cards/{card['number']}/purchases", json={"amount": "100.00", "receipt_no": "P-1"}).get_json()
    assert (body["birthday_month"], body["points_earned"]) == (doubled, 16 if doubled else 8)


def test_points_spent_oldest_first_pay_part_of_the_next_purchase_which_earns_nothing_on_it(retail, clock):
    _, consultant, issue = retail
    number, _ = issue()
    consultant.post(f"/cards/{number}/purchases", json={"amount": "1000.00", "receipt_no": "A-1"})  # 86 points
    clock.at = dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)
    consultant.post(f"/cards/{number}/purchases", json={"amount": "500.00", "receipt_no": "A-2"})  # 43 points
    spent = consultant.post(f"/cards/{number}/points/redeem", json={"points": 100, "receipt_no": "A-3"})
    assert spent.status_code == 201, spent.get_json()
    body = spent.get_json()
    assert body["value"] == "100.00" and body["balance"] == 29
    assert [part["points"] for part in body["lots"]] == [86, 14]
    purchase = consultant.post(f"/cards/{number}/purchases", json={"amount": "200.00", "receipt_no": "A-3"}).get_json()
    # 200 × 0.86 = 172, of which 100 paid with points: 72 yuan paid earns 7 points
    assert (purchase["points_value"], purchase["paid"], purchase["points_earned"]) == ("100.00", "72.00", 7)
    points = consultant.get(f"/cards/{number}/points").get_json()
    assert (points["earned"], points["spent"], points["expired"], points["balance"]) == (136, 100, 0, 36)


def test_what_the_api_refuses(retail, make_card, api_as):
    admin, consultant, issue = retail
    number, _ = issue()
    assert consultant.post(f"/cards/{number}/purchases", json={"amount": "10", "receipt_no": "D-1"}).status_code == 201
    twice = consultant.post(f"/cards/{number}/purchases", json={"amount": "10", "receipt_no": "D-1"})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "receipt_recorded"
    late = consultant.post(f"/cards/{number}/points/redeem", json={"points": 1, "receipt_no": "D-1"})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "purchase_already_recorded"
    short = consultant.post(f"/cards/{number}/points/redeem", json={"points": 5000, "receipt_no": "D-2"})
    assert short.status_code == 409 and short.get_json()["error"]["code"] == "not_enough_points"
    bad = consultant.post(f"/cards/{number}/purchases", json={"amount": "-1", "receipt_no": "D-3"})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"amount"}
    zero = consultant.post(f"/cards/{number}/purchases", json={"amount": "0", "receipt_no": "D-3"})
    assert zero.status_code == 409 and zero.get_json()["error"]["code"] == "purchase_amount_zero"
    unknown = consultant.post(f"/cards/{number}/purchases", json={"amount": "1", "receipt_no": "D-3", "points": 1})
    assert unknown.status_code == 422 and set(unknown.get_json()["error"]["fields"]) == {"points"}
    assert api_as("auditor").post(f"/cards/{number}/purchases", json={"amount": "1", "receipt_no": "D-4"}).status_code == 403
    presale = make_card()
    other = consultant.post(f"/cards/{presale.number}/purchases", json={"amount": "1", "receipt_no": "D-5"})
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "not_retail"
    consultant.post(f"/cards/{number}/report-loss", json={"reason": "lost"})
    blocked = consultant.post(f"/cards/{number}/purchases", json={"amount": "1", "receipt_no": "D-6"})
    assert blocked.status_code == 409 and blocked.get_json()["error"]["code"] == "card_not_active"


def test_a_retail_card_is_not_redeemed_terminated_or_refunded(retail):
    _, consultant, issue = retail
    number, _ = issue()
    redeem = consultant.post(f"/cards/{number}/redeem", json={"item": "衬衫", "price": "100.00"})
    assert redeem.status_code == 409 and redeem.get_json()["error"]["code"] == "retail_not_redeemable"
    assert consultant.post(f"/cards/{number}/refund-requests", json={"reason": "x"}).status_code == 409
    assert consultant.post(f"/cards/{number}/transfer", json={"to_member_id": 1}).status_code in (409, 422)


def test_points_expire_a_year_after_the_issue_by_the_daily_job(retail, clock, app, api_as):
    """DESIGN's example moved to this card: opened 2026-05-20, valid through 2028-05-19, first year's points expire
    after 2027-05-19."""
    from app.jobs import JOBS
    _, consultant, issue = retail
    number, _ = issue()
    card = consultant.get(f"/cards/{number}").get_json()
    assert card["valid_through"] == "2028-05-19"
    consultant.post(f"/cards/{number}/purchases", json={"amount": "1000.00", "receipt_no": "E-1"})
    clock.at = dt.datetime(2027, 4, 25, 10, 0, tzinfo=SHANGHAI)
    manager = api_as("admin")
    expiring = manager.get("/points/expiring").get_json()["items"]
    assert [(i["card"], i["points"], i["expires_on"]) for i in expiring] == [(number, 86, "2027-05-19")]
    clock.at = dt.datetime(2027, 5, 20, 10, 0, tzinfo=SHANGHAI)
    with app.app_context():
        JOBS["cards.expire"]()  # the daily job sweeps the points too
        JOBS["cards.expire"]()  # idempotent
    points = manager.get(f"/cards/{number}/points").get_json()
    assert (points["balance"], points["expired"], points["lots"][0]["expired"]) == (0, 86, 86)
    second_year = consultant.renew(app).post(f"/cards/{number}/purchases", json={"amount": "100.00", "receipt_no": "E-2"}).get_json()
    assert second_year["points_earned"] == 8
    assert manager.get(f"/cards/{number}/points").get_json()["lots"][-1]["expires_on"] == "2028-05-19"


def test_a_customer_qualifies_by_one_purchase_or_a_years_purchases(retail, api_as):
    _, consultant, issue = retail
    number, _ = issue()
    counter = api_as("counter")
    nobody = counter.get("/loyalty/qualifying", query_string={"program": "SHOP", "q": "13912345678", "amount": "5000"})
    assert nobody.status_code == 200 and nobody.get_json()["qualifies"] and nobody.get_json()["member_id"] is None
    short = counter.get("/loyalty/qualifying", query_string={"program": "SHOP", "q": "13912345678", "amount": "4999.99"})
    assert not short.get_json()["qualifies"] and short.get_json()["code"] == "not_qualified"
    for i in range(3):
        consultant.post(f"/cards/{number}/purchases", json={"amount": "2000.00", "receipt_no": f"Q-{i}"})  # 1,720 each
    held = counter.get("/loyalty/qualifying", query_string={"program": "SHOP", "q": "13900000007"})
    body = held.get_json()
    assert body["qualifies"] and body["code"] == "qualifies_by_year" and body["card"] == number


def test_programme_loyalty_fields_round_trip(api_as):
    admin = api_as("admin")
    program = admin.post("/programs", json=program_payload("retail_vip", code="SHOP2", points_per_yuan="0.125",
                                                           point_value="0.50", birthday_multiplier=3)).get_json()
    assert (program["points_per_yuan"], program["point_value"], program["birthday_multiplier"]) == ("0.125", "0.50", 3)
    changed = admin.patch("/programs/SHOP2", json={"points_per_yuan": "1", "points_valid_months": 6})
    assert changed.status_code == 200 and changed.get_json()["points_per_yuan"] == "1"
    bad = admin.patch("/programs/SHOP2", json={"points_per_yuan": "0.0001"})
    assert bad.status_code == 422 and "points_per_yuan" in bad.get_json()["error"]["fields"]
    refund = admin.patch("/programs/SHOP2", json={"refund_window": {"anchor": "issue_date", "opens_after_days": 0}})
    assert refund.status_code == 422 and "refund_window" in refund.get_json()["error"]["fields"]


def test_a_reissued_card_keeps_its_points_and_its_reissue_costs_nothing(retail):
    _, consultant, issue = retail
    number, member = issue(seed=9)
    consultant.post(f"/cards/{number}/purchases", json={"amount": "1000.00", "receipt_no": "R-1"})
    consultant.post(f"/cards/{number}/report-loss", json={"reason": "丢失"})
    id_number = valid_id_number(9)
    id_number = id_number[:10] + "03" + id_number[12:17] + "0"
    reissued = consultant.post(f"/cards/{number}/reissue", json={"id_number": id_number[:-1] + ric.calc_check_digit(id_number)})
    assert reissued.status_code == 201, reissued.get_json()
    new = reissued.get_json()["number"]
    assert consultant.get(f"/cards/{new}/points").get_json()["balance"] == 86
    terminate = consultant.post(f"/cards/{new}/terminate", json={"reason": "不要了"})
    assert terminate.status_code == 409 and terminate.get_json()["error"]["code"] == "termination_not_applicable"


def test_a_retail_card_is_renewed_free_in_its_last_month_and_keeps_its_points(retail, clock, app):
    _, consultant, issue = retail
    number, _ = issue(seed=11)
    consultant.post(f"/cards/{number}/purchases", json={"amount": "100.00", "receipt_no": "N-1"})
    clock.at = dt.datetime(2028, 5, 1, 10, 0, tzinfo=SHANGHAI)
    renewed = consultant.renew(app).post(f"/cards/{number}/renew", json={})
    assert renewed.status_code == 200, renewed.get_json()
    assert renewed.get_json()["valid_through"] == "2030-05-19"


def test_the_design_example_replayed_a_card_opened_2013_06_10(api_as, clock, app):
    """DESIGN §14 / issue 12 part 8: a retail card opened 2013-06-10 is valid through 2015-06-09, its first year's
    points expire 2014-06-09 (the daily job sweeps them the day after), the second year's on 2015-06-09."""
    from app.jobs import JOBS
    clock.at = dt.datetime(2013, 6, 10, 11, 0, tzinfo=SHANGHAI)
    admin, consultant = api_as("admin"), api_as("consultant")
    assert admin.post("/programs", json=program_payload("retail_vip", code="SHOP13")).status_code == 201
    member = consultant.post("/members", json={"name": "王五", "id_number": valid_id_number(21),
                                               "phone": "13600000021"}).get_json()
    card = consultant.post("/cards", json={"program": "SHOP13", "tier": "VIP", "member_id": member["id"], "amount": "0",
                                           "qualifying_spend": "5000"}).get_json()
    consultant.sign_by_scan(card["agreement_id"])
    number = card["number"]
    assert consultant.get(f"/cards/{number}").get_json()["valid_through"] == "2015-06-09"
    first = consultant.post(f"/cards/{number}/purchases", json={"amount": "5000.00", "receipt_no": "2013-1"}).get_json()
    assert (first["discounted_amount"], first["points_earned"]) == ("4300.00", 430)
    assert consultant.get(f"/cards/{number}/points").get_json()["lots"][0]["expires_on"] == "2014-06-09"
    clock.at = dt.datetime(2014, 6, 9, 20, 0, tzinfo=SHANGHAI)
    with app.app_context():
        JOBS["cards.expire"]()
    consultant.renew(app)
    assert consultant.get(f"/cards/{number}/points").get_json()["balance"] == 430  # still spendable on its last day
    clock.at = dt.datetime(2014, 6, 10, 9, 0, tzinfo=SHANGHAI)
    swept = app.test_cli_runner().invoke(args=["cards", "expire"])  # the daily job as cron runs it
    assert swept.exit_code == 0 and "expired 430 point(s) in 1 lot(s)" in swept.output, swept.output
    points = consultant.get(f"/cards/{number}/points").get_json()
    assert (points["balance"], points["expired"]) == (0, 430)
    second = consultant.post(f"/cards/{number}/purchases", json={"amount": "100.00", "receipt_no": "2014-1"}).get_json()
    assert second["points_earned"] == 8
    assert consultant.get(f"/cards/{number}/points").get_json()["lots"][-1]["expires_on"] == "2015-06-09"

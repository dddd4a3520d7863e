"""The dashboard's figures, GET /api/v1/stats (DESIGN §10.1): counted against cards issued, redeemed and refunded
through the API on chosen days, by two consultants, in three programmes."""

import datetime as dt

import pytest

from tests.conftest import DEFAULT_NOW, program_payload

TODAY = DEFAULT_NOW.date()  # 2026-05-20, a Wednesday: this week runs 05-18 to 05-24


def _issue(api, program: str, member_id: int, amount: str = "50000", tier: str = "VIP") -> dict:
    card = api.post("/cards", {"program": program, "tier": tier, "member_id": member_id, "amount": amount,
                               "payment_method": "cash", "receipt_no": f"R{program}{member_id}"})
    assert card.status_code == 201, card.get_json()
    return card.get_json()


@pytest.fixture
def sales(api_as, make_member, clock):
    """Programme ST-A (opening day 05-10: refunds open 05-20, this week): c1 issues two cards on 05-18 and two on
    05-20 (one left unsigned), c2 one; one redeemed, one refunded (paid), one refund waiting. ST-B: c2 issues one today
    (refunds open 05-30). ST-C, a yearly membership: c2 issued one on 2025-06-01, running out on 2026-05-31."""
    admin, c1, c2 = api_as("admin"), api_as("consultant"), api_as("consultant")
    for code, preset, extra in (("ST-A", "presale_95", {"opening_date": "2026-05-10"}), ("ST-B", "presale_95", {}),
                                ("ST-C", "online_membership", {})):
        assert admin.post("/programs", program_payload(preset, code=code, **extra)).status_code == 201
    clock.at = dt.datetime(2025, 6, 1, 10, 0, tzinfo=DEFAULT_NOW.tzinfo)
    yearly = _issue(c2, "ST-C", make_member().id, amount="2000", tier="ANNUAL")
    c2.sign_by_scan(yearly["agreement_id"])
    clock.at = DEFAULT_NOW - dt.timedelta(days=2)
    a = [_issue(c1, "ST-A", make_member().id) for _ in range(2)]
    clock.at = DEFAULT_NOW
    a += [_issue(c1, "ST-A", make_member().id) for _ in range(2)] + [_issue(c2, "ST-A", make_member().id)]
    b = _issue(c2, "ST-B", make_member().id)
    for card in (*a[:3], a[4], b):
        c1.sign_by_scan(card["agreement_id"])
    assert c1.post(f"/cards/{a[0]['number']}/redeem", {"item": "1-1-101", "price": "1000000"}).status_code == 200
    for card in a[1:3]:
        assert c1.post(f"/cards/{card['number']}/refund-requests", {"reason": "不买了"}).status_code == 201
    refund = admin.get("/refund-requests").get_json()["refund_requests"][0]
    paid = admin.post(f"/refund-requests/{refund['id']}/approve", {"payout_method": "bank_transfer",
                                                                   "payout_reference": "B1"})
    assert paid.status_code == 200, paid.get_json()
    return {"admin": admin, "c1": c1, "c2": c2, "a": a}


def _stats(api, **query) -> dict:
    response = api.get("/stats", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_programme_in_a_period_counted_every_way(sales, api_as):
    stats = _stats(api_as("auditor"), program="st-a", **{"from": "2026-05-18", "to": "2026-05-20"})
    assert (stats["program"], stats["from"], stats["to"], stats["today"]) == ("ST-A", "2026-05-18", "2026-05-20",
                                                                               "2026-05-20")
    assert stats["issued_per_day"] == [{"day": "2026-05-18", "new": 2, "successors": 0},
                                       {"day": "2026-05-19", "new": 0, "successors": 0},
                                       {"day": "2026-05-20", "new": 3, "successors": 0}]
    assert (stats["issued"], stats["new_cards"]) == (5, 5)
    assert stats["by_status"] == {"awaiting_signature": 1, "active": 1, "refund_pending": 1, "refunded": 1,
                                  "redeemed": 1}
    c1, c2 = (api.get("/me").get_json()["username"] for api in (sales["c1"], sales["c2"]))
    assert [(c["username"], c["cards"]) for c in stats["by_consultant"]] == [(c1, 4), (c2, 1)]
    # held: the redeemed card's deposit went to the purchase, the refunded one was paid out; three hold ¥50,000
    assert stats["money_held"] == "150000.00"
    held = sum(float(sales["admin"].get(f"/cards/{c['number']}").get_json()["held_amount"]) for c in sales["a"])
    assert float(stats["money_held"]) == held  # the same definition as each card's money held
    assert stats["refunds"] == {"pending": {"count": 1, "amount": "50000.00"}, "paid": {"count": 1, "amount": "50000.00"}}
    assert (stats["redemptions"], stats["redeemed"], stats["conversion"]) == (1, 1, 0.2)
    assert stats["refund_windows_this_week"] == {"from": "2026-05-18", "to": "2026-05-24", "cards": 1}
    assert stats["expiring_within_30_days"] == 0
    assert stats["approvals_waiting"] == {"refund": 1, "transfer": 0, "void": 0, "annul": 0, "total": 1}


def test_dates_narrow_the_cards_and_the_money_moved_but_not_what_is_held_now(sales):
    admin = sales["admin"]
    today_only = _stats(admin, program="ST-A", **{"from": "2026-05-19", "to": "2026-05-20"})
    assert today_only["issued"] == 3 and today_only["by_status"] == {"awaiting_signature": 1, "active": 1,
                                                                     "refund_pending": 1}
    assert today_only["conversion"] == 0.0 and today_only["money_held"] == "150000.00"
    before = _stats(admin, program="ST-A", **{"from": "2026-05-01", "to": "2026-05-19"})
    assert (before["issued"], before["redemptions"], before["refunds"]["paid"]["count"]) == (2, 0, 0)
    assert before["refunds"]["pending"]["count"] == 1  # waiting now, whenever it was asked
    assert before["conversion"] == 0.5  # one of the two cards of 05-18 is redeemed, the other refunded


def test_all_programmes_and_the_default_period(sales):
    admin = sales["admin"]
    every = _stats(admin)
    assert (every["program"], every["from"], every["to"]) == (None, "2026-04-21", "2026-05-20")  # the last 30 days
    assert len(every["issued_per_day"]) == 30 and every["issued"] == 6  # the membership of 2025 is outside
    parts = [_stats(admin, program=code) for code in ("ST-A", "ST-B", "ST-C")]
    assert float(every["money_held"]) == sum(float(p["money_held"]) for p in parts) == 150000 + 50000 + 2000
    assert every["expiring_within_30_days"] == 1 == parts[2]["expiring_within_30_days"]  # runs out 2026-05-31
    assert every["refund_windows_this_week"]["cards"] == 1  # ST-B's window opens 05-30, ST-C's opened last year
    c2 = sales["c2"].get("/me").get_json()["username"]
    assert {c["username"]: c["cards"] for c in every["by_consultant"]}[c2] == 2
    only_from = _stats(admin, **{"from": "2026-05-20"})
    assert (only_from["from"], only_from["to"]) == ("2026-05-20", "2026-06-18")


def test_a_reissued_card_counts_as_a_successor_not_a_new_subscription(app, make_card, api_as):
    from app.members.services import decrypt_id_number
    from tests.conftest import in_request

    card = make_card()
    admin = api_as("admin")
    assert admin.post(f"/cards/{card.number}/report-loss", {"reason": "丢了"}).status_code == 200
    id_number = in_request(app, decrypt_id_number, card.member)
    reissued = admin.post(f"/cards/{card.number}/reissue", {"id_number": id_number, "fee_receipt_no": "F1"})
    assert reissued.status_code == 201, reissued.get_json()
    stats = _stats(admin, program=card.program.code)
    assert (stats["issued"], stats["new_cards"]) == (2, 1) and stats["issued_per_day"][-1]["successors"] == 1
    assert stats["by_status"] == {"active": 1, "replaced": 1} and stats["conversion"] == 0.0
    assert stats["money_held"] == "50000.00"  # carried to the new card, not counted twice


@pytest.mark.parametrize(("query", "status", "reasons"), [
    ({"from": "2026-02-30"}, 422, {"from": "bad_date"}),
    ({"to": "20260520"}, 422, {"to": "bad_date"}),
    ({"from": "2026-05-20", "to": "2026-05-01"}, 422, {"from": "dates_reversed"}),
    ({"from": "2025-01-01", "to": "2026-05-20"}, 422, {"from": "period_too_long"}),
    ({"since": "2026-05-01"}, 422, {"since": "unknown_field"}),
    ({"program": "NO-SUCH"}, 404, None),
])
def test_bad_filters_are_refused_with_the_reason(api_as, query, status, reasons):
    response = api_as("admin").get("/stats", query_string=query)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error.get("reasons") == reasons
    if status == 404:
        assert error["code"] == "program_not_found"


def test_consultants_and_counter_staff_are_refused(api_as):
    for role in ("consultant", "counter"):
        response = api_as(role).get("/stats")
        assert (response.status_code, response.get_json()["error"]["code"]) == (403, "forbidden"), role
    assert api_as("auditor").get("/stats").status_code == 200


def test_redemptions_fall_on_the_sales_centres_day_not_utcs(make_card, make_program, api_as, clock):
    program = make_program(code="ST-TZ", opening_date="2026-05-01")
    clock.at = dt.datetime(2026, 5, 19, 9, 0, tzinfo=DEFAULT_NOW.tzinfo)
    late, early = make_card(program=program), make_card(program=program)
    counter = api_as("counter")
    for card, at in ((late, dt.datetime(2026, 5, 19, 23, 30)), (early, dt.datetime(2026, 5, 20, 0, 10))):
        clock.at = at.replace(tzinfo=DEFAULT_NOW.tzinfo)  # 15:30 and 16:10 UTC on the 19th, both
        assert counter.post(f"/cards/{card.number}/redeem", {"item": "1-1", "price": "1000000"}).status_code == 200
    clock.at = DEFAULT_NOW
    admin = api_as("admin")
    on_19th = _stats(admin, program="ST-TZ", **{"from": "2026-05-19", "to": "2026-05-19"})
    on_20th = _stats(admin, program="ST-TZ", **{"from": "2026-05-20", "to": "2026-05-20"})
    assert (on_19th["redemptions"], on_20th["redemptions"]) == (1, 1)
    assert on_19th["issued"] == 2 and on_19th["conversion"] == 1.0 and on_20th["issued"] == 0

"""Opening day with an inventory, in the browser: a manager imports the sales control sheet, the counter sells a unit
with the day's published discount, and the manager's open sheet turns the unit red by itself."""

import re

from tests.conftest import Api, in_request, program_payload, valid_id_number, xlsx_bytes
from tests.e2e.test_card_flow import sign_in


def _sheet() -> bytes:
    rows = [["房号", "楼栋", "单元", "楼层", "室号", "用途", "建筑面积", "表价"]]
    rows += [[f"6-1-{f}0{r}", "6", "1", f, f"{f}0{r}", "住宅", 98.5, 1_234_567 if (f, r) == (10, 2) else 1_200_000 + f * 100]
             for f in (9, 10) for r in (1, 2)]
    rows.append(["6-B-001", "6", "B", -1, "001", "车位", 12.5, 150000])
    return xlsx_bytes(rows)


def _setup(app):
    """Users, a programme with a published 98折 and a signed card, as the office would have them the day before."""
    from app.users.services import issue_token

    runner = app.test_cli_runner()
    for name, role in (("sc-manager", "admin"), ("sc-counter", "counter"), ("sc-consultant", "consultant")):
        runner.invoke(args=["users", "create", name, "--role", role, "--password", "password-123"])
    from sqlalchemy import select

    from app.extensions import db
    from app.users.models import User

    def token(name):
        return in_request(app, lambda: issue_token(db.session.scalar(select(User).where(User.username == name)), "e2e"))

    admin, consultant = Api(app.test_client(), token("sc-manager")), Api(app.test_client(), token("sc-consultant"))
    assert admin.post("/programs", program_payload(code="SC-E2E", redeemable_uses=["residential"])).status_code == 201
    assert admin.post("/programs/SC-E2E/published-discounts", {"name": "一次性付款", "rate": "0.98",
                                                               "valid_from": "2026-05-01"}).status_code == 201
    member = consultant.post("/members", {"name": "钱七", "id_number": valid_id_number(907), "phone": "13800138007"}
                             ).get_json()
    card = consultant.post("/cards", {"program": "SC-E2E", "tier": "VIP", "member_id": member["id"], "amount": "50000",
                                      "payment_method": "cash", "receipt_no": "SC-1"}).get_json()
    consultant.sign_by_scan(card["agreement_id"])
    return card


def test_manager_imports_the_sheet_the_counter_sells_and_the_grid_shows_it_sold(live_server, browser, tmp_path):
    card = _setup(live_server)
    base = live_server.live_url
    manager = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(manager, base, "sc-manager", "password-123")
    manager.goto(base + "/programs/SC-E2E/units")
    assert "还没有房源" in manager.inner_text("main")
    sheet = tmp_path / "销控表.xlsx"
    sheet.write_bytes(_sheet())
    manager.set_input_files("#import input[type=file]", str(sheet))
    manager.click("#import button.primary")
    manager.wait_for_url(re.compile(r"/programs/SC-E2E/units$"))
    assert "新增 5 套" in manager.inner_text(".flash")
    assert manager.get_attribute('td[data-unit="6-1-1002"]', "class") == "unit unit-available"
    assert manager.inner_text('td[data-count="available"]') == "5"

    counter = browser.new_context(locale="zh-CN", viewport={"width": 800, "height": 1280}).new_page()
    sign_in(counter, base, "sc-counter", "password-123")
    counter.goto(base + "/counter")
    counter.fill("#scan-input", card["number"])
    counter.press("#scan-input", "Enter")
    counter.wait_for_selector(".redeem-form")
    options = counter.eval_on_selector_all("#units-available option", "els => els.map(e => e.value)")
    assert "6-1-1002" in options and "6-B-001" not in options  # a home card is offered homes only
    counter.fill("#unit-input", "6-1-1002")
    counter.select_option("select[name=published_discount]", "一次性付款")
    counter.click(".redeem-form button.primary")
    preview = counter.inner_text("#settlement-preview")
    # the replay: 1,234,567 × 0.98 = 1,209,875.66; × 0.95 = 1,149,381.877 → 1,149,381.88; less the 50,000 deposit
    for words in ("¥1,234,567.00", "一次性付款", "¥1,209,875.66", "¥1,149,381.88", "¥1,099,381.88", "2026年5月27日"):
        assert words in preview, words
    counter.screenshot(path=str(tmp_path / "counter-preview.png"), full_page=True)
    counter.click("text=确认并核销")
    counter.wait_for_selector("#verdict")
    assert "本次已核销" in counter.inner_text("#verdict")
    assert "认购书" in counter.inner_text("main")

    # The manager's sheet, left open, follows by itself.
    manager.wait_for_function("() => document.querySelector('td[data-unit=\"6-1-1002\"]').className === 'unit unit-sold'",
                              timeout=10_000)
    assert manager.inner_text('td[data-count="sold"]') == "1"
    manager.reload()
    assert "¥1,149,381.88" in manager.inner_text("#totals")

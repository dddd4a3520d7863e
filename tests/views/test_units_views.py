"""The sales control sheet and the counter with an inventory, as forms: the same services as the API."""

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.units.models import Unit
from tests.conftest import csrf_token, xlsx_bytes


def post(client, path, data, page, **kw):
    return client.post(path, data={**data, "csrf_token": csrf_token(client.get(page).get_data(as_text=True))},
                       follow_redirects=True, **kw)


ROWS = [["房号", "楼栋", "单元", "楼层", "室号", "用途", "建筑面积", "表价"],
        ["5-1-301", "5", "1", 3, "301", "住宅", 100, 1000000], ["5-1-302", "5", "1", 3, "302", "住宅", 100, 1010000]]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_manager_imports_edits_and_publishes_on_the_sheet(login, make_program, lang):
    program = make_program(code=f"WEBU{lang[:2].upper()}")
    admin = login("admin")
    page = f"/programs/{program.code}/units?lang={lang}"
    empty = admin.get(page)
    assert empty.status_code == 200 and ("还没有房源" if lang == "zh_CN" else "No units yet") in empty.get_data(as_text=True)
    sheet = f"/programs/{program.code}/units"
    checked = post(admin, f"{sheet}/import", {"file": (io.BytesIO(xlsx_bytes(ROWS)), "units.xlsx"), "dry_run": "1"}, page,
                   content_type="multipart/form-data")
    assert checked.status_code == 200 and 'id="dry-run"' in checked.get_data(as_text=True)
    assert db.session.scalar(select(Unit.id)) is None
    bad = post(admin, f"{sheet}/import", {"file": (io.BytesIO(xlsx_bytes(ROWS + [["x", "5", "1", "高", "303", "住宅", 1, 1]])),
                                                   "units.xlsx")}, page, content_type="multipart/form-data")
    assert bad.status_code == 422 and ("<td>4</td><td>楼层</td>" if lang == "zh_CN" else "<td>4</td><td>Floor</td>") in bad.get_data(as_text=True)  # the wrong row is named
    done = post(admin, f"{sheet}/import", {"file": (io.BytesIO(xlsx_bytes(ROWS)), "units.xlsx")}, page,
                content_type="multipart/form-data")
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and 'data-unit="5-1-302"' in html and 'class="unit unit-available"' in html
    held = post(admin, f"{sheet}/5-1-302", {"status": "held", "building": "5", "unit": "1", "floor": "3", "room": "302",
                                            "use": "residential", "area": "100.00", "list_price": "1010000.00"},
                f"{sheet}/5-1-302")
    assert 'class="unit unit-held" data-unit="5-1-302"' in held.get_data(as_text=True)
    wrong = post(admin, f"{sheet}/new", {"building": "", "floor": "3", "room": "303", "use": "residential",
                                         "area": "-1", "list_price": "9"}, page)
    assert wrong.status_code == 422 and "invalid" in wrong.get_data(as_text=True)
    published = post(admin, f"/programs/{program.code}/published-discounts", {"name": "一次性付款", "rate": "0.98"}, page)
    assert "一次性付款" in published.get_data(as_text=True)
    export = admin.get(f"{sheet}.xlsx")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    live = admin.get(f"{sheet}/status.json").get_json()
    assert live["units"] == {"5-1-301": "available", "5-1-302": "held"}
    assert login("counter").post(f"{sheet}/new", data={}).status_code in (400, 403)


def test_the_counter_sells_a_unit_after_showing_the_settlement(app, login, make_card, make_program):
    program = make_program(code="WEBSELL")
    card = make_card(program=program)
    admin = login("admin")
    post(admin, f"/programs/{program.code}/units/import", {"file": (io.BytesIO(xlsx_bytes(ROWS)), "units.xlsx")},
         f"/programs/{program.code}/units", content_type="multipart/form-data")
    counter = login("counter")
    scanned = post(counter, "/counter", {"action": "scan", "code": card.number}, "/counter").get_data(as_text=True)
    assert 'list="units-available"' in scanned and '<option value="5-1-301">' in scanned
    preview = post(counter, "/counter", {"action": "preview", "code": card.number, "unit": "5-1-301"}, "/counter")
    html = preview.get_data(as_text=True)
    assert "¥1,000,000.00" in html and "¥950,000.00" in html and "¥900,000.00" in html  # list, final, payable
    assert db.session.scalar(select(Unit.status).where(Unit.code == "5-1-301")).value == "available"
    done = post(counter, "/counter", {"action": "redeem", "code": card.number, "unit": "5-1-301", "payable": "900000.00"},
                "/counter").get_data(as_text=True)
    assert "本次已核销" in done and "认购书" in done
    db.session.expire_all()
    assert db.session.scalar(select(Unit.status).where(Unit.code == "5-1-301")).value == "sold"
    from app.agreements.models import Agreement
    subscription = db.session.scalar(select(Agreement).where(Agreement.kind == "purchase_subscription"))
    terms = login("consultant").get(f"/agreements/{subscription.id}/sign").get_data(as_text=True)
    assert "认购书" in terms and "成交价" in terms and "¥950,000.00" in terms and "2026年5月27日" in terms


def test_the_programme_form_limits_what_cards_buy(login, make_program):
    from tests.conftest import browser_form, form_post

    program = make_program(code="WEBUSE")
    admin = login("admin")
    form = browser_form(admin.get(f"/programs/{program.code}/edit").get_data(as_text=True))
    assert "redeemable_uses" not in form  # nothing ticked: any kind of unit
    saved = form_post(admin, f"/programs/{program.code}/edit",
                      {**form, "redeemable_uses": "residential", "contract_sign_days": "10"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    detail = admin.get(f"/programs/{program.code}").get_data(as_text=True)
    assert "住宅" in detail and "认购书签订后 10 日内" in detail
    again = browser_form(admin.get(f"/programs/{program.code}/edit").get_data(as_text=True))
    assert again["redeemable_uses"] == "residential" and again["contract_sign_days"] == "10"

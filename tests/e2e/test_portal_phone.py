"""A member on a phone (390 × 844), as a new user would: from the card's QR to their own page, signing in with a code
read from the text message (the development outbox, as an admin sees it), downloading the sealed agreement and asking
for a refund; no page scrolls sideways. With VIP_SCREENSHOTS=DIR the pages are also photographed at 390, 800 and
1280 px in both languages."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.conftest import Api, in_request, program_payload, valid_id_number
from tests.e2e.test_card_flow import sign_in

PHONE = {"width": 390, "height": 844}
ID_NUMBER = valid_id_number(7390)


def _setup(app) -> tuple[str, str]:
    """A pre-sale card whose refund window is open (opening day 1 May, today 20 May), its agreement sealed."""
    from sqlalchemy import select

    from app.extensions import db
    from app.users.models import User
    from app.users.services import issue_token

    app.test_cli_runner().invoke(args=["users", "create", "portal-manager", "--role", "admin",
                                       "--password", "password-123"])
    manager = lambda: db.session.scalar(select(User).where(User.username == "portal-manager"))  # noqa: E731
    admin = Api(app.test_client(), in_request(app, lambda: issue_token(manager(), "e2e")))
    assert admin.post("/programs", program_payload(code="PORTAL-E2E", opening_date="2026-05-01")).status_code == 201
    member = admin.post("/members", {"name": "孙小美", "id_number": ID_NUMBER, "phone": "13900139000"}).get_json()
    card = admin.post("/cards", {"program": "PORTAL-E2E", "tier": "VIP", "member_id": member["id"], "amount": "50000",
                                 "payment_method": "wechat_pay", "receipt_no": "PORTAL-1"}).get_json()
    admin.sign_by_scan(card["agreement_id"])
    return card["number"], card["verify_url"]


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _code_from_outbox(browser, base: str) -> str:
    context = browser.new_context(locale="zh-CN")
    staff = context.new_page()
    sign_in(staff, base, "portal-manager", "password-123")
    staff.goto(base + "/admin/sms-outbox/")
    text = staff.locator("td.sms-text").first.inner_text()
    context.close()
    assert "PORTAL-E2E" in text or "验证码" in text
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_a_member_on_a_phone_finds_the_card_downloads_the_agreement_and_asks_for_a_refund(live_server, browser):
    number, verify_url = _setup(live_server)
    base = live_server.live_url
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, accept_downloads=True)
    page = context.new_page()

    page.goto(verify_url)  # the member scans the QR on their card
    _no_sideways_scroll(page, PHONE["width"])
    page.click("text=这是您的卡？查看卡、协议和退卡日期")
    page.wait_for_url("**/my/sign-in")
    _no_sideways_scroll(page, PHONE["width"])
    page.fill("input[name=card_number]", " ".join(re.findall(".{1,4}", number)))  # typed as printed, in groups
    page.fill("input[name=id_tail]", ID_NUMBER[-6:].lower())
    page.click("text=发送短信验证码")
    page.wait_for_url("**/my/code")
    _no_sideways_scroll(page, PHONE["width"])
    shots = os.environ.get("VIP_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / "code-zh_CN-390.png"), full_page=True)
    page.fill("input[name=code]", _code_from_outbox(browser, base))
    page.click("button.primary")
    page.wait_for_url("**/my/")
    _no_sideways_scroll(page, PHONE["width"])
    card = page.locator(f"[data-card='{number}']")
    assert "有效" in card.locator(".verdict-code").inner_text()
    assert "退卡窗口" in card.inner_text() and "5月" in card.inner_text()

    with page.expect_download() as download:
        card.locator("a[href$='.pdf']").first.click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and download.value.suggested_filename.endswith(".pdf")

    if shots:
        _photograph(browser, base, page.context.cookies(), Path(shots))
    card.locator("input[name=reason]").fill("改变购房计划")
    card.locator("button.danger").click()
    page.wait_for_selector(".flash.success")
    assert "退卡申请已提交" in page.locator(".flash.success").first.inner_text()
    assert "申请退款" in page.locator(f"[data-card='{number}']").inner_text()
    _no_sideways_scroll(page, PHONE["width"])

    page.click("text=退出")
    page.wait_for_url("**/my/sign-in")
    context.close()


def _photograph(browser, base: str, cookies, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for lang in ("zh_CN", "en"):
        for width in (390, 800, 1280):
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.add_cookies(cookies)
            page = context.new_page()
            for name, path in (("sign-in", "/my/sign-in"), ("home", "/my/")):
                target = base + path + f"?lang={lang}"
                if name == "sign-in":  # another browser, not signed in
                    anonymous = browser.new_context(viewport={"width": width, "height": 900})
                    other = anonymous.new_page()
                    other.goto(target)
                    other.screenshot(path=str(folder / f"{name}-{lang}-{width}.png"), full_page=True)
                    anonymous.close()
                    continue
                page.goto(target)
                page.screenshot(path=str(folder / f"{name}-{lang}-{width}.png"), full_page=True)
            context.close()

"""The Content-Security-Policy refuses inline script: every page a manager and the counter use works under it in
Chromium with no violation reported, and what used to be inline (asking before voiding or reissuing, sending the
counter's choices when changed, printing) still works."""

import re

from tests.conftest import Api, in_request, program_payload, valid_id_number
from tests.e2e.test_card_flow import sign_in


def _setup(app):
    from sqlalchemy import select

    from app.extensions import db
    from app.users.models import User
    from app.users.services import issue_token

    runner = app.test_cli_runner()
    for name, role in (("csp-manager", "admin"), ("csp-counter", "counter")):
        runner.invoke(args=["users", "create", name, "--role", role, "--password", "password-123"])
    token = in_request(app, lambda: issue_token(db.session.scalar(select(User).where(User.username == "csp-manager")), "e2e"))
    admin = Api(app.test_client(), token)
    assert admin.post("/programs", program_payload(code="CSP-E2E")).status_code == 201
    cards = []
    for n in range(2):
        member = admin.post("/members", {"name": f"孙{n}", "id_number": valid_id_number(960 + n),
                                         "phone": "13800138009"}).get_json()
        cards.append(admin.post("/cards", {"program": "CSP-E2E", "tier": "VIP", "member_id": member["id"],
                                           "amount": "50000", "payment_method": "cash", "receipt_no": f"CSP-{n}"}).get_json())
    admin.sign_by_scan(cards[0]["agreement_id"])
    return cards


def test_pages_work_under_the_policy_and_what_was_inline_still_works(live_server, browser):
    signed, unsigned = _setup(live_server)
    base = live_server.live_url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: violations.append(str(error)))
    sign_in(page, base, "csp-manager", "password-123")
    number = signed["number"]
    for path in ("/desk", "/cards/new", f"/cards/{number}", f"/cards/{number}/print", "/counter", "/queue",
                 "/approvals", "/programs/CSP-E2E/units", "/members/", f"/agreements/{unsigned['agreement_id']}/sign",
                 "/check", "/admin/audit", "/programs/CSP-E2E"):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert "script-src 'self' 'wasm-unsafe-eval'" in response.headers["content-security-policy"]
    assert page.goto(signed["verify_url"]).status == 200  # the public card page

    # asking before voiding: "no" sends nothing, "yes" sends the request
    page.goto(f"{base}/cards/{number}")
    void_form = page.locator("form[action$='/void']")
    void_form.locator("input[name=reason]").fill("录入错误")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    void_form.locator("button").click()
    page.wait_for_timeout(300)
    assert questions == ["确定申请作废此卡并冲回其全部款项？"] and page.locator("form[action$='/void']").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    void_form.locator("button").click()
    page.wait_for_url(re.compile(rf"/cards/{number}$"))
    assert "等待" in page.inner_text(".flash")

    # the counter's name is sent as soon as it is changed, and kept
    page.goto(base + "/counter")
    page.fill("input[name=station]", "二号台")
    with page.expect_navigation():
        page.press("input[name=station]", "Tab")
    assert page.input_value("input[name=station]") == "二号台"
    assert violations == []
    context.close()

"""Tried as a new user would: sign in, create a programme from a preset, register a member."""

import re


def test_admin_creates_a_programme_and_a_member_in_the_browser(live_server, page, tmp_path):
    result = live_server.test_cli_runner().invoke(args=["demo", "--if-empty"])  # the same command `make run` uses
    assert result.exit_code == 0, result.output
    base = live_server.live_url

    page.goto(base + "/")
    assert page.title().startswith("登录")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "admin-demo-1")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/dashboard$"))  # managers start at the dashboard

    page.click("text=项目")
    page.click("text=认筹卡，9.5折")
    page.fill("input[name=code]", "E2E-2026")
    page.fill("input[name=issuer_name]", "示例置业有限责任公司")
    page.fill("input[name=project_name]", "浏览器花园")
    page.fill("input[name=contact_phone]", "0938-7654321")
    page.fill("input[name=presale_permit_no]", "示预售字(2026)第8号")
    page.fill("input[name=presale_permit_date]", "2026-03-01")
    page.screenshot(path=str(tmp_path / "programme-form.png"), full_page=True)
    page.click("form.program-form button.primary")
    page.wait_for_url(re.compile(r"/programs/E2E-2026$"))
    body = page.inner_text("main")
    assert "伍万元整" in body and "9.5折" in body and "自开盘日后第 10 日起" in body

    page.click("text=会员")
    page.click("text=登记会员")
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=id_number]", "510108199003073212")  # a mistyped check digit first
    page.fill("input[name=phone]", "+86 139 1234 5678")
    page.click("form button.primary")
    assert "证件号码最后一位校验不符" in page.inner_text("main")
    page.fill("input[name=id_number]", "510108199003073211")
    page.click("form button.primary")
    page.wait_for_url(re.compile(r"/members/\d+$"))
    detail = page.inner_text("main")
    assert "王小明" in detail and "510***********3211" in detail and "139****5678" in detail
    page.screenshot(path=str(tmp_path / "member.png"), full_page=True)

    page.fill("input[name=reason]", "核对身份证")  # a reveal says why
    page.click("text=显示完整证件号码和手机号")
    assert "510108199003073211" in page.inner_text("main") and "本次查看已记录" in page.inner_text("main")

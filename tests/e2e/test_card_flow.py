"""Tried as a new user would: issue a card in the browser, sign on screen, scan the card image, redeem once."""

import io
import re
import zipfile

from docx import Document

from tests.conftest import decode_qr


def sign_in(page, base, username, password):
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")


def draw(page, selector, strokes: int):
    """A signature drawn with the mouse, the way a finger or pen would on a tablet."""
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for i in range(1, strokes):
        page.mouse.move(box["x"] + 30 + i * 25, box["y"] + box["height"] * (0.3 if i % 2 else 0.7), steps=3)
    page.mouse.up()


def test_issue_sign_scan_and_redeem_in_the_browser(live_server, page, tmp_path):
    assert "admin-demo-1" in live_server.test_cli_runner().invoke(args=["demo", "--if-empty"]).output
    base = live_server.live_url

    # The consultant issues a card to a demo member.
    sign_in(page, base, "consultant", "consultant-demo-1")
    page.goto(base + "/members/?q=张三")
    page.click("text=张三")
    page.click("text=办卡")
    page.select_option("#product", "DEMO-PRESALE/VIP")
    assert page.input_value("#amount") == "50000.00"  # filled from the tier
    page.select_option("select[name=payment_method]", "wechat_pay")
    page.fill("input[name=receipt_no]", "WX-0001")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/cards/\d{12}$"))
    number = page.url.rsplit("/", 1)[1]

    # The agreement opens as a Word document with the Chinese text and the amount in words.
    with page.expect_download() as download_info:
        page.click("main a:text-is('Word')")
    content = download_info.value.path().read_bytes()
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    tables = "\n".join(c.text for t in Document(io.BytesIO(content)).tables for r in t.rows for c in r.cells)
    assert "内部认购协议书" in text and "伍万元整" in text + tables and "张三" in tables

    # Not in force until signed: the public verify page says so.
    assert "尚未生效" in page.inner_text("main")

    # The member reads, consents and signs; the consultant signs after.
    page.click("main .actions a:text-is('阅读并签署')")
    page.check("input[name=consent]")
    draw(page, "canvas[data-target=member_signature]", 12)
    draw(page, "canvas[data-target=consultant_signature]", 8)
    page.screenshot(path=str(tmp_path / "sign.png"))
    page.click("#sign-form button.primary")
    page.wait_for_url(re.compile(rf"/cards/{number}$"), timeout=60_000)
    assert "已签署封存" in page.inner_text("main")
    with page.expect_download() as signed_info:  # the Word document, now with both signatures and the seal
        page.click("main a:text-is('Word')")
    with zipfile.ZipFile(signed_info.value.path()) as z:
        assert len([n for n in z.namelist() if n.startswith("word/media/")]) == 4  # QR, two signatures, the seal

    # The card image, as a phone would show it, scans to the verify page: valid.
    png = page.request.get(f"{base}/cards/{number}/card.png").body()
    (url,) = decode_qr(png)
    path = url.split("://", 1)[1].split("/", 1)[1]
    member_phone = page.context.browser.new_context(locale="zh-CN")  # the member's own phone, signed in nowhere
    visitor = member_phone.new_page()
    visitor.goto(f"{base}/{path}")
    assert visitor.inner_text(".verdict-code") == "有效" and "张*" in visitor.inner_text("main")

    # The counter scans (the scanner types the URL and Enter) and redeems; a second redeem is refused.
    page.goto(base + "/counter")
    page.fill("#scan-input", url)
    page.keyboard.press("Enter")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict .verdict-code") == "有效"
    page.fill("input[name=item]", "3-1-1201")
    page.fill("input[name=price]", "1000000")
    page.click("form.redeem-form button.primary")  # first the settlement, to check with the holder
    page.wait_for_selector("#settlement-preview")
    assert "¥900,000.00" in page.inner_text("#settlement-preview")
    page.click("form.redeem-form button.primary")  # then confirm
    page.wait_for_selector("text=本次已核销")
    assert "¥900,000.00" in page.inner_text("main")
    page.screenshot(path=str(tmp_path / "counter.png"), full_page=True)
    page.fill("#scan-input", url)
    page.keyboard.press("Enter")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict .verdict-code") == "已核销"
    visitor.goto(f"{base}/{path}")
    assert visitor.inner_text(".verdict-code") == "已核销"

    # A forged code is invalid, not an error.
    visitor.goto(f"{base}/{path[:-5]}zzzzz")
    assert visitor.inner_text(".verdict-code") == "无效"
    member_phone.close()

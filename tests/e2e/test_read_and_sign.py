"""Tried as a member would on a 10-inch tablet, in Chinese and in English: read the whole agreement, tick consent,
sign; a refused submit keeps the strokes; the PDF kept afterwards opens with its Chinese intact."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.conftest import valid_id_number
from tests.e2e.test_card_flow import draw, sign_in

TABLET = {"width": 800, "height": 1280}


def _issue_unsigned(app, name: str, seed: int) -> tuple[str, int]:
    from app.cards.services import issue_card
    from app.extensions import db
    from app.members.services import register_member
    from app.users.models import User

    with app.test_request_context("/"):
        consultant = db.session.scalar(db.select(User).where(User.username == "consultant"))
        member, _ = register_member({"name": name, "id_number": valid_id_number(seed), "phone": "13800138888"},
                                    by=consultant)
        card = issue_card({"program": "DEMO-PRESALE", "tier": "VIP", "member_id": member.id, "amount": "50000",
                           "payment_method": "cash", "receipt_no": f"E2E-{seed}"}, by=consultant)
        return card.number, card.agreements[0].id


def _draw(page, target: str, strokes: int) -> None:
    page.locator(f"canvas[data-target={target}]").scroll_into_view_if_needed()
    draw(page, f"canvas[data-target={target}]", strokes)


def _ink(page, target: str) -> int:
    """How many pixels of a pad carry ink: what the member sees drawn."""
    return page.evaluate("""t => { const c = document.querySelector(`canvas[data-target=${t}]`);
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 64) n++; return n; }""", target)


@pytest.mark.parametrize("lang, words", [
    ("zh_CN", {"desk": "待签署协议的卡", "sign": "阅读并签署", "terms": "主要条款", "sealed": "已签署封存", "empty": "签名板为空"}),
    ("en", {"desk": "Cards awaiting signature", "sign": "Read and sign", "terms": "Key terms", "sealed": "Signed and sealed",
            "empty": "The signature pad is empty"}),
])
def test_a_member_reads_consents_and_signs_on_a_tablet(live_server, browser, tmp_path, lang, words):
    live_server.test_cli_runner().invoke(args=["demo", "--if-empty"])
    base = live_server.live_url
    name = "林小满" if lang == "zh_CN" else "周知远"
    number, agreement_id = _issue_unsigned(live_server, name, 880 + len(lang))
    context = browser.new_context(locale="zh-CN" if lang == "zh_CN" else "en-US", viewport=TABLET, has_touch=True)
    page = context.new_page()
    sign_in(page, base, "consultant", "consultant-demo-1")
    page.goto(f"{base}/desk?lang={lang}")
    assert words["desk"] in page.inner_text("main") and name in page.inner_text("main")
    page.locator("tr", has_text=name).get_by_text(words["sign"]).click()
    page.wait_for_url(re.compile(rf"/agreements/{agreement_id}/sign"))

    # The whole agreement, page by page, inside the page's width; every page image loads.
    pages = page.locator("#reader img")
    assert pages.count() >= 2
    for i in range(pages.count()):
        pages.nth(i).scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=pages.nth(i).element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    page.click("[data-zoom='1']")  # zooming widens the pages inside the reader, never the page
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    terms = page.inner_text("main")
    assert words["terms"] in terms and ("50,000.00" in terms)
    page.screenshot(path=str(tmp_path / f"sign-{lang}.png"), full_page=True)

    # The consultant's pad waits for the member's consent and signature.
    assert "waiting" in page.get_attribute(".pad[data-role=consultant]", "class")
    page.check("input[name=consent]")
    _draw(page, "member_signature", 12)
    assert "waiting" not in page.get_attribute(".pad[data-role=consultant]", "class")
    member_ink = _ink(page, "member_signature")
    assert member_ink > 100

    # A consultant's mark too small to be a signature: the server refuses it, and nothing drawn is lost.
    page.locator("canvas[data-target=consultant_signature]").scroll_into_view_if_needed()
    box = page.locator("canvas[data-target=consultant_signature]").bounding_box()
    page.mouse.move(box["x"] + 50, box["y"] + 50)
    page.mouse.down()
    page.mouse.move(box["x"] + 52, box["y"] + 51)
    page.mouse.up()
    page.click("#sign-form button.primary")
    page.wait_for_selector(".pad.invalid em.error:not([data-empty])")  # the server refused it
    assert words["empty"] in page.inner_text("main")
    page.wait_for_function("() => document.querySelector('canvas[data-target=member_signature]')"
                           ".getContext('2d').getImageData(0, 0, 600, 220).data.some((v, i) => i % 4 == 3 && v > 64)")
    assert abs(_ink(page, "member_signature") - member_ink) < member_ink * 0.1  # the same strokes, redrawn
    assert page.is_checked("input[name=consent]")

    _draw(page, "consultant_signature", 8)
    page.click("#sign-form button.primary")
    page.wait_for_url(re.compile(rf"/cards/{number}$"), timeout=60_000)
    assert words["sealed"] in page.inner_text("main")

    # The PDF the member keeps opens, with the Chinese text intact.
    pdf = page.request.get(f"{base}/agreements/{agreement_id}/document.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert name in text.replace(" ", "") and "认筹" in text
    context.close()

"""Opening day in a real browser, in Chinese and in English: the counter's camera (a fake camera stream carrying a
real card's QR) checks the holder in, the call screen shows the number, a desk calls it and the screen follows
within two seconds, then the settlement is previewed, confirmed and the card redeemed."""

import re
from pathlib import Path

import pytest
import qrcode
from PIL import Image

from tests.conftest import Api, in_request, program_payload, valid_id_number
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_card_flow import sign_in

ZXING = Path(__file__).resolve().parents[2] / "app/static/vendor/zxing/zxing_reader.wasm"


def _camera_file(text: str, path: Path) -> Path:
    """A Y4M video (what Chromium's fake camera plays) of a card's QR held up to the lens."""
    qr = qrcode.QRCode(border=4, box_size=6)
    qr.add_data(text)
    symbol = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    frame = Image.new("L", (640, 480), 235)
    side = min(440, symbol.width)
    frame.paste(symbol.resize((side, side)), ((640 - side) // 2, (480 - side) // 2))
    chroma = bytes([128]) * (320 * 240)
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


def _setup(app, code: str, seed: int) -> tuple[dict, str]:
    from sqlalchemy import select

    from app.extensions import db
    from app.users.models import User
    from app.users.services import issue_token

    runner = app.test_cli_runner()
    for name, role in ((f"od-manager{seed}", "admin"), (f"od-counter{seed}", "counter"),
                       (f"od-consultant{seed}", "consultant")):
        runner.invoke(args=["users", "create", name, "--role", role, "--password", "password-123"])

    def token(name):
        return in_request(app, lambda: issue_token(db.session.scalar(select(User).where(User.username == name)), "e2e"))

    admin, consultant = Api(app.test_client(), token(f"od-manager{seed}")), \
        Api(app.test_client(), token(f"od-consultant{seed}"))
    assert admin.post("/programs", program_payload(code=code)).status_code == 201
    member = consultant.post("/members", {"name": "孙八", "id_number": valid_id_number(seed), "phone": "13800138008"}
                             ).get_json()
    card = consultant.post("/cards", {"program": code, "tier": "VIP", "member_id": member["id"], "amount": "50000",
                                      "payment_method": "cash", "receipt_no": f"OD-{seed}"}).get_json()
    consultant.sign_by_scan(card["agreement_id"])
    screen = admin.post(f"/queue/screens?program={code}", {"name": "大厅", "english": True}).get_json()
    return card, screen["url"].split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_camera_check_in_call_screen_settlement_and_redeem(live_server, browser, tmp_path, lang):
    assert ZXING.exists(), "`make assets` installs the QR decoder (npm ci)"
    seed = 930 if lang == "zh-CN" else 931
    code = f"OD-{lang[:2].upper()}"
    card, screen_path = _setup(live_server, code, seed)
    base = live_server.live_url
    camera = _camera_file(card["verify_url"], tmp_path / "card.y4m")
    # A Chromium of its own: the fake camera is chosen when the browser starts.
    with_camera = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera}"])
    try:
        hall = with_camera.new_context(locale="zh-CN", viewport={"width": 1280, "height": 720}).new_page()
        hall.goto(f"{base}/{screen_path}")
        assert "正在叫号" in hall.inner_text("body") and "Now calling" in hall.inner_text("body")

        counter_context = with_camera.new_context(locale=lang, viewport={"width": 800, "height": 1280},
                                                  permissions=["camera"])
        desk = counter_context.new_page()
        sign_in(desk, base, f"od-counter{seed}", "password-123")
        desk.goto(f"{base}/counter?program={code}&lang={'zh_CN' if lang == 'zh-CN' else 'en'}")
        desk.click("#camera-toggle")
        desk.wait_for_selector("#verdict", timeout=30_000)  # the camera read the QR and the page answered
        assert desk.get_attribute("#verdict", "data-tone") == "ok"
        assert card["number"][-4:] in desk.inner_text(".counter-card")
        desk.click("#check-in")
        desk.wait_for_selector("#arrival")
        assert re.search(r"(排队号|Queue number) 1", desk.inner_text("#arrival"))
        hall.wait_for_function("() => document.getElementById('next').textContent.trim() === '1'", timeout=5_000)

        desk.goto(f"{base}/queue?program={code}")
        desk.click("form[action*='call-next'] button")
        hall.wait_for_function("() => document.querySelector('#calling b') && "
                               "document.querySelector('#calling b').textContent === '1'", timeout=2_500)
        assert "Please go to" in hall.inner_text("#calling")

        desk.goto(f"{base}/counter")
        desk.evaluate("sessionStorage.removeItem('counter-camera')")
        desk.fill("#scan-input", card["number"])
        desk.press("#scan-input", "Enter")
        desk.wait_for_selector(".redeem-form")
        desk.fill("input[name=item]", "3-1-1201")
        desk.fill("input[name=price]", "1000000")
        desk.click(".redeem-form button.primary")
        preview = desk.inner_text("#settlement-preview")
        assert "¥950,000.00" in preview and "¥900,000.00" in preview
        desk.screenshot(path=str(tmp_path / f"preview-{lang}.png"), full_page=True)
        desk.click("form.redeem-form button.primary")
        desk.wait_for_selector("#verdict")
        assert re.search("本次已核销|REDEEMED NOW", desk.inner_text("#verdict"))
        assert desk.is_visible("#sign-confirmation")  # the holder signs on this tablet
    finally:
        with_camera.close()

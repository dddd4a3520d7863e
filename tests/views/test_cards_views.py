import io
import re

from sqlalchemy import select

from app.cards.models import Card
from app.extensions import db, limiter
from tests.conftest import PDF_BYTES, browser_form, csrf_token, signature_data_url


def verdict(html: str) -> str:
    """The big word on a verdict page, not any label elsewhere (有效 is also in 有效期)."""
    match = re.search(r'<div class="verdict-code">([^<]*)</div>', html)
    return match.group(1) if match else ""


def test_a_consultant_issues_a_card_and_signs_on_screen(login, make_program, make_member):
    make_program("presale_95", code="WEB-1")
    member = make_member(name="王小明")
    client = login("consultant")
    page = client.get(f"/cards/new?member_id={member.id}").get_data(as_text=True)
    assert "WEB-1/VIP" in page
    form = browser_form(page)
    form.update(product="WEB-1/VIP", amount="50000.00", payment_method="alipay", receipt_no="ALI-1")
    response = client.post("/cards/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    card = db.session.scalar(select(Card).where(Card.member_id == member.id))
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert card.number[-4:] in detail and "王小明" in detail and "¥50,000.00" in detail and "伍万元整" in detail
    assert client.get(f"/cards/{card.number}/card.png").mimetype == "image/png"
    assert "85.6" in client.get(f"/cards/{card.number}/print").get_data(as_text=True)
    agreement = card.agreements[0]
    download = client.get(f"/agreements/{agreement.id}/document")
    assert download.data[:2] == b"PK" and "attachment" in download.headers["Content-Disposition"]
    sign_page = client.get(f"/agreements/{agreement.id}/sign").get_data(as_text=True)
    assert "canvas" in sign_page
    blank = client.post(f"/agreements/{agreement.id}/sign", data={"csrf_token": csrf_token(sign_page),
                                                                  "member_signature": "", "consultant_signature": ""})
    assert blank.status_code == 422 and "签名板为空，请签名" in blank.get_data(as_text=True)
    member_ink = signature_data_url("王小明")
    unconsented = client.post(f"/agreements/{agreement.id}/sign", data={
        "csrf_token": csrf_token(sign_page), "member_signature": member_ink, "consultant_signature": signature_data_url("顾问")})
    page = unconsented.get_data(as_text=True)
    assert unconsented.status_code == 422 and "会员须确认已阅读协议全文并同意" in page
    assert f'value="{member_ink}"' in page  # the strokes come back to the pad, not lost
    assert agreement.status.value == "unsigned"
    signed = client.post(f"/agreements/{agreement.id}/sign", data={
        "csrf_token": csrf_token(sign_page), "member_signature": member_ink, "consent": "on",
        "consultant_signature": signature_data_url("顾问")})
    assert signed.status_code == 302, signed.get_data(as_text=True)
    db.session.refresh(agreement)
    assert agreement.status.value == "sealed"
    assert "已签署封存" in client.get(f"/cards/{card.number}").get_data(as_text=True)


def test_issue_form_explains_refusals(login, make_program, make_member, make_card):
    program = make_program(code="WEB-2", max_active_cards_per_member=1)
    member = make_member()
    make_card(program=program, member=member)
    client = login("consultant")
    form = browser_form(client.get(f"/cards/new?member_id={member.id}").get_data(as_text=True))
    form.update(product="WEB-2/VIP", amount="50000", payment_method="cash", receipt_no="C1")
    again = client.post("/cards/new", data=form)
    assert again.status_code == 422 and "已达上限" in again.get_data(as_text=True)
    form.update(amount="500")
    wrong = client.post("/cards/new", data=form)
    assert "¥50,000.00" in wrong.get_data(as_text=True)
    assert login("counter").get(f"/cards/new?member_id={member.id}").status_code == 403


def test_uploading_the_ink_signed_scan(login, make_card):
    card = make_card(signed=False)
    client = login("consultant")
    agreement = card.agreements[0]
    token = csrf_token(client.get(f"/agreements/{agreement.id}/sign").get_data(as_text=True))
    wrong = client.post(f"/agreements/{agreement.id}/scan", data={"csrf_token": token, "scan": (io.BytesIO(b"hello"), "a.txt")})
    assert wrong.status_code == 422 and "PDF、JPEG 或 PNG" in wrong.get_data(as_text=True)
    ok = client.post(f"/agreements/{agreement.id}/scan", data={"csrf_token": token, "scan": (io.BytesIO(PDF_BYTES), "s.pdf")})
    assert ok.status_code == 302
    assert client.get(f"/agreements/{agreement.id}/document.pdf").data == PDF_BYTES  # the scan is the original


def _verify_path(card, app):
    from app.cards.services import verify_url
    with app.test_request_context("/"):
        return verify_url(card).split("vip.example.test", 1)[1]


def test_the_counter_scans_redeems_once_and_refuses_forgeries(app, login, make_card, make_program):
    card = make_card(program=make_program(code="CTR-1"))
    path = _verify_path(card, app)
    scanned = "https://vip.example.test" + path
    client = login("counter")
    page = client.get("/counter").get_data(as_text=True)
    assert 'id="scan-input"' in page and "autofocus" in page
    token = csrf_token(page)
    valid = client.post("/counter", data={"csrf_token": token, "action": "scan", "code": scanned}).get_data(as_text=True)
    assert verdict(valid) == "有效" and card.member.name in valid and "9.5折" in valid
    no_price = client.post("/counter", data={"csrf_token": token, "action": "redeem", "code": scanned, "item": "3-1-1201"})
    assert "此项必填" in no_price.get_data(as_text=True)
    done = client.post("/counter", data={"csrf_token": token, "action": "redeem", "code": scanned, "item": "3-1-1201",
                                         "price": "1,000,000.00"}).get_data(as_text=True)
    assert verdict(done) == "本次已核销" and "¥900,000.00" in done
    again = client.post("/counter", data={"csrf_token": token, "action": "redeem", "code": card.number, "item": "3-1-1202",
                                          "price": "1000000"}).get_data(as_text=True)
    assert verdict(again) == "已核销" and "此卡已核销" in again
    forged = client.post("/counter", data={"csrf_token": token, "action": "scan", "code": scanned[:-4] + "abcd"}).get_data(as_text=True)
    assert verdict(forged) == "无效"
    client.get("/counter?program=OTHER&station=一号台")
    wrong = client.post("/counter", data={"csrf_token": token, "action": "scan", "code": scanned}).get_data(as_text=True)
    assert verdict(wrong) == "非本柜台项目"
    from app.cards.models import Scan
    last = db.session.scalars(select(Scan).order_by(Scan.id.desc())).first()
    assert (last.station, last.verdict, last.user_id) == ("一号台", "wrong_program", client.user.id)


def test_public_verify_page_masks_for_the_public_and_shows_staff_more(app, login, make_card, make_member):
    card = make_card(member=make_member(name="欧阳明月"))
    path = _verify_path(card, app)
    public = app.test_client().get(path).get_data(as_text=True)
    assert verdict(public) == "有效" and "欧**月" in public and "欧阳明月" not in public
    assert card.number not in public and card.number[-4:] in public
    staff = login("counter").get(path).get_data(as_text=True)
    assert "欧阳明月" in staff and " ".join(card.number[i:i + 4] for i in (0, 4, 8)) in staff
    for bad in (path[:-3] + "xyz", "/v/garbage", "/v/" + "a" * 4000, "/v/a/b/c"):
        response = app.test_client().get(bad)
        assert response.status_code == 200 and verdict(response.get_data(as_text=True)) == "无效", bad


def test_public_pages_are_rate_limited(app, make_card):
    client = app.test_client()
    limiter.reset()
    app.config["VIP_VERIFY_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [client.get("/v/garbage").status_code for _ in range(4)]
    finally:
        app.config["VIP_VERIFY_RATE_LIMIT"] = "60 per minute"
        limiter.reset()
    assert statuses == [200, 200, 200, 429]


def test_the_document_check_page_and_upload(app, login, make_card):
    card = make_card(signed=False)
    agreement = card.agreements[0]
    from app.agreements.services import seal_scan, verify_url
    from tests.services.test_agreements import in_app
    in_app(app, seal_scan, agreement.id, PDF_BYTES, "s.pdf", consultant=make_card.consultant)
    with app.test_request_context("/"):
        path = verify_url(agreement).split("vip.example.test", 1)[1]
    client = app.test_client()
    page = client.get(path).get_data(as_text=True)
    assert agreement.number in page and agreement.sealed_sha256 in page and "认筹协议书" not in page
    assert "系统封存原件" in page and card.member.name not in page
    token = csrf_token(page)
    yes = client.post(path, data={"csrf_token": token, "file": (io.BytesIO(PDF_BYTES), "mine.pdf")}).get_data(as_text=True)
    assert "是：此文件与封存原件逐字节一致" in yes
    no = client.post(path, data={"csrf_token": token, "file": (io.BytesIO(PDF_BYTES + b"x"), "mine.pdf")}).get_data(as_text=True)
    assert "否：此文件与封存原件不一致" in no
    assert client.get("/d/forged.token").status_code == 404
    general = client.get("/check").get_data(as_text=True)
    found = client.post("/check", data={"csrf_token": csrf_token(general), "file": (io.BytesIO(PDF_BYTES), "a.pdf")})
    assert agreement.number in found.get_data(as_text=True)


def test_opening_an_agreement_to_read_and_sign_is_logged(login, make_card):
    from app.audit import AuditEntry
    card = make_card(signed=False)
    client = login("consultant")
    page = client.get(f"/agreements/{card.agreements[0].id}/sign").get_data(as_text=True)
    assert f"/agreements/{card.agreements[0].id}/pages/1.png" in page
    image = client.get(f"/agreements/{card.agreements[0].id}/pages/1.png")
    assert image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")
    assert client.get(f"/agreements/{card.agreements[0].id}/pages/99.png").status_code == 404
    assert login("counter").get(f"/agreements/{card.agreements[0].id}/pages/1.png").status_code == 403
    opened = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "agreement.opened_for_signing")).all()
    assert [e.object_id for e in opened] == [str(card.agreements[0].id)]

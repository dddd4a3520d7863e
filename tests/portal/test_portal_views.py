"""The member's pages as a phone's browser uses them, in Chinese and English: sign in with a code read from the
outbox, see the card, download the agreement, ask for a refund, sign out; the limits on every step; the outbox page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.approvals.models import RefundRequest
from app.extensions import db, limiter
from app.members.services import decrypt_id_number
from tests.conftest import csrf_token, in_request
from tests.portal.helpers import last_code, outbox_count
from tests.views.test_every_page_readable import COMPOUND, SIMPLE, english_sentences, visible

SENT = {"zh-CN": "验证码", "en": "6-digit code"}


def _post(client, path, data, lang="zh-CN", page=None):
    html = client.get(page or path, headers={"Accept-Language": lang}).get_data(as_text=True)
    return client.post(path, data={**data, "csrf_token": csrf_token(html)}, headers={"Accept-Language": lang})


def sign_in(client, card, tail, lang="zh-CN"):
    response = _post(client, "/my/sign-in", {"card_number": card.number, "id_tail": tail}, lang)
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/code")
    response = _post(client, "/my/code", {"code": last_code()}, lang)
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/")
    return client


def readable(html: str, lang: str) -> list[str]:
    text = visible(html)
    problems = [c for c in COMPOUND + (SIMPLE if lang == "zh-CN" else [])
                if re.search(rf"(?<![\w.@/-]){re.escape(c)}(?![\w/-])", text)]
    problems += [s for s in (english_sentences() if lang == "zh-CN" else []) if s in text]
    return problems + re.findall(r"%\(\w+\)s", text)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_member_signs_in_sees_the_card_downloads_the_agreement_and_asks_for_a_refund(app, holder, login, lang):
    card, tail = holder
    client = app.test_client()
    start = client.get("/my/sign-in", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert not readable(start, lang)
    response = _post(client, "/my/sign-in", {"card_number": " ".join([card.number[:4], card.number[4:]]), "id_tail": tail}, lang)
    code_page = client.get(response.headers["Location"], headers={"Accept-Language": lang}).get_data(as_text=True)
    assert SENT[lang] in code_page and card.number[-4:] in code_page and not readable(code_page, lang)
    assert _post(client, "/my/code", {"code": last_code()}, lang).status_code == 302
    home = client.get("/my/", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert not readable(home, lang), readable(home, lang)
    assert card.number[-4:] in home and card.program.name in home
    assert ("有效" if lang == "zh-CN" else "VALID") in home
    link = re.search(r'href="(/my/agreements/\d+\.pdf)"', home).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    asked = _post(client, f"/my/cards/{card.number}/refund", {"reason": ""}, lang, page="/my/")
    assert asked.status_code == 302
    after = client.get("/my/", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert ("申请退款" if lang == "zh-CN" else "requested on") in after and not readable(after, lang)
    request = db.session.scalar(select(RefundRequest).where(RefundRequest.card_id == card.id))
    assert request.requested_by_id is None
    manager = login("admin")
    approvals = manager.get("/approvals", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert ("持卡人本人在线申请" if lang == "zh-CN" else "the holder, online") in approvals
    paid = manager.post(f"/approvals/refund/{request.id}/approve", data={
        "payout_method": "bank_transfer", "payout_reference": "B-1", "csrf_token": csrf_token(approvals)})
    assert paid.status_code == 302 and request.status.value == "done" and card.status.value == "refunded"
    assert _post(client, "/my/sign-out", {}, lang, page="/my/").status_code == 302
    assert client.get("/my/").headers["Location"].endswith("/my/sign-in")
    assert client.get(link).status_code == 302  # the PDF too needs the member's session


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_wrong_details_look_the_same_and_send_nothing(app, holder, lang):
    card, tail = holder
    client = app.test_client()
    before = outbox_count()
    response = _post(client, "/my/sign-in", {"card_number": card.number, "id_tail": "000000"}, lang)
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/code")
    assert outbox_count() == before
    refused = _post(client, "/my/code", {"code": "123456"}, lang)
    assert refused.status_code == 403
    body = refused.get_data(as_text=True)
    assert ("验证码不正确" if lang == "zh-CN" else "This code is not right") in body and not readable(body, lang)
    empty = _post(client, "/my/sign-in", {"card_number": "", "id_tail": ""}, lang)
    assert empty.status_code == 422 and not readable(empty.get_data(as_text=True), lang)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_session_ends_after_a_while_and_says_so(app, holder, clock, lang):
    card, tail = holder
    client = sign_in(app.test_client(), card, tail, lang)
    assert client.get("/my/sign-in").headers["Location"].endswith("/my/")  # signed in: straight to the cards
    clock.at += dt.timedelta(minutes=11)
    assert client.get("/my/", headers={"Accept-Language": lang}).headers["Location"].endswith("/my/sign-in")
    page = client.get("/my/sign-in", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert ("请重新登录" if lang == "zh-CN" else "Sign in again") in page and not readable(page, lang)


def test_staff_signed_in_are_not_members(app, login):
    client = login("admin")
    assert client.get("/my/").headers["Location"].endswith("/my/sign-in")
    assert client.get("/my/agreements/1.pdf").status_code == 302


def test_asking_for_codes_is_limited_per_card_and_per_address(app, holder):
    card, tail = holder
    client = app.test_client()
    statuses = [_post(client, "/my/sign-in", {"card_number": card.number, "id_tail": "000000"}).status_code
                for _ in range(4)]
    assert statuses == [302, 302, 302, 429]  # three a quarter of an hour per card, whoever asks
    assert "尝试次数过多" in _post(client, "/my/sign-in", {"card_number": card.number, "id_tail": "0"}).get_data(as_text=True)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert _post(other, "/my/sign-in", {"card_number": card.number, "id_tail": tail}).status_code == 429
    limiter.reset()
    assert app.config["VIP_PORTAL_CODE_RATE_LIMIT"] == "60 per hour"
    app.config["VIP_PORTAL_CODE_RATE_LIMIT"] = "5 per hour"  # the same rule, counted to a smaller number
    try:
        many = [_post(client, "/my/sign-in", {"card_number": f"2612{n:08d}", "id_tail": "000000"}).status_code
                for n in range(6)]
    finally:
        app.config["VIP_PORTAL_CODE_RATE_LIMIT"] = "60 per hour"
    assert many == [302] * 5 + [429]  # from one address, whatever cards it names


def test_trying_codes_is_limited_per_address(app, holder):
    card, tail = holder
    client = app.test_client()
    _post(client, "/my/sign-in", {"card_number": card.number, "id_tail": tail})
    statuses = [_post(client, "/my/code", {"code": "000000"}).status_code for _ in range(11)]
    assert statuses[:10] == [403] * 10 and statuses[10] == 429


def test_another_members_card_and_agreement_are_not_found(app, holder, make_card):
    card, tail = holder
    stranger = make_card(program=card.program)
    client = sign_in(app.test_client(), card, tail)
    assert client.get(f"/my/agreements/{stranger.agreements[0].id}.pdf").status_code == 404
    response = _post(client, f"/my/cards/{stranger.number}/refund", {}, page="/my/")
    assert response.status_code == 302
    assert db.session.scalar(select(RefundRequest).where(RefundRequest.card_id == stranger.id)) is None


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_admins_read_the_outbox_masked(app, holder, login, lang):
    card, tail = holder
    _post(app.test_client(), "/my/sign-in", {"card_number": card.number, "id_tail": tail})
    admin = login("admin")
    assert 'href="/admin/sms-outbox/"' in admin.get("/admin/users/").get_data(as_text=True)
    page = admin.get("/admin/sms-outbox/", headers={"Accept-Language": lang})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and last_code() in html and card.program.name in html
    assert card.member.phone not in html and card.member.phone[-4:] in html and not readable(html, lang)
    assert login("consultant").get("/admin/sms-outbox/").status_code == 403
    assert app.test_client().get("/admin/sms-outbox/").status_code == 302


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_retail_points_and_membership_dues_on_the_members_page(app, make_card, make_program, make_member, clock, lang):
    from app.loyalty.services import record_purchase

    member = make_member()
    retail = make_card(program=make_program("retail_vip"), member=member)
    in_request(app, record_purchase, retail.id, {"amount": "1000.00", "receipt_no": "R-PORTAL-1"},
               by=make_card.consultant)
    membership = make_card(program=make_program("online_membership"), member=member, pay_later=True,
                           payment_method=None, receipt_no=None)
    tail = in_request(app, decrypt_id_number, member)[-6:]
    client = sign_in(app.test_client(), retail, tail, lang)
    home = client.get("/my/", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert not readable(home, lang), readable(home, lang)
    text = visible(home)
    points = 86  # ¥1,000 at 8.6折 paid ¥860: a point per ¥10
    assert f"{points}" in text and ("积分" if lang == "zh-CN" else "points, to use by") in text
    assert membership.number[-4:] in text.replace(" ", "")
    assert ("会费" if lang == "zh-CN" else "Fee") in text and ("¥2,000.00" in text)
    assert ("申请退卡" if lang == "zh-CN" else "Ask for a refund") not in text  # nothing to refund on either card


HOW = {  # what the page says of how the agreement has a refund asked for, beside the button and after asking
    ("in_person", "zh-CN"): "请携带本卡及本协议原件到售楼处（甘肃省天水市秦州区测试路8号，电话 0938-1234567）领取退款",
    ("in_person", "en"): "bring the card and this agreement to the sales centre (甘肃省天水市秦州区测试路8号, tel. 0938-1234567) "
                         "to collect the refund",
    ("by_phone", "zh-CN"): "退卡须致电申请：本次申请已记录，您也可以拨打 0938-1234567",
    ("by_phone", "en"): "a refund asked for by phone: this request is recorded, and you may also call 0938-1234567",
}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("method", ["in_person", "by_phone"])
def test_the_page_says_how_the_agreement_has_a_refund_asked_for(app, make_card, make_program, lang, method):
    """The online request stays (staff approve it as ever), but the member is told what the agreement asks besides:
    to come with the card and the agreement, or that a call also does."""
    card = make_card(program=make_program("presale_95", opening_date="2026-05-01", refund_request_method=method))
    client = sign_in(app.test_client(), card, in_request(app, decrypt_id_number, card.member)[-6:], lang)
    before = visible(client.get("/my/", headers={"Accept-Language": lang}).get_data(as_text=True))
    assert HOW[method, lang] in before and ("申请退卡" if lang == "zh-CN" else "Ask for a refund") in before
    assert _post(client, f"/my/cards/{card.number}/refund", {"reason": ""}, lang, page="/my/").status_code == 302
    html = client.get("/my/", headers={"Accept-Language": lang}).get_data(as_text=True)
    after = visible(html)
    assert HOW[method, lang] in after and ("申请退款" if lang == "zh-CN" else "requested on") in after
    assert not readable(html, lang)
    other = HOW["by_phone" if method == "in_person" else "in_person", lang]
    assert other not in before and other not in after


def test_a_refund_in_person_without_the_issuers_address_names_the_phone(app, make_card, make_program):
    card = make_card(program=make_program("presale_95", opening_date="2026-05-01", issuer_address=None))
    client = sign_in(app.test_client(), card, in_request(app, decrypt_id_number, card.member)[-6:], "en")
    page = visible(client.get("/my/", headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "bring the card and this agreement to the sales centre (tel. 0938-1234567) to collect the refund" in page

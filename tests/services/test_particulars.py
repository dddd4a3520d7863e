"""Legally complete agreements: the issuer's particulars, liability and dispute clauses, copies, page numbers."""

import io
import re

import pytest
from pypdf import PdfReader

from app.agreements import services
from tests.conftest import form_post, in_request, program_payload

PARTICULARS = {"issuer_address": "甘肃省天水市秦州区测试路8号", "issuer_credit_code": "91620102ma72xq8b1k",
               "issuer_legal_rep": "王测试"}


def test_particulars_round_trip_through_the_api_and_are_checked(api_as):
    admin = api_as("admin")
    created = admin.post("/programs", program_payload(code="PART-1", **PARTICULARS, dispute_resolution="arbitration",
                                                      dispute_body="兰州仲裁委员会", copies=3,
                                                      copies_held_by="认筹方一份，开发商两份"))
    assert created.status_code == 201, created.get_json()
    body = admin.get("/programs/PART-1").get_json()
    assert {k: body[k] for k in ("issuer_address", "issuer_credit_code", "issuer_legal_rep", "dispute_resolution",
                                 "dispute_body", "copies", "copies_held_by")} == {
        "issuer_address": "甘肃省天水市秦州区测试路8号", "issuer_credit_code": "91620102MA72XQ8B1K",
        "issuer_legal_rep": "王测试", "dispute_resolution": "arbitration", "dispute_body": "兰州仲裁委员会", "copies": 3,
        "copies_held_by": "认筹方一份，开发商两份"}
    patched = admin.patch("/programs/PART-1", {"dispute_resolution": "court", "dispute_body": None, "copies": 2})
    assert (patched.get_json()["dispute_resolution"], patched.get_json()["copies"]) == ("court", 2)

    wrong = admin.patch("/programs/PART-1", {"issuer_credit_code": "91620102MA72XQ8B1J"})  # one character off
    assert (wrong.status_code, wrong.get_json()["error"]["reasons"]) == (422, {"issuer_credit_code": "credit_code_invalid"})
    no_body = admin.patch("/programs/PART-1", {"dispute_resolution": "arbitration"})
    assert no_body.get_json()["error"]["reasons"] == {"dispute_body": "arbitration_needs_body"}
    for copies in (0, 10, "two"):
        assert "copies" in admin.patch("/programs/PART-1", {"copies": copies}).get_json()["error"]["reasons"]
    assert admin.get("/programs/PART-1").get_json()["copies"] == 2  # nothing half-written


def test_a_programme_without_particulars_still_works_and_says_what_is_missing(api_as, login):
    admin = api_as("admin")
    payload = program_payload(code="OLDP-1")
    for key in PARTICULARS:
        payload.pop(key)
    assert admin.post("/programs", payload).status_code == 201
    assert admin.patch("/programs/OLDP-1", {"opening_date": "2026-07-01"}).status_code == 200
    page = login("admin").get("/programs/OLDP-1").get_data(as_text=True)
    assert "协议中将留空待填" in page and "统一社会信用代码" in page


def test_the_programme_form_takes_the_particulars(login):
    client = login("admin")
    page = client.get("/programs/new?preset=presale_95").get_data(as_text=True)
    assert 'name="issuer_credit_code"' in page and 'name="dispute_resolution"' in page
    form = {**{k: v for k, v in program_payload("presale_95", code="FORM-P").items() if not isinstance(v, (dict, list))},
            "refund_window.anchor": "opening_date", "refund_window.opens_after_days": "10",
            "tiers.0.code": "VIP", "tiers.0.name": "VIP卡", "tiers.0.amount": "50000", "tiers.0.discount_rate": "0.95",
            "dispute_resolution": "arbitration", "dispute_body": "", "copies": "3"}
    form = {k: ("" if v is None else str(v)) for k, v in form.items() if k != "multiple_redemptions"}
    refused = form_post(client, "/programs/new", {**form, "issuer_credit_code": "123"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "营业执照" in html and "仲裁委员会名称" in html
    created = form_post(client, "/programs/new", {**form, "dispute_body": "天水仲裁委员会"})
    assert created.status_code == 302, created.get_data(as_text=True)
    detail = client.get("/programs/FORM-P").get_data(as_text=True)
    assert "天水仲裁委员会" in detail and "91620102MA72XQ8B1K" in detail and "协议中将留空待填" not in detail


def _pdf_text(app, card) -> str:
    content, _ = in_request(app, services.pdf_of, card.agreements[0])
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("preset, extra, expected", [
    ("presale_95", {}, ["「测试花园」项目所在地有管辖权的人民法院", "一式两份", "甲乙双方各执一份"]),
    ("presale_value_add", {"copies": 3, "copies_held_by": "认筹方一份，开发商两份", "opening_date": None},
     ["一式三份", "认筹方一份，开发商两份", "人民法院"]),
    ("online_membership", {"dispute_resolution": "arbitration", "dispute_body": "深圳国际仲裁院"},
     ["深圳国际仲裁院", "仲裁裁决是终局的", "一式两份"]),
])
def test_each_subscription_agreement_prints_every_particular(app, make_program, make_card, preset, extra, expected):
    program = make_program(preset, **extra)
    card = make_card(program=program, signed=False)
    text = _pdf_text(app, card)
    flat = re.sub(r"\s+", "", text)
    for particular in ("测试置业有限责任公司", "甘肃省天水市秦州区测试路8号", "91620102MA72XQ8B1K", "王测试", "法定代表人",
                       "统一社会信用代码", "违约责任", "争议解决", *expected):
        assert particular in flat, particular
    pages = len(PdfReader(io.BytesIO(in_request(app, services.pdf_of, card.agreements[0])[0])).pages)
    assert f"第1页共{pages}页" in flat and f"第{pages}页共{pages}页" in flat
    # Signature blocks are dated; an unsigned draft leaves the date to fill in by hand.
    assert "日期：＿＿＿＿年＿＿月＿＿日" in flat


def test_no_article_heading_is_stranded_at_the_foot_of_a_page(app, make_program, make_card):
    card = make_card(program=make_program("presale_value_add", opening_date=None), signed=False)
    content, _ = in_request(app, services.pdf_of, card.agreements[0])
    for page in PdfReader(io.BytesIO(content)).pages:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        body = [line for line in lines if not re.fullmatch(r"第\s*\d+\s*页\s*共\s*\d+\s*页", line)]
        assert not re.fullmatch(r"第[一二三四五六七八九十]+条\s+\S+", body[-1]), body[-1]

"""Documents to each agreement's letter (issue 12, part 6): replayed through the API and read back from the .docx.

The two seed pre-sale agreements: 重邦尚城 (a 内部认购协议书 for 诚意金, 9.5折, refund in person with the card and the
agreement, no reissue fee, no credit) and 依林小镇 (a 认筹协议书 in three copies, refund by phone, the card valid only with
the agreement, the 增值 increment stated as its own figure); and a paid membership.
"""

import datetime as dt
import io
import re

import pytest
from docx import Document as Docx

from tests.conftest import DEFAULT_NOW, program_payload, valid_id_number

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# As the seed agreements have them (the figures of DESIGN §3); issuer particulars from the test payload.
CBSC = {"code": "CBSC", "name": "重邦尚城 VIP卡", "project_name": "重邦尚城"}
YLXZ = {"code": "YLXZ", "name": "依林小镇 增值卡", "project_name": "依林小镇",
        "tiers": [{"code": "ZZ", "name": "增值卡", "amount": "15000.00", "discount_rate": "1.00", "increment": "30000.00"}]}


def docx_text(content: bytes) -> str:
    doc = Docx(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def title_of(content: bytes) -> str:
    return next(p.text for p in Docx(io.BytesIO(content)).paragraphs if p.text.strip())


def parties_of(content: bytes) -> tuple[list[str], list[str]]:
    """(the header table's party labels, the signature block's party labels), each 甲方… then 乙方…"""
    doc = Docx(io.BytesIO(content))
    header = [row.cells[0].text for row in doc.tables[0].rows if row.cells[0].text.startswith(("甲方", "乙方"))]
    block = doc.tables[-1].rows[0].cells
    signed = [c.text.removesuffix("（盖章）：") for c in block if c.text.startswith(("甲方", "乙方"))]
    return sorted(header), sorted(signed)


def both(issuer: str, member: str) -> tuple[list[str], list[str]]:
    """The same two names in the header and in the signature block."""
    return sorted([issuer, member]), sorted([issuer, member])


def clause(text: str, heading: str) -> str:
    """An article's text: from its heading to the next article's."""
    start = text.index(heading)
    following = re.search(r"\n第[一二三四五六七八九十]+条", text[start + len(heading):])
    return text[start:start + len(heading) + following.start()] if following else text[start:]


def _issue(api_as, program: dict, *, seed: int) -> tuple[dict, dict, bytes]:
    """Create the programme and issue a card through the API; the subscription draft's .docx."""
    admin, consultant = api_as("admin"), api_as("consultant")
    created = admin.post("/programs", program)
    assert created.status_code == 201, created.get_json()
    member = consultant.post("/members", {"name": "欧阳明月", "id_number": valid_id_number(seed), "phone": "13800138000",
                                          "address": "甘肃省天水市示例路1号"})
    assert member.status_code == 201, member.get_json()
    tier = created.get_json()["tiers"][0]
    card = consultant.post("/cards", {"program": program["code"], "tier": tier["code"], "member_id": member.get_json()["id"],
                                      "amount": tier["amount"], "payment_method": "bank_card", "receipt_no": "R-1"})
    assert card.status_code == 201, card.get_json()
    agreement = card.get_json()["agreements"][0]
    document = consultant.get(f"/agreements/{agreement['id']}/document.docx")
    assert document.status_code == 200
    return created.get_json(), card.get_json(), document.data


def test_the_internal_subscription_of_chongbang_says_what_its_agreement_says(api_as):
    program, card, content = _issue(api_as, program_payload("presale_95", **CBSC), seed=11)
    assert (program["agreement_title"], program["deposit_term"], program["refund_request_method"]) == (
        "内部认购协议书", "诚意金", "in_person")
    text = docx_text(content)
    assert title_of(content) == "内部认购协议书"
    assert "诚意金" in text and "认筹金" not in text and "认筹协议书" not in text
    assert "补办费" not in text  # the agreement names no fee: no ¥0.00 line
    assert "增值" not in text and "可抵扣房价款" not in text  # no credit, no credit clause
    refund = clause(text, "第三条")
    assert "持本卡及本协议原件" in refund and "身份证件" not in refund
    assert "自开盘日后第10日起" in refund and "不计利息" in refund
    assert "本卡限选购一套房屋" in text and "不得转让" in text and "9.5折" in text
    assert "缺一无效" not in text
    assert "本协议一式两份，甲乙双方各执一份" in text
    assert "2026年5月20日" in text and "发证日期2026年3月1日" in text and not ISO_DAY.search(text)
    assert parties_of(content) == both("甲方（开发商）", "乙方（认筹方）")
    assert "{{" not in text and "{%" not in text


def test_the_value_add_subscription_of_yilin_states_its_increment_copies_and_phone(api_as):
    program, card, content = _issue(api_as, program_payload("presale_value_add", **YLXZ), seed=12)
    assert program["tiers"][0].items() >= {"amount": "15000.00", "increment": "30000.00", "credit": "45000.00"}.items()
    assert (program["copies"], program["copies_held_by"], program["card_with_agreement"]) == (3, "认筹方一份，开发商两份", True)
    text = docx_text(content)
    assert title_of(content) == "认筹协议书"
    assert "认购金" in text
    benefit = clause(text, "第二条")
    assert "本卡增值¥30,000.00（大写：叁万元整）" in benefit  # the increment as its own figure, with its 大写
    assert "¥45,000.00" in benefit and "肆万伍仟元整" in benefit
    assert "本卡与本协议配合使用，缺一无效" in text
    assert "本协议一式三份，认筹方一份，开发商两份" in text
    refund = clause(text, "第三条")
    assert "拨打甲方联系电话0938-1234567" in refund and "持本卡" not in refund
    assert "增值权益同时作废" in refund and "自开盘日后第15日起" in refund
    assert "补办费" not in text and not ISO_DAY.search(text)
    assert parties_of(content) == both("甲方（开发商）", "乙方（认筹方）")


def test_a_membership_agreement_names_its_parties_alike_in_header_and_block(api_as):
    program, card, content = _issue(api_as, program_payload("online_membership", code="ONLINE"), seed=13)
    assert (program["agreement_title"], program["deposit_term"]) == (None, None)  # the kind's usual words
    text = docx_text(content)
    assert title_of(content) == "会员协议"
    assert parties_of(content) == both("甲方（服务方）", "乙方（会员）")
    assert "发卡方" not in text and "持卡人" not in text
    assert "补办费" not in text and "认筹" not in text and "增值" not in text
    assert "会费为人民币贰仟元整" in text and not ISO_DAY.search(text)


def test_a_programme_names_its_agreement_and_money_and_a_fee_prints_when_charged(api_as):
    payload = program_payload("presale_95", code="OWN", agreement_title="VIP认购协议", deposit_term="认购金",
                              reissue_fee="20.00", refund_request_method="by_phone")
    program, card, content = _issue(api_as, payload, seed=14)
    text = docx_text(content)
    assert title_of(content) == "VIP认购协议" and "认购金" in text and "诚意金" not in text
    assert "补办费¥20.00" in text and "拨打甲方联系电话" in text


@pytest.fixture
def chongbang(api_as, make_card, make_program, make_member):
    """A signed 重邦尚城 card (the programme made through the API) and the staff to take it through its life."""
    admin = api_as("admin")
    assert admin.post("/programs", program_payload("presale_95", **CBSC)).status_code == 201
    from app.programs.services import get_program
    card = make_card(program=get_program("CBSC"), member=make_member(name="张三"))
    return card, {"consultant": api_as("consultant"), "admin": admin, "admin2": api_as("admin"), "counter": api_as("counter")}


def _docx(api, agreement_id: int) -> bytes:
    response = api.get(f"/agreements/{agreement_id}/document.docx")
    assert response.status_code == 200
    return response.data


def test_every_later_document_keeps_the_parties_the_money_and_chinese_dates(app, chongbang, clock):
    card, staff = chongbang
    consultant, admin, admin2 = staff["consultant"], staff["admin"], staff["admin2"]
    from app.members.services import decrypt_id_number
    with app.app_context():
        id_number = decrypt_id_number(card.member)
    consultant.post(f"/cards/{card.number}/report-loss", {"reason": "遗失"})
    new = consultant.post(f"/cards/{card.number}/reissue", {"id_number": id_number, "fee_receipt_no": "F1"})
    assert new.status_code == 201, new.get_json()
    new = new.get_json()
    reissue = _docx(consultant, new["agreements"][-1]["id"])
    text = docx_text(reissue)
    assert title_of(reissue) == "VIP卡挂失补办申请书" and "补办费" not in text  # free: no fee row
    assert parties_of(reissue) == both("甲方（开发商）", "乙方（认筹方）")
    assert not ISO_DAY.search(text) and "2026年5月20日" in text

    clock.at = DEFAULT_NOW + dt.timedelta(days=10)
    request = admin.post(f"/cards/{new['number']}/refund-requests", {"reason": "不买了"}).get_json()
    paid = admin2.post(f"/refund-requests/{request['id']}/approve", {"payout_method": "bank_transfer", "payout_reference": "B1"})
    assert paid.status_code == 200, paid.get_json()
    refund = _docx(consultant, paid.get_json()["agreement_id"])
    text = docx_text(refund)
    assert "增值" not in text and "2026年5月30日" in text and not ISO_DAY.search(text)
    assert parties_of(refund) == both("甲方（开发商）", "乙方（认筹方）")


def test_a_redemption_without_credit_prints_no_credit_lines(app, chongbang):
    from app.cards.services import verify_url
    from tests.conftest import in_request
    card, staff = chongbang
    token = in_request(app, verify_url, card).rsplit("/v/", 1)[1]
    redeemed = staff["counter"].post(f"/verify/{token}/redeem", {"item": "3-1-1201", "price": "1000000"})
    assert redeemed.status_code in (200, 201), redeemed.get_json()
    content = _docx(staff["consultant"], redeemed.get_json()["agreement_id"])
    text = docx_text(content)
    assert "其中：诚意金转入购房款" in text and "剩余可退诚意金" in text
    assert "增值" not in text and "认筹金" not in text and not ISO_DAY.search(text)
    assert parties_of(content) == both("甲方（开发商）", "乙方（认筹方）")


# The increment and the credit through the API ---------------------------------------------------------------------

def _tier(**fields) -> dict:
    return {"code": "ZZ", "name": "增值卡", "amount": "15000.00", "discount_rate": "1.00", **fields}


@pytest.mark.parametrize(("fields", "credit", "increment"), [
    ({"increment": "30000.00"}, "45000.00", "30000.00"),
    ({"credit": "0.00"}, "0.00", "0.00"),  # no credit needs no increment (DESIGN §10)
    ({"credit": "45000.00", "increment": "30000.00"}, "45000.00", "30000.00"),
    ({}, "0.00", "0.00"),
    ({"credit": "0", "increment": "0"}, "0.00", "0.00"),
])
def test_a_tier_takes_its_increment_or_its_credit_and_answers_both(api_as, fields, credit, increment):
    admin = api_as("admin")
    created = admin.post("/programs", program_payload("presale_value_add", code="INC", tiers=[_tier(**fields)]))
    assert created.status_code == 201, created.get_json()
    tier = created.get_json()["tiers"][0]
    assert (tier["credit"], tier["increment"]) == (credit, increment)
    assert admin.get("/programs/INC").get_json()["tiers"][0] == tier


@pytest.mark.parametrize(("fields", "where", "code"), [
    # A credit alone could be the whole offset or the increment typed in its place: never guessed at.
    ({"credit": "30000.00"}, "tiers.0.credit", "increment_required"),
    ({"credit": "45000.00"}, "tiers.0.credit", "increment_required"),
    ({"credit": "10000.00"}, "tiers.0.credit", "increment_required"),
    ({"credit": "30000.00", "increment": "30000.00"}, "tiers.0.increment", "credit_contradicts_increment"),
])
def test_a_credit_alone_or_against_its_increment_is_refused(api_as, fields, where, code):
    admin = api_as("admin")
    response = admin.post("/programs", program_payload("presale_value_add", code="BAD", tiers=[_tier(**fields)]))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["reasons"][where] == code, error
    assert admin.get("/programs/BAD").status_code == 404  # nothing written


def test_a_credit_alone_is_refused_with_the_increment_to_send_in_both_languages(api_as):
    """The issue's case: 30,000 on a 15,000 deposit may be the whole offset (increment 15,000) or the increment itself
    (increment 30,000); the refusal says which increment to send for each, and the patch of a tier is refused alike."""
    admin = api_as("admin")
    payload = program_payload("presale_value_add", code="BAD", tiers=[_tier(credit="30000.00")])
    english = admin.post("/programs", payload, headers={"Accept-Language": "en"}).get_json()["error"]
    chinese = admin.post("/programs", payload, headers={"Accept-Language": "zh-CN"}).get_json()["error"]
    assert english["reasons"] == chinese["reasons"] == {"tiers.0.credit": "increment_required"}
    assert "the credit is the deposit plus the increment" in str(english)
    assert "send increment 15000.00" in str(english) and "send increment 30000.00" in str(english)
    assert "增值额填 15000.00" in str(chinese) and "增值额填 30000.00" in str(chinese)
    assert admin.post("/programs", program_payload("presale_value_add", code="OK", tiers=[
        _tier(increment="15000.00")])).status_code == 201
    patched = admin.patch("/programs/OK", {"tiers": [_tier(credit="45000.00")]})
    assert patched.status_code == 422 and patched.get_json()["error"]["reasons"] == {"tiers.0.credit": "increment_required"}
    assert admin.get("/programs/OK").get_json()["tiers"][0]["credit"] == "30000.00"  # unchanged


def test_copies_and_the_agreement_words_are_accepted_and_changed(api_as):
    admin = api_as("admin")
    assert admin.post("/programs", program_payload("presale_95", code="CP")).status_code == 201
    changed = admin.patch("/programs/CP", {"copies": 4, "copies_held_by": "认筹方一份，开发商三份", "card_with_agreement": True,
                                           "refund_request_method": "by_phone", "agreement_title": "认筹协议书"})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["copies"], body["card_with_agreement"], body["refund_request_method"], body["agreement_title"]) == (
        4, True, "by_phone", "认筹协议书")
    bad = admin.patch("/programs/CP", {"refund_request_method": "by_post", "copies": 12})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["reasons"]) == {"refund_request_method", "copies"}


def test_the_pre_sale_presets_carry_no_fee_or_limit_their_agreements_lack(api_as):
    presets = {p["key"]: p["program"] for p in api_as("admin").get("/program-presets").get_json()["presets"]}
    for key in ("presale_95", "presale_value_add"):
        preset = presets[key]
        assert preset["reissue_fee"] == "0.00" and preset["transfer_fee"] == "0.00", key
        assert preset["multiple_redemptions"] is False, key  # one card buys one unit
        assert preset["max_active_cards_per_member"] > 1, key  # neither agreement limits cards per person
    assert (presets["presale_95"]["agreement_title"], presets["presale_95"]["deposit_term"]) == ("内部认购协议书", "诚意金")
    value_add = presets["presale_value_add"]
    assert (value_add["copies"], value_add["refund_request_method"], value_add["card_with_agreement"]) == (3, "by_phone", True)
    assert value_add["tiers"][0].items() >= {"amount": "20000.00", "increment": "30000.00", "credit": "50000.00"}.items()


def test_the_programme_form_takes_the_increment_and_the_agreement_words(login, app):
    from tests.conftest import form_post
    client = login("admin")
    data = {"code": "FORM", "name": "依林小镇", "kind": "presale_deposit", "status": "open", "issuer_name": "测试置业有限责任公司",
            "project_name": "依林小镇", "contact_phone": "0938-1234567", "copies": "3", "copies_held_by": "认筹方一份，开发商两份",
            "agreement_title": "认筹协议书", "deposit_term": "认购金", "refund_request_method": "by_phone",
            "card_with_agreement": "on", "dispute_resolution": "court", "transfer_policy": "forbidden",
            "transfer_fee": "0", "reissue_fee": "0", "max_active_cards_per_member": "5", "card_design": "classic",
            "refund_window.anchor": "opening_date", "refund_window.opens_after_days": "15",
            "presale_permit_no": "测预售字(2026)第9号", "presale_permit_date": "2026-03-01",
            "tiers.0.code": "ZZ", "tiers.0.name": "增值卡", "tiers.0.amount": "15000", "tiers.0.discount_rate": "1",
            "tiers.0.increment": "30000"}
    response = form_post(client, "/programs/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = client.get("/programs/FORM", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "《认筹协议书》 · 认购金" in page and "¥30,000.00" in page and "¥45,000.00" in page
    assert "拨打项目联系电话申请" in page and "配合使用，缺一无效" in page
    edit = client.get("/programs/FORM/edit").get_data(as_text=True)
    assert 'name="tiers.0.increment" value="30000.00"' in edit and 'name="tiers.0.credit"' not in edit


def test_a_membership_redemption_prints_no_deposit_offset_or_unit_purchase(app, api_as, make_card, make_program):
    from app.cards.services import verify_url
    from tests.conftest import in_request
    card = make_card(program=make_program("online_membership", code="ONLINE"))
    token = in_request(app, verify_url, card).rsplit("/v/", 1)[1]
    redeemed = api_as("counter").post(f"/verify/{token}/redeem", {"item": "年卡课程", "price": "1000"})
    assert redeemed.status_code in (200, 201), redeemed.get_json()
    content = _docx(api_as("consultant"), redeemed.get_json()["agreement_id"])
    text = docx_text(content)
    assert title_of(content) == "VIP卡使用确认书"
    assert "解筹" not in text and "购房款" not in text and "抵扣" not in text and "增值" not in text
    assert parties_of(content) == both("甲方（服务方）", "乙方（会员）")


def test_the_sealed_pdf_and_its_evidence_page_write_days_in_chinese(api_as):
    from pypdf import PdfReader

    from tests.conftest import signature_data_url
    program, card, _ = _issue(api_as, program_payload("presale_95", **CBSC), seed=15)
    consultant, agreement_id = api_as("consultant"), card["agreements"][0]["id"]
    signed = consultant.post(f"/agreements/{agreement_id}/sign", {
        "member_signature": signature_data_url(), "consultant_signature": signature_data_url(), "consent": True})
    assert signed.status_code == 200, signed.get_json()
    pdf = consultant.get(f"/agreements/{agreement_id}/document.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = text.replace(" ", "").replace("\n", "")  # table cells wrap
    assert "出证页" in text and "内部认购协议书" in text
    assert "持卡人欧阳明月2026年5月20日10:00:00" in text and not ISO_DAY.search(text)


def test_a_membership_agreement_states_only_the_programmes_terms_of_ending(api_as):
    """DESIGN §3: the member's early termination (7 days' notice) refunds nothing, the provider's (3 days') in full.
    No clause lets the member end it for undelivered benefits and take back an unused part of the fee: the card cannot
    reckon one, and a provider that fails to deliver is in breach, which the breach clause says."""
    _, _, content = _issue(api_as, program_payload("online_membership", code="ONLINE"), seed=15)
    text = docx_text(content)
    ending, breach = clause(text, "第三条"), clause(text, "第六条")
    assert "甲方提前终止的，应提前3日通知乙方" in ending
    assert "乙方提前终止的，应提前7日书面通知甲方；已交会费不予退还" in ending and "甲方全额退还乙方已交付的会费" in ending
    assert breach.startswith("第六条　违约责任") and "甲方未按约定提供会员权益的，属甲方违约。" in breach
    for promise in ("尚未履行", "未使用", "限期改正", "按比例", "剩余"):
        assert promise not in text, promise
    assert [line for line in text.split("\n") if "解除本协议" in line] == []

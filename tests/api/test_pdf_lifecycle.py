"""Every document of a card's life as the PDF members keep: the holder's name and the document number in the text,
every font embedded, PDF/A declared, made once and then served from the stored copy."""

import datetime as dt
import io

from pypdf import PdfReader

from app.cards.services import verify_url
from app.documents import pdf as pdf_module
from tests.api.test_lifecycle_api import desk, setup_card  # noqa: F401 - desk is a fixture
from tests.api.test_pdf_documents import _fonts
from tests.conftest import DEFAULT_NOW, in_request, valid_id_number


def _check(api, agreement_id: int, *names: str) -> str:
    """The PDF passes every check; a second download is the stored copy, not a second conversion."""
    number = api.get(f"/agreements/{agreement_id}").get_json()["number"]
    before = pdf_module.conversions()
    response = api.get(f"/agreements/{agreement_id}/document.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.get_data(as_text=True)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).replace(" ", "")
    assert number in text and all(name in text for name in names), (number, names)
    fonts = _fonts(response.data)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert any("CJK" in name for name, _ in fonts)
    assert b"pdfaid:part" in response.data
    again = api.get(f"/agreements/{agreement_id}/document.pdf")
    assert again.data == response.data and pdf_module.conversions() == before + 1
    return text


def test_subscription_loss_reissue_transfer_and_refund_as_pdfs(desk, clock):  # noqa: F811 - the fixture
    consultant, admin, admin2 = desk["consultant"], desk["admin"], desk["admin2"]
    card = setup_card(desk, code="PDFS", transfer_policy="with_approval", transfer_fee="300.00")
    # The subscription was sealed by an uploaded scan; a new holder's, still a draft, is made from its .docx below.
    consultant.post(f"/cards/{card['number']}/report-loss", {"reason": "钱包被偷"})
    id_number = consultant.post(f"/members/{card['member']['id']}/reveal", {"reason": "补办核对"}).get_json()["id_number"]
    reissued = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": id_number, "fee_receipt_no": "F8"}).get_json()
    assert "挂失补办申请书" in _check(consultant, reissued["agreements"][0]["id"], "张三")

    other = consultant.post("/members", {"name": "李四", "id_number": valid_id_number(556), "phone": "13900139000"}).get_json()
    request = consultant.post(f"/cards/{reissued['number']}/transfer", {"to_member_id": other["id"], "fee_receipt_no": "T8"}).get_json()
    moved = admin.post(f"/transfer-requests/{request['id']}/approve").get_json()
    subscription = next(a["id"] for a in moved["agreements"] if a["kind"] == "subscription")
    assert "内部认购协议书" in _check(consultant, subscription, "李四")  # the draft, before anyone signs it
    transfer = next(a["id"] for a in moved["agreements"] if a["kind"] == "transfer")
    assert "VIP卡转让协议" in _check(consultant, transfer, "张三", "李四")
    consultant.sign_by_scan(subscription)

    clock.at = DEFAULT_NOW + dt.timedelta(days=10)
    refund = consultant.post(f"/cards/{moved['number']}/refund-requests", {"reason": "改变主意"}).get_json()
    paid = admin2.post(f"/refund-requests/{refund['id']}/approve", {"payout_method": "bank_transfer", "payout_reference": "B8"}).get_json()
    assert "VIP卡退卡确认书" in _check(consultant, paid["agreement_id"], "李四")


def test_redemption_and_renewal_confirmations_as_pdfs(app, api_as, make_card, make_program, clock):
    consultant, counter = api_as("consultant"), api_as("counter")
    card = make_card()
    token = in_request(app, verify_url, card).rsplit("/v/", 1)[1]
    redeemed = counter.post(f"/verify/{token}/redeem", {"item": "3-1-1201", "price": "1000000"}).get_json()
    assert "3-1-1201" in _check(consultant, redeemed["agreement_id"], card.member.name)

    membership = make_card(program=make_program("online_membership"))
    clock.at = clock.at + dt.timedelta(days=362)  # 2027-05-17: the first of the last three days, when it renews
    consultant.renew(app)  # a year on, API tokens (90 days) were renewed
    renewed = consultant.post(f"/cards/{membership.number}/renew", {"payment_method": "cash", "receipt_no": "RN-2"}).get_json()
    renewal = next(a for a in renewed["agreements"] if a["kind"] == "renewal")
    assert "会员续期确认书" in _check(consultant, renewal["id"], membership.member.name)

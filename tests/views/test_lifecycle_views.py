"""The lifecycle in the browser: the same services, refusals explained on the card page."""

import datetime as dt

from sqlalchemy import select

from app.approvals.models import RefundRequest
from app.cards.models import Card
from app.extensions import db
from tests.conftest import DEFAULT_NOW, csrf_token


def post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client.get(page).get_data(as_text=True))},
                       follow_redirects=True)


def test_loss_reissue_and_refund_with_approval_in_the_browser(app, login, make_card, make_program, clock):
    card = make_card(program=make_program(code="WEBLIFE"))
    page = f"/cards/{card.number}"
    counter = login("counter")
    blocked = post(counter, f"/cards/{card.number}/report-loss", {"reason": "电话"}, page).get_data(as_text=True)
    assert "卡已停用" in blocked
    consultant = login("consultant")
    wrong = post(consultant, f"/cards/{card.number}/reissue", {"id_number": "11010519491231002X", "fee_receipt_no": "F"}, page)
    assert "证件号码与持卡人不符" in wrong.get_data(as_text=True)
    from app.members.services import decrypt_id_number
    with app.app_context():
        id_number = decrypt_id_number(card.member)
    done = post(consultant, f"/cards/{card.number}/reissue", {"id_number": id_number, "fee_receipt_no": "F"}, page)
    new = db.session.scalar(select(Card).where(Card.predecessor_id == card.id))
    assert done.request.path == f"/cards/{new.number}" and "已补办新卡" in done.get_data(as_text=True)

    clock.at = DEFAULT_NOW + dt.timedelta(days=10)
    asked = post(consultant, f"/cards/{new.number}/refund", {"reason": "不买了"}, f"/cards/{new.number}")
    assert "等待第二人审批" in asked.get_data(as_text=True)
    request = db.session.scalars(select(RefundRequest)).one()
    admin = login("admin")
    approvals = admin.get("/approvals").get_data(as_text=True)
    assert new.number[-4:] in approvals and "伍万元整" in approvals
    paid = post(admin, f"/approvals/refund/{request.id}/approve", {"payout_method": "bank_transfer", "payout_reference": "B9"},
                "/approvals")
    assert "没有待办事项" in paid.get_data(as_text=True)
    db.session.refresh(new)
    assert new.status.value == "refunded"
    history = admin.get(f"/cards/{new.number}").get_data(as_text=True)
    assert "挂失" in history and "退款已支付" in history and "已退款" in history and "card.loss_reported" not in history


def test_refusals_are_explained_on_the_card_page(login, make_card, make_program):
    card = make_card(program=make_program(code="WEBREF"))
    consultant = login("consultant")
    early = post(consultant, f"/cards/{card.number}/refund", {"reason": "x"}, f"/cards/{card.number}")
    assert "退卡窗口自 2026-05-30 起开放" in early.get_data(as_text=True)
    counter = login("counter")
    assert post(counter, f"/cards/{card.number}/void", {"reason": "x"}, f"/cards/{card.number}").status_code == 403


def test_audit_page_filters_and_exports(login, make_card):
    card = make_card()
    admin = login("admin")
    page = admin.get(f"/admin/audit?action=card.&card={card.number}").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0]  # the entries, not the action list of the filter
    assert "<td>发卡</td>" in rows and "会员已登记" not in rows and "card.issued" not in rows
    csv = admin.get(f"/admin/audit?format=csv&card={card.number}", follow_redirects=True)  # the old address: the export
    assert csv.mimetype == "text/csv" and "card.issued" in csv.data.decode("utf-8-sig")
    assert login("consultant").get("/admin/audit").status_code == 403
    assert "请输入真实日期" in admin.get("/admin/audit?from=2026-99-01").get_data(as_text=True)


def test_transfer_annul_and_void_in_the_browser(app, login, make_card, make_program, make_member):
    program = make_program(code="WEBTR", transfer_policy="with_approval", transfer_fee="300.00")
    card = make_card(program=program)
    newcomer = make_member(name="赵新")
    consultant, admin = login("consultant"), login("admin")
    page = f"/cards/{card.number}"
    asked = post(consultant, f"/cards/{card.number}/transfer", {"to_member_id": newcomer.id, "fee_receipt_no": "T9"}, page)
    assert "等待经理审批" in asked.get_data(as_text=True)
    from app.approvals.models import TransferRequest
    request = db.session.scalars(select(TransferRequest)).one()
    assert "赵新" in admin.get("/approvals").get_data(as_text=True)
    post(admin, f"/approvals/transfer/{request.id}/approve", {}, "/approvals")
    db.session.refresh(card)
    new = db.session.scalar(select(Card).where(Card.predecessor_id == card.id))
    assert (card.status.value, new.member_id) == ("transferred", newcomer.id)

    counter_card = make_card(program=make_program(code="WEBAN"))
    from app.cards.services import redeem
    from tests.conftest import in_request
    redemption = in_request(app, redeem, counter_card.id, {"item": "5-5-505", "price": "900000"}, by=None)
    asked = post(consultant, f"/redemptions/{redemption.id}/annul", {"reason": "合同解除"}, f"/cards/{counter_card.number}")
    assert "等待经理审批" in asked.get_data(as_text=True)
    from app.approvals.models import AnnulRequest
    annul = db.session.scalars(select(AnnulRequest)).one()
    assert "5-5-505" in admin.get("/approvals").get_data(as_text=True)
    approved = post(admin, f"/approvals/annul/{annul.id}/approve", {}, "/approvals")
    assert "退房已批准" in approved.get_data(as_text=True)
    from tests.conftest import seal_subscription
    seal_subscription(app, new, make_card.consultant)  # the new holder signed: the transfer is in force
    refused = post(admin, f"/cards/{new.number}/void", {"reason": "录错"}, f"/cards/{new.number}")
    assert "不能作废" in refused.get_data(as_text=True)  # a transferred card is no error of issue
    asked_void = post(admin, f"/cards/{counter_card.number}/void", {"reason": "录错"}, f"/cards/{counter_card.number}")
    assert "等待另一位经理批准" in asked_void.get_data(as_text=True)
    from app.approvals.models import VoidRequest
    void = db.session.scalars(select(VoidRequest)).one()
    other_manager = login("admin").get("/approvals").get_data(as_text=True)
    assert counter_card.number[-4:] in other_manager
    # the menu counts what waits, for those who decide; a consultant sees no count
    assert '<span class="badge" title="等待审批的申请">1</span>' in other_manager
    assert 'class="badge"' not in consultant.get("/approvals").get_data(as_text=True)
    voided = post(login("admin"), f"/approvals/void/{void.id}/approve", {}, "/approvals")
    assert "此卡已作废" in voided.get_data(as_text=True)

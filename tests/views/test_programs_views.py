from sqlalchemy import select

from app.extensions import db
from app.programs.models import Program
from tests.conftest import browser_form


def preset_form(client, preset: str) -> dict:
    """What a browser submits for a preset's form, as prefilled by the page."""
    return browser_form(client.get(f"/programs/new?preset={preset}").get_data(as_text=True))


def test_admin_creates_a_programme_from_a_preset(login):
    client = login("admin")
    form = preset_form(client, "presale_95")
    assert form["tiers.0.amount"] == "50000.00" and form["refund_window.opens_after_days"] == "10"
    form.update({"code": "CBSC-2026", "issuer_name": "示例置业有限责任公司", "project_name": "重邦尚城",
                 "contact_phone": "0938-0000000", "presale_permit_no": "示预售字(2026)第1号", "presale_permit_date": "2026-03-01"})
    response = client.post("/programs/new", data=form)
    assert response.status_code == 302 and response.headers["Location"] == "/programs/CBSC-2026"
    page = client.get("/programs/CBSC-2026").get_data(as_text=True)
    assert "伍万元整" in page and "9.5折" in page and "自开盘日后第 10 日起，不设截止日。" in page
    program = db.session.scalar(select(Program).where(Program.code == "CBSC-2026"))
    assert program.tiers[0].amount_fen == 5_000_000 and program.refund_opens_after_days == 10


def test_form_errors_are_shown_beside_the_fields_and_nothing_is_saved(login):
    client = login("admin")
    form = preset_form(client, "presale_95")
    form.update({"code": "BAD-1", "issuer_name": "", "project_name": "X", "contact_phone": "0938-0000000",
                 "tiers.0.discount_rate": "1.5", "refund_window.closes_after_days": "3"})
    response = client.post("/programs/new", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "此项必填" in html and "折扣率须大于 0 且不超过 1" in html and "退卡窗口的截止日不能早于开放日" in html
    assert 'value="1.5"' in html  # what was typed is kept
    assert db.session.scalar(select(db.func.count(Program.id))) == 0


def test_edit_sets_the_opening_day_and_keeps_unchecked_boxes_unchecked(login, make_program):
    program = make_program("online_membership", code="RET-1")
    assert program.multiple_redemptions is True
    client = login("admin")
    form = browser_form(client.get("/programs/RET-1/edit").get_data(as_text=True))
    assert form.pop("multiple_redemptions") == "on"  # the user unticks the box
    form["opening_date"] = "2026-06-01"
    response = client.post("/programs/RET-1/edit", data=form)
    assert response.status_code == 302
    db.session.refresh(program)
    assert program.opening_date.isoformat() == "2026-06-01"
    assert program.multiple_redemptions is False
    assert program.tiers[0].discount_rate_bp == 10000


def test_consultants_see_programmes_but_cannot_change_them(login, make_program):
    make_program(code="SEE-1")
    client = login("consultant")
    assert "SEE-1" in client.get("/programs/").get_data(as_text=True)
    assert client.get("/programs/SEE-1").status_code == 200
    assert client.get("/programs/SEE-1/edit").status_code == 403
    assert client.get("/programs/NOPE").status_code == 404

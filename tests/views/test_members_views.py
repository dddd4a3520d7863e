from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.members.models import Member
from tests.conftest import csrf_token, form_post

ZHANG = {"name": "张三", "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13800138000",
         "address": "北京市西城区示例路1号", "postal_code": "100032"}


def test_register_a_member_in_the_browser(login):
    client = login("consultant")
    response = form_post(client, "/members/new", ZHANG)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "张三" in page and "110***********002X" in page and "138****8000" in page
    assert "11010519491231002X" not in page and "13800138000" not in page


def test_a_second_registration_with_the_same_id_leads_to_the_existing_member(login):
    client = login("consultant")
    first = form_post(client, "/members/new", ZHANG).headers["Location"]
    again = form_post(client, "/members/new", {**ZHANG, "phone": "13900139000"}, follow_redirects=True)
    assert again.request.path == first
    assert "此证件号码已登记" in again.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Member.id))) == 1


def test_bad_id_numbers_are_explained(login):
    client = login("consultant")
    response = form_post(client, "/members/new", {**ZHANG, "id_number": "110105194912310021"})
    assert response.status_code == 422
    assert "证件号码最后一位校验不符" in response.get_data(as_text=True)
    response = form_post(client, "/members/new", {**ZHANG, "id_number": "110105194902300023", "phone": "12345"})
    html = response.get_data(as_text=True)
    assert "出生日期不存在" in html and "请输入中国大陆手机号" in html
    assert db.session.scalar(select(db.func.count(Member.id))) == 0


def test_search_list_and_edit(login, make_member):
    member = make_member(name="欧阳明月", phone="15800001111")
    client = login("consultant")
    timeline = client.get(f"/members/{member.id}").get_data(as_text=True)  # the member's timeline, in words
    assert "会员已登记" in timeline and "证件类型: 居民身份证" in timeline and "id_type" not in timeline
    listing = client.get("/members/?q=欧阳").get_data(as_text=True)  # the start of the name
    assert "欧阳明月" in listing and "158****1111" in listing
    assert "没有匹配的会员" in client.get("/members/?q=不存在").get_data(as_text=True)
    response = form_post(client, f"/members/{member.id}/edit", {"name": "欧阳明月", "id_type": "resident_id",
                                                                 "id_number": "", "phone": "", "address": "新地址", "postal_code": ""})
    assert response.status_code == 302
    db.session.refresh(member)
    assert (member.address, member.phone) == ("新地址", "15800001111")


def test_showing_the_full_number_is_an_explicit_logged_action(login, make_member):
    member = make_member(name="李四", id_number="11010519491231002X", phone="13800138000")
    client = login("consultant")
    member.created_by_id = client.user.id  # the consultant who registered them: one of the members they serve
    db.session.commit()
    detail = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert member.id_number_masked in detail
    revealed = client.post(f"/members/{member.id}/reveal", data={"reason": "核对协议", "csrf_token": csrf_token(detail)})
    html = revealed.get_data(as_text=True)
    assert '<code class="revealed">11010519491231002X</code>' in html  # the ID field itself shows the full number
    assert "11010519491231002X" in html and "13800138000" in html
    assert revealed.headers["Cache-Control"] == "no-store"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "member.identity_revealed")).one()
    assert entry.actor_id == client.user.id and entry.payload["reason"] == "核对协议"
    assert "本次查看已记录" in html
    auditor = login("auditor")
    assert auditor.post(f"/members/{member.id}/reveal", data={"csrf_token": csrf_token(auditor.get(f"/members/{member.id}").get_data(as_text=True))}).status_code == 403

from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.members.models import Member

ZHANG = {"name": "张三", "id_number": "11010519491231002X", "phone": "+86 138 0013 8000",
         "address": "北京市西城区示例路1号", "postal_code": "100032"}


def test_register_and_read_with_personal_numbers_masked(api_as):
    api = api_as("consultant")
    response = api.post("/members", ZHANG)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["created"] is True
    assert body["id_number_masked"] == "110***********002X"
    assert body["phone_masked"] == "138****8000"
    assert body["name_masked"] == "张*"
    raw = response.get_data(as_text=True)
    assert "11010519491231002X" not in raw and "13800138000" not in raw
    read = api.get(f"/members/{body['id']}")
    assert read.status_code == 200
    assert "11010519491231002X" not in read.get_data(as_text=True)
    found = api.get("/members", query_string={"q": "11010519491231002x"}).get_json()["members"]
    assert [m["id"] for m in found] == [body["id"]]


def test_the_same_id_number_leads_to_the_existing_member(api_as):
    api = api_as("consultant")
    first = api.post("/members", ZHANG).get_json()
    again = api.post("/members", {**ZHANG, "phone": "13900139000"})
    assert again.status_code == 200 and again.get_json()["id"] == first["id"] and again.get_json()["created"] is False
    other = api.post("/members", {**ZHANG, "name": "李四"})
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "id_number_registered_other_name"
    assert other.get_json()["error"]["member_id"] == first["id"]


def test_bad_member_input(api_as):
    api = api_as("consultant")
    response = api.post("/members", {"name": "", "id_number": "110105194902300023", "phone": "0938-1234567",
                                     "postal_code": "12", "nickname": "x"})
    assert response.status_code == 422
    assert response.get_json()["error"]["reasons"] == {"nickname": "unknown_field"}
    response = api.post("/members", {"name": "", "id_number": "110105194902300023", "phone": "0938-1234567", "postal_code": "12"})
    assert response.get_json()["error"]["reasons"] == {
        "name": "required", "id_number": "id_birth_date_invalid", "phone": "phone_invalid", "postal_code": "postal_code_invalid"}
    assert api.post("/members", {**ZHANG, "id_number": "110105194912310021"}).get_json()["error"]["reasons"] == {
        "id_number": "id_checksum_invalid"}
    assert db.session.scalar(select(db.func.count(Member.id))) == 0
    assert api.get("/members/999999").status_code == 404


def test_edit_a_member(api_as):
    api = api_as("consultant")
    member = api.post("/members", ZHANG).get_json()
    response = api.patch(f"/members/{member['id']}", {"phone": "13700137000", "address": "新地址"})
    assert response.status_code == 200
    assert (response.get_json()["phone_masked"], response.get_json()["address"]) == ("137****7000", "新地址")
    bad = api.patch(f"/members/{member['id']}", {"id_number": "123"})
    assert bad.status_code == 422 and bad.get_json()["error"]["reasons"] == {"id_number": "id_number_format"}


def test_reveal_is_explicit_role_bound_and_logged(api_as):
    consultant = api_as("consultant")
    member = consultant.post("/members", ZHANG).get_json()
    revealed = consultant.post(f"/members/{member['id']}/reveal", {"reason": "签约核对"})
    assert revealed.get_json() == {"id": member["id"], "id_number": "11010519491231002X", "phone": "13800138000"}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "member.identity_revealed")).one()
    assert entry.actor_name == consultant.get("/me").get_json()["username"] and entry.payload["reason"] == "签约核对"
    assert api_as("auditor").post(f"/members/{member['id']}/reveal").status_code == 403
    assert api_as("counter").get(f"/members/{member['id']}").status_code == 403


def test_ids_beyond_the_database_range_are_404(api_as):
    api = api_as("admin")
    for member_id in ("2147483648", "99999999999999999999"):
        assert api.get(f"/members/{member_id}").status_code == 404


def test_timestamps_are_utc_on_every_backend(api_as):
    body = api_as("consultant").post("/members", ZHANG).get_json()
    assert body["created_at"] == "2026-05-20T02:00:00+00:00"  # the fixed clock's 10:00 in Shanghai


def test_reveals_need_a_reason_and_one_user_sees_only_so_many_an_hour(app, api_as):
    from app.extensions import limiter

    consultant, manager = api_as("consultant"), api_as("admin")
    member = consultant.post("/members", ZHANG).get_json()
    no_reason = consultant.post(f"/members/{member['id']}/reveal", {})
    assert (no_reason.status_code, no_reason.get_json()["error"]["reasons"]) == (422, {"reason": "required"})
    limiter.reset()
    saved, app.config["VIP_REVEAL_RATE_LIMIT"] = app.config["VIP_REVEAL_RATE_LIMIT"], "3 per hour"
    try:
        statuses = [consultant.post(f"/members/{member['id']}/reveal", {"reason": "核对"}).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]  # the probe read 200 ID numbers in 3.4 s with one token
        assert manager.post(f"/members/{member['id']}/reveal", {"reason": "核对"}).status_code == 200  # per person
    finally:
        app.config["VIP_REVEAL_RATE_LIMIT"] = saved
        limiter.reset()

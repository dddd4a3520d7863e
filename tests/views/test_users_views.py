import re

from sqlalchemy import select

from app.extensions import db
from app.users.models import ApiToken, User
from tests.conftest import csrf_token, form_post


def test_admin_manages_users_and_tokens(login, app):
    admin = login("admin")
    response = form_post(admin, "/admin/users/new", {"username": "wang", "display_name": "王顾问", "role": "consultant",
                                                     "password": "password-9"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "wang"))
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    issued = admin.post(f"/admin/users/{user.id}/tokens", data={"name": "POS", "csrf_token": csrf_token(page)})
    token = re.search(r'<code class="token">(vip_[^<]+)</code>', issued.get_data(as_text=True)).group(1)
    assert "请立即复制" in issued.get_data(as_text=True)
    assert token not in admin.get(f"/admin/users/{user.id}").get_data(as_text=True)  # shown once
    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["username"] == "wang"
    row = db.session.scalars(select(ApiToken)).one()
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    admin.post(f"/admin/users/{user.id}/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(page)})
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_user_form_errors_and_role_changes(login):
    admin = login("admin")
    bad = form_post(admin, "/admin/users/new", {"username": "x y", "role": "consultant", "password": "short"})
    assert bad.status_code == 422 and "密码至少 8 个字符" in bad.get_data(as_text=True)
    user_id = admin.user.id
    self_demote = form_post(admin, f"/admin/users/{user_id}", {"display_name": "我", "role": "consultant", "password": "", "active": "on"})
    assert self_demote.status_code == 422 and "不能取消自己的管理员权限" in self_demote.get_data(as_text=True)


def test_only_admins_manage_users(login):
    assert login("consultant").get("/admin/users/").status_code == 403
    assert login("auditor").get("/admin/users/new").status_code == 403


def test_api_tokens_end_on_their_last_day_and_say_so(login, app, clock):
    import datetime as dt
    admin = login("admin")
    user_id = admin.user.id
    page = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert '<option value="90" selected>90 天</option>' in page
    issued = admin.post(f"/admin/users/{user_id}/tokens", data={"name": "POS", "days": "30", "csrf_token": csrf_token(page)})
    token = re.search(r'<code class="token">(vip_[^<]+)</code>', issued.get_data(as_text=True)).group(1)
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)).one()
    assert row.expires_at - row.created_at == dt.timedelta(days=30)
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN"}
    clock.at += dt.timedelta(days=29, hours=23)
    assert api.get("/api/v1/me", headers=headers).status_code == 200
    clock.at += dt.timedelta(hours=1)
    expired = api.get("/api/v1/me", headers=headers)
    assert expired.status_code == 401
    assert "已于 2026年6月19日 过期" in expired.get_json()["error"]["message"]
    assert "已过期" in admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    too_long = admin.post(f"/admin/users/{user_id}/tokens", data={"days": "400", "csrf_token": csrf_token(page)})
    assert too_long.status_code == 422 and "1 到 365 天" in too_long.get_data(as_text=True)

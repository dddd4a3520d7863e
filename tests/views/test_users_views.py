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

from app.extensions import limiter
from tests.conftest import csrf_token


def test_login_page_then_sign_in_and_out(app, make_user):
    user = make_user("consultant", username="lee")
    client = app.test_client()
    assert client.get("/").status_code == 302  # to the login page
    page = client.get("/login")
    assert page.status_code == 200 and "登录" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    wrong = client.post("/login", data={"username": "lee", "password": "nope-nope", "csrf_token": token})
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.get_data(as_text=True)
    ok = client.post("/login?next=/members/", data={"username": "lee", "password": "password-123", "csrf_token": token})
    assert (ok.status_code, ok.headers["Location"]) == (302, "/members/")
    assert user.display_name in client.get("/members/").get_data(as_text=True)
    out = client.post("/logout", data={"csrf_token": csrf_token(client.get("/members/").get_data(as_text=True))})
    assert out.status_code == 302
    assert client.get("/members/").status_code == 302


def test_login_never_redirects_off_site(app, make_user):
    make_user("consultant", username="lee")
    client = app.test_client()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        token = csrf_token(client.get("/login").get_data(as_text=True))  # signing in and out starts a new session
        response = client.post(f"/login?next={target}", data={"username": "lee", "password": "password-123", "csrf_token": token})
        assert response.headers["Location"] == "/"
        client.post("/logout", data={"csrf_token": csrf_token(client.get("/members/").get_data(as_text=True))})


def test_forms_without_csrf_token_are_refused(app, make_user):
    make_user("consultant", username="lee")
    response = app.test_client().post("/login", data={"username": "lee", "password": "password-123"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_login_attempts_are_rate_limited(app, make_user):
    make_user("consultant", username="lee")
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    limiter.reset()
    app.config["VIP_LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [client.post("/login", data={"username": "lee", "password": "bad-bad-bad", "csrf_token": token}).status_code
                    for _ in range(4)]
    finally:
        app.config["VIP_LOGIN_RATE_LIMIT"] = "1000 per minute"
        limiter.reset()
    assert statuses == [401, 401, 401, 429]


def test_language_switch_is_remembered(login):
    client = login("admin")
    assert "Programmes" in client.get("/programs/?lang=en").get_data(as_text=True)
    assert "Programmes" in client.get("/programs/").get_data(as_text=True)
    assert "项目" in client.get("/programs/?lang=zh_CN").get_data(as_text=True)


def test_pages_by_role(login):
    counter = login("counter")
    assert counter.get("/members/").status_code == 403
    assert counter.get("/programs/").status_code == 200
    assert counter.get("/admin/users/").status_code == 403
    auditor = login("auditor")
    assert auditor.get("/members/").status_code == 200
    assert auditor.get("/members/new").status_code == 403
    assert auditor.get("/programs/new").status_code == 403


def test_a_password_change_signs_out_other_sessions(app, login, make_user):
    user = make_user("consultant", username="lee")
    phone = login(user=user)
    assert phone.get("/members/").status_code == 200
    admin = login("admin")
    from tests.conftest import form_post
    form_post(admin, f"/admin/users/{user.id}", {"display_name": "lee", "role": "consultant", "password": "new-password-1",
                                                   "active": "on"})
    assert phone.get("/members/").status_code == 302  # back to the login page


def test_ids_beyond_the_database_range_are_404(login):
    client = login("admin")
    assert client.get("/members/2147483648").status_code == 404
    assert client.get("/admin/users/99999999999999999999").status_code == 404

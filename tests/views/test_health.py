"""Links that work: QR codes lead back to where the service is reached, and /healthz says when they would not."""

import subprocess
from pathlib import Path

from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_prints_qr_links_to_the_port_it_serves():
    dry = subprocess.run(["make", "-n", "run", "PORT=5055"], cwd=ROOT, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin"}, check=True).stdout
    assert "VIP_PUBLIC_BASE_URL=${VIP_PUBLIC_BASE_URL:-http://127.0.0.1:5055}" in dry
    assert "--port 5055" in dry


def test_healthz_reports_a_base_url_that_does_not_lead_here(app):
    elsewhere = app.test_client().get("/healthz")  # the tests' base URL is https://vip.example.test
    body = elsewhere.get_json()
    assert elsewhere.status_code == 200 and body["checks"]["database"] == "ok"
    assert body["checks"]["public_base_url"] == {"configured": "https://vip.example.test",
                                                 "reached_at": "http://localhost", "matches": False}
    assert body["status"] == "degraded" and any("https://vip.example.test" in w for w in body["warnings"])

    here = app.test_client().get("/healthz", base_url="https://vip.example.test").get_json()
    assert here["checks"]["public_base_url"]["matches"] is True
    assert here["checks"]["pdf_converter"] in ("ok", "missing")
    assert here["status"] == ("ok" if here["checks"]["pdf_converter"] == "ok" else "degraded")


def test_staff_see_a_banner_when_the_address_differs_and_the_public_does_not(app, login, make_user):
    staff = login("consultant")
    page = staff.get("/desk").get_data(as_text=True)
    assert "二维码指向 https://vip.example.test" in page and "http://localhost" in page
    public = app.test_client().get("/check").get_data(as_text=True)
    assert "二维码指向" not in public

    user = make_user("consultant")
    same = app.test_client()
    login_page = same.get("/login", base_url="https://vip.example.test")
    same.post("/login", base_url="https://vip.example.test", data={
        "username": user.username, "password": "password-123", "csrf_token": csrf_token(login_page.get_data(as_text=True))})
    assert "二维码指向" not in same.get("/desk", base_url="https://vip.example.test").get_data(as_text=True)

"""The dashboard page (issue 11): managers start there; its figures read as text in the page's language, and the
charts' data travel in the page as JSON with every label translated."""

import json
import re


def _chart_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', html, re.S)
    assert found, "the charts' data are missing"
    return json.loads(found.group(1))


def test_managers_and_auditors_start_at_the_dashboard_others_where_they_were(login):
    assert login("admin").get("/").headers["Location"].endswith("/dashboard")
    assert login("auditor").get("/").headers["Location"].endswith("/dashboard")
    assert login("consultant").get("/").headers["Location"].endswith("/desk")
    assert login("counter").get("/").headers["Location"].endswith("/counter")
    assert login("consultant").get("/dashboard").status_code == 403


def test_the_dashboard_in_chinese_and_in_english(login, make_card, make_program):
    program = make_program(code="DASH-1")
    cards = [make_card(program=program) for _ in range(2)] + [make_card(program=program, signed=False)]
    browser = login("admin")

    page = browser.get("/dashboard?program=dash-1&lang=zh_CN").get_data(as_text=True)
    assert "数据看板" in page and "认筹量" in page and "在册金额" in page and "¥150,000.00" in page
    assert 'id="figure-new">3<' in page and 'href="/approvals"' in page and "待审批" in page
    assert "2026年5月20日" in page and "vendor/echarts/echarts.min.js" in page and "dashboard.js" in page
    data = _chart_data(page)
    assert data["new"][-1] == 3 and len(data["days"]) == 30 and data["days"][-1] == "5月20日"
    assert {s["name"]: s["value"] for s in data["statuses"]} == {"待签署": 1, "启用": 2}
    assert data["consultants"] == [{"name": cards[0].issued_by.display_name, "value": 3}]
    assert data["words"] == {"new": "新认筹", "successors": "补办或转让", "cards": "张数", "day": "发卡日期"}
    assert "awaiting_signature" not in page.split('id="dashboard-data"')[0]  # no raw status code in the text

    english = browser.get("/dashboard?program=DASH-1&lang=en").get_data(as_text=True)
    assert "Dashboard" in english and "New cards (subscriptions)" in english and "¥150,000.00" in english
    assert "数据看板" not in english and "认筹量" not in english
    data = _chart_data(english)
    assert {s["name"] for s in data["statuses"]} == {"awaiting signature", "active"} and data["days"][-1] == "May 20"


def test_a_wrong_date_says_why_in_the_page_language_and_shows_the_default_period(login):
    browser = login("admin")
    response = browser.get("/dashboard?from=2026-02-30&lang=zh_CN")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请输入真实日期，格式为 YYYY-MM-DD。" in page
    assert 'value="2026-04-21"' in page and 'value="2026-05-20"' in page  # the last 30 days instead
    reversed_ = browser.get("/dashboard?from=2026-05-20&to=2026-05-01&lang=en").get_data(as_text=True)
    assert "The first day comes after the last day." in reversed_

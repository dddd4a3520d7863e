"""The manager's dashboard in Chromium on the demo data: signing in lands there, ECharts draws every chart (served by
the app itself, under the Content-Security-Policy), in Chinese and in English, without a console error."""

import re

import pytest

from tests.e2e.test_card_flow import sign_in

CHARTS = ("#chart-days", "#chart-status", "#chart-consultants")


@pytest.mark.parametrize(("locale", "lang", "title", "status"), [("zh-CN", "zh_CN", "数据看板", "启用"),
                                                                  ("en-US", "en", "Dashboard", "active")])
def test_the_dashboard_draws_its_charts(live_server, browser, locale, lang, title, status):
    assert live_server.test_cli_runner().invoke(args=["demo", "--if-empty"]).exit_code == 0
    base = live_server.live_url
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    # every console error or warning, except the browser's own note about a missing favicon (listed below by URL)
    page.on("console", lambda message: problems.append(message.text)
            if message.type in ("error", "warning") and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    sign_in(page, base, "admin", "admin-demo-1")
    page.wait_for_url(re.compile(r"/dashboard$"))  # managers start here
    page.goto(f"{base}/dashboard?lang={lang}")
    assert page.locator("h1").inner_text().startswith(title)
    for chart in CHARTS:
        page.wait_for_selector(f"{chart} canvas", timeout=10_000)
        box = page.locator(f"{chart} canvas").first.bounding_box()
        assert box["width"] > 200 and box["height"] > 200, chart
    assert page.evaluate("() => window.echarts.getInstanceByDom(document.querySelector('#chart-status'))"
                         ".getOption().series[0].data.map(d => d.name)").count(status) == 1  # labels in the language
    assert int(page.inner_text("#figure-new")) >= 1  # the demo's cards
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    page.set_viewport_size({"width": 800, "height": 900})
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 800  # a tablet: no sideways scroll
    assert problems == []
    context.close()

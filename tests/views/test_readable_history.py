"""History and audit entries read as phrases in the page's language, not codes (issue 11, part 3)."""

import pathlib
import re

from app.audit.labels import ACTION_LABELS
from app.rules.money import format_yuan


def test_every_action_the_code_records_has_a_phrase():
    source = "\n".join(p.read_text() for p in pathlib.Path("app").rglob("*.py"))
    literal = set(re.findall(r'audit\.record\("([a-z_]+\.[a-z_]+)"', source))
    dynamic = {f"{kind}.{status}" for kind in ("transfer", "refund", "annul", "void") for status in ("done", "rejected", "cancelled")}
    dynamic |= {"card.loss_reported", "card.loss_cancelled", "program.seal_removed", "queue.recall", "queue.skip", "queue.serve"}
    assert literal, "no audit actions found: the pattern is stale"
    assert sorted((literal | dynamic) - set(ACTION_LABELS)) == []


def test_the_card_page_and_the_audit_log_speak_sentences_in_both_languages(login, make_card):
    card = make_card()
    browser = login("admin")
    page = browser.get(f"/cards/{card.number}").get_data(as_text=True)
    assert "发卡" in page and "卡已生效" in page and "<code>card.issued</code>" not in page
    english = browser.get(f"/cards/{card.number}?lang=en").get_data(as_text=True)
    assert "card issued" in english and "card in force" in english
    log = browser.get("/admin/audit?lang=zh_CN").get_data(as_text=True)
    assert "协议已签署盖章" in log and "金额: ¥50,000.00" in log and "支付方式: 微信支付" in log and "receipt_no:" not in log
    assert "receipt: R" in browser.get("/admin/audit?lang=en").get_data(as_text=True)


def test_money_going_out_has_its_sign_before_the_currency():
    assert format_yuan(-5_000_000) == "-¥50,000.00" and format_yuan(0) == "¥0.00"


def test_a_refund_request_reads_as_a_refund_not_as_its_confirmation(app, login, make_card, make_program, api_as):
    """The request's kind and the confirmation's share the code "refund": the request is a refund (退款), the document
    the 退卡确认书, in the log, the card's history and the export alike."""
    from app.audit.phrases import event_details
    from tests.conftest import in_request
    from tests.views.test_every_page_readable import visible

    card = make_card(program=make_program("presale_95", opening_date="2026-05-01"))
    assert api_as("consultant").post(f"/cards/{card.number}/refund-requests", {"reason": "不买了"}).status_code == 201
    browser = login("admin")
    for lang, asked, document in (("zh_CN", "类型: 退款", "退卡确认书"), ("en", "kind: refund ·", "Refund confirmation")):
        for path in ("/admin/audit?action=refund.", f"/cards/{card.number}"):
            page = visible(browser.get(f"{path}{'&' if '?' in path else '?'}lang={lang}").get_data(as_text=True))
            assert asked in page and document not in page, (path, lang)
    assert in_request(app, event_details, {"kind": "refund"}, what="agreement.created") == "类型: 退卡确认书"
    assert in_request(app, event_details, {"kind": "refund"}, what="refund.requested") == "类型: 退款"
    assert in_request(app, event_details, {"kind": "issuer_termination"}, what="refund.requested") == "类型: 发行方终止会籍"

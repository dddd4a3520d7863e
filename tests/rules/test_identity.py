import datetime as dt

import pytest

from app.rules import identity


@pytest.mark.parametrize("raw, canonical", [
    ("11010519491231002X", "11010519491231002X"),
    ("11010519491231002x", "11010519491231002X"),
    ("110105 19491231 002X", "11010519491231002X"),
    ("320102198001011238", "320102198001011238"),  # a live county code python-stdnum's table lacks
])
def test_valid_resident_id_numbers(raw, canonical):
    decision, value = identity.check_id_number(raw, today=dt.date(2026, 5, 20))
    assert decision.ok and value == canonical


@pytest.mark.parametrize("raw, code", [
    ("110105194912310021", "id_checksum_invalid"),    # one digit off at the end
    ("110105194912310122", "id_checksum_invalid"),    # a mistyped middle digit
    ("110105194902300023", "id_birth_date_invalid"),  # 30 February
    ("110105194913010023", "id_birth_date_invalid"),  # month 13
    ("99010519491231002X", "id_region_invalid"),
    ("1101051949123100", "id_number_format"),
    ("11010519491231002Y", "id_number_format"),
    ("", "id_number_missing"),
])
def test_invalid_resident_id_numbers_say_why(raw, code):
    decision, value = identity.check_id_number(raw, today=dt.date(2026, 5, 20))
    assert (decision.ok, decision.code, value) == (False, code, None)


def test_birth_date_in_the_future_is_refused_only_when_today_is_given():
    from stdnum.cn import ric
    base = "11010520300101001" + "0"
    future = base[:-1] + ric.calc_check_digit(base)
    assert identity.check_id_number(future, today=dt.date(2026, 5, 20))[0].code == "id_birth_date_future"
    assert identity.check_id_number(future)[0].ok


def test_company_credit_code():
    assert identity.check_id_number("91110000600037341L", "uscc")[0].ok
    assert identity.check_id_number("91110000600037341X", "uscc")[0].code == "uscc_invalid"


@pytest.mark.parametrize("raw, national", [
    ("13800138000", "13800138000"), ("+86 138 0013 8000", "13800138000"), ("+8613800138000", "13800138000"),
    ("138-0013-8000", "13800138000"), ("19912345678", "19912345678"),
])
def test_mainland_mobiles(raw, national):
    decision, value = identity.check_mobile_phone(raw)
    assert decision.ok and value == national


@pytest.mark.parametrize("raw", ["12345678901", "1380013800", "0938-1234567", "+1 415 555 0100", "abc", "", "+852 9123 4567"])
def test_not_mainland_mobiles(raw):
    decision, value = identity.check_mobile_phone(raw)
    assert not decision.ok and value is None


def test_one_masking_rule():
    assert identity.mask_number("11010519491231002X") == "110***********002X"
    assert identity.mask_number("13800138000") == "138****8000"
    assert identity.mask_number("1234567") == "*******"
    assert identity.mask_number("12345678") == "123*5678"
    assert identity.mask_name("张三") == "张*"
    assert identity.mask_name("张小三") == "张*三"
    assert identity.mask_name("欧阳明月") == "欧**月"
    assert identity.mask_name("Li Lei") == "L* L**"

"""Each kind of ID document: its own check, mask, birth date where it carries one, and the last-six proof."""

import datetime as dt

import pytest
from stdnum.cn import ric

from app.rules import identity

TODAY = dt.date(2026, 5, 20)


def with_check(first17: str) -> str:
    """A GB 11643 number: 17 digits and their MOD 11-2 check character."""
    return first17 + ric.calc_check_digit(first17 + "0")


RESIDENCE_HK = with_check("81000019900101001")  # 港澳台居民居住证, Hong Kong, born 1990-01-01
RESIDENCE_TW = with_check("83000019851231002")
PERMANENT_2023 = with_check("91184019850615003")  # 9, province 11, nationality 840, born 1985-06-15


@pytest.mark.parametrize("id_type, raw, canonical", [
    ("passport", "E12345678", "E12345678"),          # Chinese e-passport
    ("passport", "g 1234 5678", "G12345678"),        # the older Chinese form, typed with spaces
    ("passport", "EA1234567", "EA1234567"),          # E + letter + 7 digits
    ("passport", "543210987", "543210987"),          # a foreign passport (digits only)
    ("passport", "X12Y3", "X12Y3"),                  # the shortest foreign numbers
    ("hk_macao_permit", "H12345678", "H12345678"),
    ("hk_macao_permit", "m 8765 4321", "M87654321"),
    ("hk_macao_permit", "H1234567801", "H1234567801"),  # before 2013: + 2 digits counting renewals
    ("taiwan_permit", "12345678", "12345678"),
    ("taiwan_permit", "0561682001(D)", "0561682001D"),  # pre-2008, issued in Macao
    ("taiwan_permit", "0561682001", "0561682001"),
    ("hmt_residence_permit", RESIDENCE_HK, RESIDENCE_HK),
    ("hmt_residence_permit", RESIDENCE_TW.lower(), RESIDENCE_TW),
    ("foreign_permanent_residence", "usa123456789012", "USA123456789012"),  # the 2017 card
    ("foreign_permanent_residence", PERMANENT_2023, PERMANENT_2023),
    ("uscc", "91110000600037341L", "91110000600037341L"),
])
def test_valid_numbers_of_each_kind(id_type, raw, canonical):
    decision, value = identity.check_id_number(raw, id_type, today=TODAY)
    assert decision.ok and value == canonical


@pytest.mark.parametrize("id_type, raw, code", [
    ("passport", "E123", "passport_number_format"),
    ("passport", "ABCDEFGH", "passport_number_format"),       # no digit at all
    ("passport", "E1234567890123456789", "passport_number_format"),
    ("passport", "E1234567*", "passport_number_format"),
    ("hk_macao_permit", "K12345678", "hk_macao_permit_format"),
    ("hk_macao_permit", "H1234567", "hk_macao_permit_format"),
    ("hk_macao_permit", "H123456789", "hk_macao_permit_format"),  # 9 digits: neither form
    ("taiwan_permit", "1234567", "taiwan_permit_format"),
    ("taiwan_permit", "T12345678", "taiwan_permit_format"),
    ("hmt_residence_permit", "11010519491231002X", "residence_permit_region"),  # a resident ID is not a permit
    ("hmt_residence_permit", with_check("84000019900101001"), "residence_permit_region"),
    ("hmt_residence_permit", RESIDENCE_HK[:-1] + ("0" if RESIDENCE_HK[-1] != "0" else "1"), "id_checksum_invalid"),
    ("hmt_residence_permit", with_check("81000019900230001"), "id_birth_date_invalid"),
    ("foreign_permanent_residence", "US1234567890123", "permanent_residence_format"),
    ("foreign_permanent_residence", with_check("11010519491231002"), "permanent_residence_format"),  # not 9…
    ("foreign_permanent_residence", PERMANENT_2023[:-1] + ("0" if PERMANENT_2023[-1] != "0" else "1"),
     "id_checksum_invalid"),
    ("uscc", "91110000600037341X", "uscc_invalid"),
    ("library_card", "12345", "id_type_unknown"),
])
def test_invalid_numbers_say_why(id_type, raw, code):
    decision, value = identity.check_id_number(raw, id_type, today=TODAY)
    assert (decision.ok, decision.code, value) == (False, code, None)
    assert decision.message


def test_a_future_birth_date_on_a_permanent_residence_card():
    future = with_check("91184020300101003")
    assert identity.check_id_number(future, "foreign_permanent_residence", today=TODAY)[0].code == "id_birth_date_future"


@pytest.mark.parametrize("id_type, number, masked", [
    ("resident_id", "11010519491231002X", "110***********002X"),
    ("hmt_residence_permit", RESIDENCE_HK, "810" + "*" * 11 + RESIDENCE_HK[-4:]),
    ("foreign_permanent_residence", "USA123456789012", "USA********9012"),
    ("uscc", "91110000600037341L", "911***********341L"),
    ("passport", "E12345678", "E*****678"),
    ("hk_macao_permit", "H1234567801", "H*******801"),
    ("taiwan_permit", "12345678", "1****678"),
    ("passport", "X12Y3", "***Y3"),
])
def test_each_kind_has_its_mask(id_type, number, masked):
    assert identity.mask_id_number(id_type, number) == masked


@pytest.mark.parametrize("id_type, number, birth", [
    ("resident_id", "11010519491231002X", dt.date(1949, 12, 31)),
    ("hmt_residence_permit", RESIDENCE_HK, dt.date(1990, 1, 1)),
    ("foreign_permanent_residence", PERMANENT_2023, dt.date(1985, 6, 15)),
    ("foreign_permanent_residence", "USA123456789012", None),  # the 2017 card: no date the rule can trust
    ("passport", "E12345678", None),
    ("hk_macao_permit", "H12345678", None),
    ("taiwan_permit", "12345678", None),
    ("uscc", "91110000600037341L", None),
    ("resident_id", "110105194902300023", None),  # no such day
])
def test_birth_date_only_where_the_document_carries_it(id_type, number, birth):
    assert identity.birth_date_of(id_type, number) == birth


@pytest.mark.parametrize("number, presented, matches", [
    ("11010519491231002X", "31002x", True),
    ("11010519491231002X", "1231002X", True),   # more than six: the last six count
    ("11010519491231002X", "31002", False),     # five are not enough
    ("E12345678", "345678", True),
    ("E12345678", "345679", False),
    ("0561682001D", "2001(d)", False),
    ("0561682001D", "82001(D)", True),
    ("AB123", "ab123", True),                   # shorter than six: the whole number
    ("AB123", "b123", False),
    ("", "", False),
])
def test_last_six_for_any_kind(number, presented, matches):
    assert identity.last_six_match(number, presented) is matches


def test_every_kind_has_a_chinese_name_and_a_check():
    from app.members.schemas import IdType
    assert set(identity.ID_TYPE_NAMES) == {t.value for t in IdType}
    for id_type in identity.ID_TYPE_NAMES:
        assert identity.check_id_number("x", id_type)[0].code != "id_type_unknown"

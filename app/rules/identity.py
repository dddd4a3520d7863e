"""Checks and the one masking rule for people's identifiers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import phonenumbers
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from .decision import N_, Decision, allow, refuse

# Province-level codes of GB/T 2260 (plus 71 台湾, 81 香港, 82 澳门, 83 港澳台居民居住证). The county
# part is not checked: codes of abolished or renamed counties stay on valid cards for life, and
# python-stdnum's county table misses live ones (320102, Nanjing's 玄武区, is refused by it).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


# The kinds of ID document a holder may show (DESIGN §10.1 ``id_type``), each with its official Chinese name, as
# documents print it and import sheets write it (证件类型).
ID_TYPE_NAMES = {"resident_id": "居民身份证", "passport": "护照", "hk_macao_permit": "港澳居民来往内地通行证",
                 "taiwan_permit": "台湾居民来往大陆通行证", "hmt_residence_permit": "港澳台居民居住证",
                 "foreign_permanent_residence": "外国人永久居留身份证", "uscc": "统一社会信用代码"}

# 港澳台居民居住证 (2018) carry the resident-ID layout with these address codes: 香港 810000, 澳门 820000, 台湾 830000.
RESIDENCE_PERMIT_REGIONS = frozenset({"810000", "820000", "830000"})

_OK = N_("ID number accepted.")


def _canonical(value: str) -> str:
    return re.sub(r"[\s\-()（）]", "", value or "").upper()


def _check_gb11643(text: str, today: dt.date | None) -> Decision | None:
    """The birth date and MOD 11-2 check character of an 18-character GB 11643 number (resident ID, residence permit,
    2023 foreign permanent residence card); None when both hold."""
    try:
        birth = ric.get_birth_date(text)
    except stdnum_errors.ValidationError:
        return refuse("id_birth_date_invalid", N_("The birth date inside this ID number does not exist."))
    if today is not None and birth > today:
        return refuse("id_birth_date_future", N_("The birth date inside this ID number is in the future."))
    if ric.calc_check_digit(text) != text[-1]:
        return refuse("id_checksum_invalid", N_(
            "The last character of this ID number does not match (checksum); check for a mistyped digit."))
    return None


def _resident_id(text: str, today: dt.date | None) -> Decision:
    if not re.fullmatch(r"\d{17}[\dX]", text):
        return refuse("id_number_format", N_("A resident ID number has 17 digits followed by a digit or X."))
    if text[:2] not in PROVINCE_CODES:
        return refuse("id_region_invalid", N_("The first two digits of this ID number are not a province code."))
    return _check_gb11643(text, today) or allow("id_number_ok", _OK)


def _passport(text: str, today: dt.date | None) -> Decision:
    # ICAO Doc 9303: the document number is letters and digits (9 in the machine-readable zone, longer ones carried
    # on); China's ordinary passports are E or G + 8 digits (E + a letter + 7 digits once E ran out), which this
    # covers. Without the issuing country a Chinese number cannot be told from a foreign one, so no stricter check.
    if not re.fullmatch(r"[A-Z0-9]{5,17}", text) or not re.search(r"\d", text):
        return refuse("passport_number_format", N_(
            "A passport number has 5 to 17 letters and digits, such as E12345678."))
    return allow("id_number_ok", _OK)


def _hk_macao_permit(text: str, today: dt.date | None) -> Decision:
    # 港澳居民来往内地通行证: H (Hong Kong) or M (Macao) + the holder's 8-digit lifelong number; cards issued before
    # 2013 add 2 digits counting renewals (公安部《港澳居民来往内地通行证号码规则》, 2010: 11 characters).
    if not re.fullmatch(r"[HM]\d{8}(\d{2})?", text):
        return refuse("hk_macao_permit_format", N_(
            "A Hong Kong or Macao travel permit number is H or M followed by 8 digits (older cards: 10 digits)."))
    return allow("id_number_ok", _OK)


def _taiwan_permit(text: str, today: dt.date | None) -> Decision:
    # 台湾居民来往大陆通行证: 8 digits, one number for life since 2008-09-25; older permits add 2 digits counting
    # issues and, from Hong Kong or Macao, the issuing office's code in brackets, e.g. 0561682001(D) (brackets dropped).
    if not re.fullmatch(r"\d{8}(\d{2}[A-Z0-9]?)?", text):
        return refuse("taiwan_permit_format", N_(
            "A Taiwan travel permit number has 8 digits (older permits: 10 digits, sometimes with a letter in "
            "brackets)."))
    return allow("id_number_ok", _OK)


def _residence_permit(text: str, today: dt.date | None) -> Decision:
    # 港澳台居民居住证 (国务院办公厅 2018年8月): a GB 11643 number whose address code is 810000, 820000 or 830000.
    if not re.fullmatch(r"\d{17}[\dX]", text):
        return refuse("id_number_format", N_("A resident ID number has 17 digits followed by a digit or X."))
    if text[:6] not in RESIDENCE_PERMIT_REGIONS:
        return refuse("residence_permit_region", N_(
            "A Hong Kong, Macao or Taiwan residence permit number starts with 810000, 820000 or 830000."))
    return _check_gb11643(text, today) or allow("id_number_ok", _OK)


def _foreign_permanent_residence(text: str, today: dt.date | None) -> Decision:
    # 外国人永久居留身份证: the 2017 card has 3 letters (nationality) + 12 digits; the card issued since 2023-12-01
    # (国家移民管理局《新版外国人永久居留身份证机读信息规则》) has 18 digits starting with 9, a birth date at the
    # resident ID's place and the same MOD 11-2 check character.
    if re.fullmatch(r"[A-Z]{3}\d{12}", text):
        return allow("id_number_ok", _OK)
    if not re.fullmatch(r"9\d{16}[\dX]", text):
        return refuse("permanent_residence_format", N_(
            "A foreign permanent residence card number is 18 digits starting with 9 (2023 card) or 3 letters "
            "followed by 12 digits (2017 card)."))
    return _check_gb11643(text, today) or allow("id_number_ok", _OK)


def _uscc(text: str, today: dt.date | None) -> Decision:
    try:
        uscc.validate(text)
    except stdnum_errors.ValidationError:
        return refuse("uscc_invalid", N_("This is not a valid unified social credit code."))
    return allow("id_number_ok", _OK)


_CHECKS = {"resident_id": _resident_id, "passport": _passport, "hk_macao_permit": _hk_macao_permit,
           "taiwan_permit": _taiwan_permit, "hmt_residence_permit": _residence_permit,
           "foreign_permanent_residence": _foreign_permanent_residence, "uscc": _uscc}


def check_id_number(value: str, id_type: str = "resident_id", *, today: dt.date | None = None) -> tuple[Decision, str | None]:
    """Validate and normalise an ID number for its kind of document; returns the canonical form (upper case, no
    spaces, dashes or brackets) on success.

    ``today`` lets a caller refuse birth dates in the future without the rule reading the clock.
    """
    text = _canonical(value)
    if not text:
        return refuse("id_number_missing", N_("Enter the ID number.")), None
    check = _CHECKS.get(id_type)
    if check is None:
        return refuse("id_type_unknown", N_("Unknown kind of ID document.")), None
    decision = check(text, today)
    return decision, (text if decision.ok else None)


def _carries_birth_date(id_type: str, number: str) -> bool:
    return id_type in ("resident_id", "hmt_residence_permit") or (
        id_type == "foreign_permanent_residence" and len(number) == 18)


def birth_date_of(id_type: str, number: str) -> dt.date | None:
    """The holder's birth date where the document's number carries it (resident ID, residence permit, the 2023
    foreign permanent residence card); None for the others or a number that does not hold one."""
    text = _canonical(number)
    if not _carries_birth_date(id_type, text) or not re.fullmatch(r"\d{17}[\dX]", text):
        return None
    try:
        return ric.get_birth_date(text)
    except stdnum_errors.ValidationError:
        return None


def last_six_match(number: str, presented: str) -> bool:
    """A holder proving who they are with the end of their ID number, for any kind of document: the last 6
    characters (the whole number when shorter), ignoring case, spaces, dashes and brackets."""
    stored, given = _canonical(number), _canonical(presented)
    return len(given) >= min(6, len(stored)) > 0 and stored[-6:] == given[-6:]


def check_mobile_phone(value: str) -> tuple[Decision, str | None]:
    """A mainland mobile number, with or without +86; returns the 11 national digits."""
    text = (value or "").strip()
    if not text:
        return refuse("phone_missing", N_("Enter a mobile phone number.")), None
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return refuse("phone_invalid", N_("Enter a mainland mobile number such as 13800138000 (+86 accepted).")), None
    mobile = phonenumbers.PhoneNumberType.MOBILE
    if number.country_code != 86 or not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) != mobile:
        return refuse("phone_invalid", N_("Enter a mainland mobile number such as 13800138000 (+86 accepted).")), None
    return allow("phone_ok", N_("Phone number accepted.")), str(number.national_number)


def check_contact_phone(value: str) -> tuple[Decision, str | None]:
    """A programme's hotline: landline with area code, mobile or 400 number; loosely checked."""
    text = (value or "").strip()
    if not re.fullmatch(r"\+?[\d][\d\- ]{4,22}\d", text):
        return refuse("contact_phone_invalid", N_("Enter a phone number of digits, spaces or dashes, such as 0938-1234567.")), None
    return allow("contact_phone_ok", N_("Phone number accepted.")), text


def check_credit_code(value: str) -> tuple[Decision, str | None]:
    """A company's 统一社会信用代码 (GB 32100): 18 characters, check digit verified; stored upper-case, no spaces."""
    from stdnum.cn import uscc
    from stdnum.exceptions import ValidationError

    try:
        return allow("credit_code_ok", N_("Credit code accepted.")), uscc.validate(value or "")
    except ValidationError:
        return refuse("credit_code_invalid", N_(
            "A unified social credit code has 18 digits or capital letters and a matching check character; "
            "check it against the business licence.")), None


def check_postal_code(value: str) -> tuple[Decision, str | None]:
    text = (value or "").strip()
    if not re.fullmatch(r"\d{6}", text):
        return refuse("postal_code_invalid", N_("A postal code has six digits.")), None
    return allow("postal_code_ok", N_("Postal code accepted.")), text


# One masking rule, used by every screen, API response, document and export.

def mask_number(value: str) -> str:
    """ID numbers, phones and codes: the first three and last four stay, the rest are stars.

    110***********002X, 138****8000. Seven characters or fewer are starred entirely.
    """
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# Short travel-document numbers (8 to 11 characters) would show most of themselves under the 3+4 rule: they keep
# their first character (H, M, E: which document) and last three.
_SHORT_NUMBER_TYPES = frozenset({"passport", "hk_macao_permit", "taiwan_permit"})


def mask_id_number(id_type: str, value: str) -> str:
    """An ID number masked for its kind of document: 18-character numbers (resident ID, residence permit, permanent
    residence card, credit code) as mask_number, 110***********002X; passports and travel permits H*****678;
    numbers under 8 characters show only their last two."""
    if id_type not in _SHORT_NUMBER_TYPES:
        return mask_number(value)
    if len(value) < 8:
        return "*" * (len(value) - 2) + value[-2:]
    return value[0] + "*" * (len(value) - 4) + value[-3:]


def mask_name(value: str) -> str:
    """张*三 for three characters or more, 张* for two; latin names keep their first letter per word."""
    name = value.strip()
    if not name:
        return ""
    if name.isascii():
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


_NAME_PUNCTUATION = set(" ·•.-'’()（）&,，、")


def check_person_name(name: str) -> Decision:
    """A name as an ID document or business licence prints it: letters of any script (and marks), digits and the
    punctuation of company names. Emoji and other symbols are refused: no ID carries them, and no card can print
    them."""
    odd = next((c for c in name if not (unicodedata.category(c)[0] in "LM" or unicodedata.category(c) == "Nd"
                                        or c in _NAME_PUNCTUATION)), None)
    if odd is not None:
        return refuse("name_characters", N_("A name is written in letters as on the ID document: remove symbols and "
                                            "emoji."))
    return allow("name_ok", N_("Name accepted."))


def check_reveal_scope(*, sees_everyone: bool, registered_them: bool, issued_them_a_card: bool) -> Decision:
    """A consultant serves their own clients: the full ID number of a member they registered or issued a card to;
    managers any member's."""
    if sees_everyone or registered_them or issued_them_a_card:
        return allow("reveal_in_scope", N_("This member is one you serve."))
    return refuse("reveal_out_of_scope", N_(
        "You may see the full ID numbers of the members you registered or issued a card to; ask a manager for others."))


def is_reveal_burst(reveals_in_window: int, threshold: int) -> bool:
    """Many full ID numbers seen in a short time is how a leak looks: managers are told when it reaches the threshold."""
    return reveals_in_window >= threshold

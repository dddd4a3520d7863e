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


def check_id_number(value: str, id_type: str = "resident_id", *, today: dt.date | None = None) -> tuple[Decision, str | None]:
    """Validate and normalise an ID number; returns the canonical form on success.

    ``today`` lets a caller refuse birth dates in the future without the rule reading the clock.
    """
    text = re.sub(r"[\s-]", "", value or "").upper()
    if not text:
        return refuse("id_number_missing", N_("Enter the ID number.")), None
    if id_type == "uscc":
        try:
            return allow("id_number_ok", N_("ID number accepted.")), uscc.validate(text)
        except stdnum_errors.ValidationError:
            return refuse("uscc_invalid", N_("This is not a valid unified social credit code.")), None
    if id_type != "resident_id":
        return refuse("id_type_unknown", N_("Unknown kind of ID document.")), None
    if len(text) != 18 or not re.fullmatch(r"\d{17}[\dX]", text):
        return refuse("id_number_format", N_("A resident ID number has 17 digits followed by a digit or X.")), None
    if text[:2] not in PROVINCE_CODES:
        return refuse("id_region_invalid", N_("The first two digits of this ID number are not a province code.")), None
    try:
        birth = ric.get_birth_date(text)
    except stdnum_errors.ValidationError:
        return refuse("id_birth_date_invalid", N_("The birth date inside this ID number does not exist.")), None
    if today is not None and birth > today:
        return refuse("id_birth_date_future", N_("The birth date inside this ID number is in the future.")), None
    if ric.calc_check_digit(text) != text[-1]:
        return refuse("id_checksum_invalid", N_("The last character of this ID number does not match (checksum); check for a mistyped digit.")), None
    return allow("id_number_ok", N_("ID number accepted.")), text


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

"""A member as the API and the forms speak it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import Enum
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from ..rules import N_
from ..rules.identity import (
    check_id_number,
    check_mobile_phone,
    check_person_name,
    check_postal_code,
    mask_name,
    mask_number,
)
from ..validation import Choice, Integer, Schema, Text, fail, holds, partial


class IdType(str, Enum):
    """The kind of ID document (DESIGN §10.1); each has its own check and mask in app/rules/identity.py."""

    RESIDENT_ID = "resident_id"  # 居民身份证
    PASSPORT = "passport"  # 护照, Chinese or foreign
    HK_MACAO_PERMIT = "hk_macao_permit"  # 港澳居民来往内地通行证
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit"  # 港澳台居民居住证
    FOREIGN_PERMANENT_RESIDENCE = "foreign_permanent_residence"  # 外国人永久居留身份证
    USCC = "uscc"  # 统一社会信用代码, for companies


ID_TYPE_LABELS = {
    IdType.RESIDENT_ID: N_("Resident ID card"),
    IdType.PASSPORT: N_("Passport"),
    IdType.HK_MACAO_PERMIT: N_("Travel permit (Hong Kong, Macao)"),
    IdType.TAIWAN_PERMIT: N_("Travel permit (Taiwan)"),
    IdType.HMT_RESIDENCE_PERMIT: N_("Residence permit (Hong Kong, Macao, Taiwan)"),
    IdType.FOREIGN_PERMANENT_RESIDENCE: N_("Foreign permanent residence card"),
    IdType.USCC: N_("Unified social credit code (company)"),
}


class MemberIn(Schema):
    """A member to register. ``id_number`` is checked for its type (``id_type``, a resident ID unless given): a GB 11643
    resident ID (check digit and birth date), a passport, a travel or residence permit, a permanent residence card or
    a unified social credit code; it lives in canonical form in memory only."""

    name: Text(60, check=holds(check_person_name)) = Field(description="As on the ID document")
    id_type: Choice(IdType) = Field(IdType.RESIDENT_ID, description="The kind of ID document; resident_id unless given")
    id_number: Text(40)
    phone: Text(30, check=check_mobile_phone) = Field(description="A mainland mobile number; +86 is accepted")
    address: Text(200) = None
    postal_code: Text(10, check=check_postal_code) = None

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Checked for the type given before it (a wrong type: as a resident ID), in canonical form afterwards."""
        if value is None:
            return None
        id_type = (info.data.get("id_type") or IdType.RESIDENT_ID).value
        decision, number = check_id_number(value, id_type, today=(info.context or {}).get("today"))
        if number is None:
            fail(decision)
        return number


MemberPatch = partial(MemberIn)


class RevealIn(Schema):
    reason: Text(200) = Field(description="Why the full numbers are needed; kept in the audit log")


def read_member(data: Mapping[str, Any], *, today: dt.date, partial: bool = False) -> MemberIn:
    """Validate a member; with ``partial`` only the fields present are read (an edit)."""
    return (MemberPatch if partial else MemberIn).read(data, context={"today": today})


def dump_member(m: Any, *, full_name: bool = True) -> dict[str, Any]:
    """Staff see the name; personal numbers are masked everywhere unless revealed on purpose."""
    return {
        "id": m.id,
        "name": m.name if full_name else mask_name(m.name),
        "name_masked": mask_name(m.name),
        "id_type": m.id_type.value,
        "id_number_masked": m.id_number_masked,
        "phone_masked": mask_number(m.phone),
        "address": m.address,
        "postal_code": m.postal_code,
        "created_at": m.created_at.isoformat(),
        "updated_at": m.updated_at.isoformat(),
    }


class MemberSearch(Schema):
    """The member list's one search box (its export reads the same)."""

    q: Text(100) = Field(None, description=(
        "A full ID number (any type), a mobile number or its first digits, a card number (finds its holder), or the "
        "beginning of a name"))


class MemberFilters(MemberSearch):
    """The member list: newest first, a page at a time (keyset: as fast at the millionth member as at the first)."""

    before: Integer(minimum=1) = Field(None, description=(
        "Members registered before this one: the next page starts after the last member of this one (next_before)"))
    per_page: Integer(minimum=1, maximum=200) = Field(None, description="50 unless given")

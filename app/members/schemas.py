"""A member as the API and the forms speak it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..rules import N_
from ..rules.identity import (
    check_id_number,
    check_mobile_phone,
    check_person_name,
    check_postal_code,
    mask_name,
    mask_number,
)
from ..validation import FieldReader


class IdType(str, Enum):
    RESIDENT_ID = "resident_id"  # 居民身份证
    USCC = "uscc"  # 统一社会信用代码, for companies


ID_TYPE_LABELS = {
    IdType.RESIDENT_ID: N_("Resident ID card"),
    IdType.USCC: N_("Unified social credit code (company)"),
}


@dataclass
class MemberInput:
    name: str | None = None
    id_type: IdType | None = None
    id_number: str | None = None  # canonical form, only in memory
    phone: str | None = None
    address: str | None = None
    postal_code: str | None = None


def read_member(data: Mapping[str, Any], *, today: dt.date, partial: bool = False) -> MemberInput:
    """Validate a member; with ``partial`` only the fields present are read (an edit)."""
    r = FieldReader(data, partial=partial)
    spec = MemberInput()
    spec.name = r.text("name", required=True, max_length=60)
    if spec.name is not None and not (decision := check_person_name(spec.name)).ok:
        r.fail("name", decision)
    spec.id_type = r.choice("id_type", IdType) or (None if partial else IdType.RESIDENT_ID)
    if r.has("id_number") or not partial:
        raw = r.text("id_number", required=True, max_length=40)
        if raw is not None:
            decision, spec.id_number = check_id_number(raw, (spec.id_type or IdType.RESIDENT_ID).value, today=today)
            if spec.id_number is None:
                r.fail("id_number", decision)
    if r.has("phone") or not partial:
        raw = r.text("phone", required=True, max_length=30)
        if raw is not None:
            decision, spec.phone = check_mobile_phone(raw)
            if spec.phone is None:
                r.fail("phone", decision)
    spec.address = r.text("address", max_length=200)
    if raw := r.text("postal_code", max_length=10):
        decision, spec.postal_code = check_postal_code(raw)
        if spec.postal_code is None:
            r.fail("postal_code", decision)
    r.raise_if_errors()
    return spec


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

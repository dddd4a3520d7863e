"""A sheet's row as the import reads it (the member's part is read by MemberIn), and the upload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict, Field

from ..cards.models import PaymentMethod
from ..rules import N_, Decision, refuse
from ..validation import REQUIRED, Choice, Day, Flag, Money, Schema, Text, Upload, documented_required


class ImportRow(Schema):
    """The card of one row: its programme and tier (code or name), what was paid, the receipt that makes the row
    unique, the day it was issued and, for a card sold before, its old number."""

    program: Text(60)
    tier: Text(40)
    amount_fen: Money = Field(alias="amount")
    payment_method: Choice(PaymentMethod) = None
    receipt_no: Text(64)
    issued_on: Day = None
    legacy_number: Text(40) = None

    def across(self, context: Mapping[str, Any]) -> dict[str, Decision]:
        problems: dict[str, Decision] = {}
        if self.amount_fen and self.payment_method is None:
            problems["payment_method"] = REQUIRED
        today: dt.date | None = context.get("today")
        if self.issued_on is not None and today is not None and self.issued_on > today:
            problems["issued_on"] = refuse("issued_in_future", N_("The issue date %(day)s has not come yet."),
                                           day=self.issued_on)
        return problems


class ImportUpload(Schema):
    model_config = ConfigDict(json_schema_extra=documented_required("file"))

    file: Upload = Field(None, description="XLSX or CSV, one card a row, with the template's column names (Chinese "
                                           "or English)")
    dry_run: Flag = Field(None, description="Check every row and write nothing; the errors come back per row")

"""Spreadsheets people bring: XLSX or CSV (UTF-8 with or without BOM, or GBK as Excel saves Chinese CSV), read into
rows of plain values, and their first row's column names matched to the fields they stand for."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ValidationFailed
from ..rules import N_, refuse

UNREADABLE = refuse("file_unreadable", N_("The file could not be read as an Excel workbook or a CSV file."))


def cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # Excel keeps 12 as 12.0
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        value = value.strip()
    return value


def read_rows(content: bytes, *, max_rows: int) -> list[list[Any]]:
    """The first sheet's non-blank rows, header included, at most ``max_rows`` + 1 of them (the caller refuses a longer
    sheet by seeing one row too many)."""
    if content[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
            rows = [[cell(v) for v in row] for row in sheet.iter_rows(values_only=True, max_row=max_rows + 2)]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file; each means the same to the user
            raise ValidationFailed({"file": UNREADABLE}) from exc
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationFailed({"file": UNREADABLE})
        if "\x00" in text:
            raise ValidationFailed({"file": UNREADABLE})
        rows = [[cell(v) for v in row] for row in csv.reader(io.StringIO(text))]
    return [r for r in rows if any(v not in (None, "") for v in r)]


def header_map(row: Iterable[Any], headers: Mapping[str, tuple[str, ...]]) -> dict[int, str]:
    """Column index → field, for the column names found in ``headers`` (field → its accepted names, any case)."""
    lookup = {alias.lower(): key for key, aliases in headers.items() for alias in aliases}
    return {i: lookup[str(h).strip().lower()] for i, h in enumerate(row) if h is not None
            and str(h).strip().lower() in lookup}

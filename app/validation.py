"""Reading raw input (form fields or JSON values) into typed values, collecting field errors.

Flask-free so the API, the web forms and plain tests share one path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from .errors import ValidationFailed
from .rules import N_, Decision, money, refuse
from .rules.units import parse_area

E = TypeVar("E")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MISSING = object()


class FieldReader:
    """Reads fields of one mapping; ``prefix`` names nested fields ("tiers.0.amount")."""

    def __init__(self, data: Mapping[str, Any], *, prefix: str = "", errors: dict[str, Decision] | None = None, partial: bool = False):
        self.data = data
        self.prefix = prefix
        self.errors: dict[str, Decision] = {} if errors is None else errors
        self.partial = partial

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def has(self, key: str) -> bool:
        return key in self.data

    def fail(self, key: str, decision: Decision) -> None:
        self.errors.setdefault(self.name(key), decision)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)

    def _raw(self, key: str) -> Any:
        value = self.data.get(key, _MISSING)
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                return None
        return value

    def _absent(self, key: str, required: bool) -> bool:
        raw = self._raw(key)
        if raw is _MISSING or raw is None:
            if required and not (self.partial and raw is _MISSING):
                self.fail(key, refuse("required", N_("This field is required.")))
            return True
        return False

    def text(self, key: str, *, required: bool = False, max_length: int = 200, pattern: str | None = None,
             pattern_message: str = N_("This value has characters that are not allowed.")) -> str | None:
        if self._absent(key, required):
            return None
        raw = self._raw(key)
        if not isinstance(raw, str):
            self.fail(key, refuse("not_text", N_("Enter text here.")))
            return None
        if len(raw) > max_length:
            self.fail(key, refuse("too_long", N_("At most %(max)s characters."), max=max_length))
            return None
        if _CONTROL.search(raw):
            self.fail(key, refuse("control_characters", N_("This value contains invisible control characters.")))
            return None
        if pattern and not re.fullmatch(pattern, raw):
            self.fail(key, refuse("bad_format", pattern_message))
            return None
        return raw

    def integer(self, key: str, *, required: bool = False, minimum: int | None = None, maximum: int | None = 2**31 - 1) -> int | None:
        """Whole numbers; by default no larger than a database integer, so an id of 10**30 is an answer, not a crash."""
        if self._absent(key, required):
            return None
        raw = self._raw(key)
        if isinstance(raw, bool) or not isinstance(raw, (int, str)) or (isinstance(raw, str) and not re.fullmatch(r"[+-]?\d{1,9}", raw)):
            self.fail(key, refuse("not_integer", N_("Enter a whole number.")))
            return None
        value = int(raw)
        if minimum is not None and value < minimum:
            self.fail(key, refuse("too_small", N_("At least %(min)s."), min=minimum))
            return None
        if maximum is not None and value > maximum:
            self.fail(key, refuse("too_large", N_("At most %(max)s."), max=maximum))
            return None
        return value

    def amount(self, key: str, *, required: bool = False) -> int | None:
        """Yuan in, fen out."""
        if self._absent(key, required):
            return None
        decision, fen = money.parse_amount(self._raw(key))
        if fen is None:
            self.fail(key, decision)
        return fen

    def area(self, key: str, *, required: bool = False) -> int | None:
        """Square metres in, hundredths of a square metre out."""
        if self._absent(key, required):
            return None
        decision, dm2 = parse_area(self._raw(key))
        if dm2 is None:
            self.fail(key, decision)
        return dm2

    def discount_rate(self, key: str, *, required: bool = False) -> int | None:
        if self._absent(key, required):
            return None
        decision, bp = money.parse_discount_rate(self._raw(key))
        if bp is None:
            self.fail(key, decision)
        return bp

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        if self._absent(key, required):
            return None
        raw = self._raw(key)
        if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                pass
        self.fail(key, refuse("bad_date", N_("Enter a real date as YYYY-MM-DD.")))
        return None

    def boolean(self, key: str, *, default: bool = False) -> bool | None:
        raw = self._raw(key)
        if raw is _MISSING or raw is None:
            return None if self.partial and raw is _MISSING else default
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in {"1", "true", "on", "yes", "y"}:
            return True
        if isinstance(raw, str) and raw.lower() in {"0", "false", "off", "no", "n"}:
            return False
        self.fail(key, refuse("not_boolean", N_("Choose yes or no.")))
        return None

    def choice(self, key: str, enum: type[E], *, required: bool = False) -> E | None:
        if self._absent(key, required):
            return None
        raw = self._raw(key)
        try:
            return enum(raw)  # type: ignore[call-arg]
        except ValueError:
            allowed = ", ".join(str(m.value) for m in enum)  # type: ignore[attr-defined]
            self.fail(key, refuse("bad_choice", N_("Choose one of: %(allowed)s."), allowed=allowed))
            return None

    def choices(self, key: str, enum: type[E]) -> list[E] | None:
        """Several values of one enum: a JSON list, or (from a form) comma-separated text. Absent or empty: None."""
        raw = self._raw(key)
        if raw is _MISSING or raw is None or raw == []:
            return None
        values = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.fail(key, refuse("not_list", N_("Expected a list here.")))
            return None
        try:
            return [enum(v.strip()) for v in values]  # type: ignore[call-arg]
        except ValueError:
            allowed = ", ".join(str(m.value) for m in enum)  # type: ignore[attr-defined]
            self.fail(key, refuse("bad_choice", N_("Choose one of: %(allowed)s."), allowed=allowed))
            return None

    def nested(self, key: str, allowed: Iterable[str]) -> FieldReader | None:
        raw = self.data.get(key, _MISSING)
        if raw is _MISSING or raw is None:
            return None
        if not isinstance(raw, Mapping):
            self.fail(key, refuse("not_object", N_("Expected a group of fields here.")))
            return None
        return self._child(raw, f"{self.name(key)}.", allowed)

    def items(self, key: str, allowed: Iterable[str]) -> Iterable[FieldReader]:
        raw = self.data.get(key, _MISSING)
        if raw is _MISSING or raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(x, Mapping) for x in raw):
            self.fail(key, refuse("not_list", N_("Expected a list here.")))
            return []
        return [self._child(x, f"{self.name(key)}.{i}.", allowed) for i, x in enumerate(raw)]

    def _child(self, data: Mapping[str, Any], prefix: str, allowed: Iterable[str]) -> FieldReader:
        """Nested keys are checked too, so a misspelt "credt" cannot silently become no credit."""
        child = FieldReader(data, prefix=prefix, errors=self.errors)
        for unknown in sorted(set(data) - set(allowed)):
            child.fail(unknown, refuse("unknown_field", N_("This field is not known here.")))
        return child


def unflatten_form(form: Mapping[str, str], list_key: str) -> dict[str, Any]:
    """Turn HTML fields named ``tiers.0.code`` into ``{"tiers": [{"code": …}]}``, dropping all-blank rows,
    and ``refund_window.anchor`` into ``{"refund_window": {"anchor": …}}`` (None when all blank)."""
    data: dict[str, Any] = {}
    rows: dict[int, dict[str, str]] = {}
    for name, value in form.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == list_key and parts[1].isdigit():
            rows.setdefault(int(parts[1]), {})[parts[2]] = value
        elif len(parts) == 2:
            if not isinstance(data.get(parts[0]), dict):
                data[parts[0]] = {}  # a group's fields win over a stray plain field of the same name
            data[parts[0]][parts[1]] = value
        elif not isinstance(data.get(name), dict):
            data[name] = value
    for key, group in list(data.items()):
        if isinstance(group, dict) and not any(v.strip() for v in group.values()):
            data[key] = None  # an untouched group of fields means "none", e.g. no refund window
    data[list_key] = [row for _, row in sorted(rows.items()) if any(v.strip() for v in row.values())]
    return data

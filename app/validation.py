"""Request shapes, declared once. Pydantic models built from the field types below validate API bodies, query strings
and web forms alike, and the same models are the OpenAPI document's schemas (app/api/spec.py), so the two cannot drift.

Each field type calls the plain rules (money, identity, units) and refuses with our reason codes and sentences: a wrong
field answers ``{"fields": {"tiers.0.amount": "…"}, "reasons": {"tiers.0.amount": "bad_amount"}}`` whatever checked it.
Flask-free, so services, the CLI and plain tests share one path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Annotated, Any, ClassVar, NoReturn, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .errors import ValidationFailed
from .rules import N_, Decision, money, refuse
from .rules.units import parse_area

M = TypeVar("M", bound="Schema")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
INT_MAX = 2**31 - 1  # a database integer: an id of 10**30 is an answer, not a crash
MONEY_PATTERN = r"^¥?\d{1,3}(,?\d{3})*(\.\d{1,2})?$"
REQUIRED = refuse("required", N_("This field is required."))


class _Blank:
    """A required field sent empty: its validator refuses it as missing (an edit may leave it out, not blank it)."""

    def __repr__(self) -> str:
        return "BLANK"


BLANK = _Blank()


def fail(decision: Decision) -> NoReturn:
    """Refuse the value being validated with a rule's decision (code, sentence and parameters kept)."""
    raise PydanticCustomError(decision.code, decision.message, {"decision": decision})


def fail_field(name: str, decision: Decision) -> NoReturn:
    """From a model's own check across fields: refuse ``name`` (relative to the model)."""
    raise PydanticCustomError(decision.code, decision.message, {"decision": decision, "field": name})


def field_type(parse: Callable[[Any], Any], schema: dict[str, Any]) -> Any:
    """A field type: ``parse`` turns a present, non-blank raw value into the typed value or calls :func:`fail`."""

    def validate(value: Any) -> Any:
        if value is BLANK:
            fail(REQUIRED)
        if value is None:
            return None
        return parse(value)

    return Annotated[Any, PlainValidator(validate), WithJsonSchema(schema)]


def holds(rule: Callable[[str], Decision]) -> Callable[[str], tuple[Decision, str | None]]:
    """A rule that only judges a text, as a ``check`` for :func:`Text`."""
    def check(value: str) -> tuple[Decision, str | None]:
        decision = rule(value)
        return decision, value if decision.ok else None
    return check


def _text(raw: Any, max_length: int, pattern: str | None, pattern_message: str) -> str:
    if not isinstance(raw, str):
        fail(refuse("not_text", N_("Enter text here.")))
    if len(raw) > max_length:
        fail(refuse("too_long", N_("At most %(max)s characters."), max=max_length))
    if _CONTROL.search(raw):
        fail(refuse("control_characters", N_("This value contains invisible control characters.")))
    if pattern and not re.fullmatch(pattern, raw):
        fail(refuse("bad_format", pattern_message))
    return raw


def Text(max_length: int = 200, *, pattern: str | None = None, upper: bool = False,
         pattern_message: str = N_("This value has characters that are not allowed."),
         check: Callable[[str], tuple[Decision, Any]] | None = None) -> Any:
    """Text, stripped; ``check`` is a rule returning (decision, canonical value or None)."""

    def parse(raw: Any) -> Any:
        value = _text(raw, max_length, pattern, pattern_message)
        if check is not None:
            decision, value = check(value)
            if value is None:
                fail(decision)
        return value.upper() if upper else value

    schema: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if pattern:
        schema["pattern"] = f"^{pattern}$"
    return field_type(parse, schema)


def Integer(minimum: int | None = None, maximum: int | None = INT_MAX) -> Any:
    def parse(raw: Any) -> int:
        if isinstance(raw, bool) or not isinstance(raw, (int, str)) or (
                isinstance(raw, str) and not re.fullmatch(r"[+-]?\d{1,9}", raw)):
            fail(refuse("not_integer", N_("Enter a whole number.")))
        value = int(raw)
        if minimum is not None and value < minimum:
            fail(refuse("too_small", N_("At least %(min)s."), min=minimum))
        if maximum is not None and value > maximum:
            fail(refuse("too_large", N_("At most %(max)s."), max=maximum))
        return value

    number: dict[str, Any] = {"type": "integer"}
    if minimum is not None:
        number["minimum"] = minimum
    if maximum is not None:
        number["maximum"] = maximum
    return field_type(parse, {"anyOf": [number, {"type": "string", "pattern": r"^[+-]?\d{1,9}$",
                                                 "description": "From a form: the same number as text"}]})


def _parsed(parser: Callable[[Any], tuple[Decision, Any]]) -> Callable[[Any], Any]:
    def parse(raw: Any) -> Any:
        decision, value = parser(raw)
        if value is None:
            fail(decision)
        return value
    return parse


# Yuan in (a decimal string with at most two decimals, or a JSON number), fen out.
Money = field_type(_parsed(money.parse_amount), {
    "anyOf": [{"type": "string", "pattern": MONEY_PATTERN}, {"type": "number", "minimum": 0, "multipleOf": 0.01}],
    "examples": ["50000.00"], "description": "Yuan: a decimal string with at most two decimals (a JSON number, a "
                                             "leading ¥ and thousands commas are accepted too)"})
# Square metres in, hundredths out.
Area = field_type(_parsed(parse_area), {"anyOf": [{"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"},
                                                  {"type": "number", "exclusiveMinimum": 0}], "examples": ["89.56"]})
# The share of the price payable, (0, 1], in; basis points out.
DiscountRate = field_type(_parsed(money.parse_discount_rate), {
    "anyOf": [{"type": "string", "pattern": r"^(0?\.\d{1,4}|1(\.0{1,4})?)$"},
              {"type": "number", "exclusiveMinimum": 0, "maximum": 1}], "examples": ["0.95"]})


def _date(raw: Any) -> dt.date:
    if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    fail(refuse("bad_date", N_("Enter a real date as YYYY-MM-DD.")))


Day = field_type(_date, {"type": "string", "format": "date"})


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in {"1", "true", "on", "yes", "y"}:
        return True
    if isinstance(raw, str) and raw.lower() in {"0", "false", "off", "no", "n"}:
        return False
    fail(refuse("not_boolean", N_("Choose yes or no.")))


Flag = field_type(_flag, {"anyOf": [{"type": "boolean"}, {"enum": ["1", "true", "on", "yes", "y", "0", "false", "off", "no", "n"],
                                                          "description": "From a form, any case"}]})


def _bad_choice(allowed: list[str]) -> NoReturn:
    fail(refuse("bad_choice", N_("Choose one of: %(allowed)s."), allowed=", ".join(allowed)))


def Choice(enum: type[Enum] | tuple[str, ...]) -> Any:
    """One value of an enum (or of a tuple of words)."""
    allowed = [str(m.value) for m in enum] if isinstance(enum, type) else list(enum)

    def parse(raw: Any) -> Any:
        if raw not in allowed:
            _bad_choice(allowed)
        return enum(raw) if isinstance(enum, type) else raw

    return field_type(parse, {"enum": allowed})


def Choices(enum: type[Enum]) -> Any:
    """Several values of one enum: a JSON list, or (from a form) comma-separated text; none is None."""
    allowed = [str(m.value) for m in enum]

    def parse(raw: Any) -> Any:
        values = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            fail(refuse("not_list", N_("Expected a list here.")))
        if any(v.strip() not in allowed for v in values):
            _bad_choice(allowed)
        return [enum(v.strip()) for v in values] or None

    return field_type(parse, {"anyOf": [{"type": "array", "items": {"enum": allowed}},
                                        {"type": "string", "description": "From a form: comma-separated"}]})


# A file of a multipart upload: only documented here, the endpoint reads it from request.files.
Upload = field_type(lambda raw: raw, {"type": "string", "format": "binary"})


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return None if value == "" else value
    return value


def document_optionals(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """In the document an optional field also takes null or blank text, which mean "not given" (as a form sends an
    empty field); no field carries pydantic's title."""
    required = set(schema.get("required", ()))
    schema.pop("title", None)
    for name, prop in schema.get("properties", {}).items():
        prop.pop("title", None)
        if name in required:
            prop.pop("default", None)  # only documented_required's fields have one: None, meaning "missing"
            continue
        meta = {k: prop.pop(k) for k in ("description", "examples", "default") if k in prop}
        if meta.get("default") is None:
            meta.pop("default", None)
        variants = prop.pop("anyOf") if "anyOf" in prop else [dict(prop)]
        prop.clear()
        prop.update(anyOf=[*variants, *(v for v in ({"const": ""}, {"type": "null"}) if v not in variants)], **meta)


def documented_required(*names: str) -> Callable[[dict[str, Any], type[BaseModel]], None]:
    """For ``json_schema_extra``: fields the document lists as required though the model reads them as optional, so
    that the service refusing their absence keeps its own reason code (signature_blank, file_missing, …)."""

    def extra(schema: dict[str, Any], cls: type[BaseModel]) -> None:
        schema["required"] = sorted({*schema.get("required", ()), *names})
        document_optionals(schema, cls)

    return extra


class Schema(BaseModel):
    """An input shape. Unknown keys are refused (a misspelt "credt" never silently becomes no credit); text is stripped
    and blank text is absent."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=document_optionals)
    required_names: ClassVar[frozenset[str]] = frozenset()
    defaulted: ClassVar[frozenset[str]] = frozenset()  # optional fields whose default is not None: blank gives it
    unstripped: ClassVar[frozenset[str]] = frozenset()  # e.g. passwords: every character counts
    partial_of: ClassVar[type[Schema] | None] = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.partial_of is None or cls.partial_of is cls:
            cls.required_names = frozenset(f.alias or n for n, f in cls.model_fields.items() if f.is_required())
            cls.defaulted = frozenset(f.alias or n for n, f in cls.model_fields.items()
                                      if not f.is_required() and (f.default is not None or f.default_factory))

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        cleaned = {k: (v or None) if k in cls.unstripped else _clean(v) for k, v in data.items()}
        return {k: BLANK if v is None and k in cls.required_names else v for k, v in cleaned.items()
                if v is not None or k not in cls.defaulted}

    def across(self, context: Mapping[str, Any]) -> dict[str, Decision]:
        """Checks across fields of a top-level shape, each problem named by the field it is about. When some fields
        were wrong it runs on the rest (a wrong field reads None; a list keeps its good rows), so a form shows every
        problem at once. Nested shapes check across their fields with :func:`fail_field` instead."""
        return {}

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem(cls, data: Any, handler: Any, info: ValidationInfo) -> Any:
        checks = cls.partial_of is None and cls.across is not Schema.across
        try:
            model = handler(data)
        except ValidationError as exc:
            if not checks or not isinstance(data, Mapping):
                raise
            problems = field_errors(exc)
            for name, decision in _across_the_rest(cls, data, problems, info.context).items():
                if not any(p == name or p.startswith(f"{name}.") or name.startswith(f"{p}.") for p in problems):
                    problems[name] = decision
            raise ValidationFailed(problems) from None
        if checks and (problems := model.across(info.context or {})):
            raise ValidationFailed(problems)
        return model

    @classmethod
    def names(cls) -> frozenset[str]:
        """The keys this shape reads (the aliases where a field has one)."""
        return frozenset(f.alias or n for n, f in cls.model_fields.items())

    @classmethod
    def read(cls: type[M], data: Mapping[str, Any], *, context: Mapping[str, Any] | None = None) -> M:
        """Validate ``data`` (a JSON object or a form; top-level keys this shape does not read are left alone — the
        API refuses them before, a form carries its CSRF token) or raise ValidationFailed naming every wrong field."""
        names = cls.names()
        return read(cls, {k: v for k, v in data.items() if k in names}, context=context)


_SALVAGERS: dict[type, type] = {}


def _across_the_rest(cls: type[Schema], data: Mapping[str, Any], problems: dict[str, Decision],
                     context: Any) -> dict[str, Decision]:
    """What ``cls.across`` says about the fields that were right."""
    rest: dict[str, Any] = {}
    rows: dict[str, list[int]] = {}
    for key, value in data.items():
        wrong = [p for p in problems if p == key or p.startswith(f"{key}.")]
        if not wrong:
            rest[key] = value
        elif isinstance(value, list) and key not in problems:
            rows[key] = [i for i in range(len(value)) if not any(p == f"{key}.{i}" or p.startswith(f"{key}.{i}.")
                                                                 for p in wrong)]
            rest[key] = [value[i] for i in rows[key]]
    salvager = _SALVAGERS.setdefault(cls, partial(cls))
    try:
        salvaged = salvager.model_validate(rest, context=context)
    except (ValidationError, ValidationFailed):
        return {}
    given = {name: getattr(salvaged, name) for name in salvaged.model_fields_set}
    unknown = {name: None for name, f in cls.model_fields.items() if f.is_required() and name not in given}
    found = cls.model_construct(**given, **unknown).across(context or {})
    named = {}
    for name, decision in found.items():
        key, _, tail = name.partition(".")
        if key in rows and tail:
            index, _, tail = tail.partition(".")
            name = ".".join(filter(None, (key, str(rows[key][int(index)]), tail)))
        named[name] = decision
    return named


def partial(model: type[M]) -> type[M]:
    """The same shape for an edit (XIn → XPatch): every field may be left out; one that is sent is checked as in
    ``model``."""
    fields = {name: (f.rebuild_annotation(), Field(None, alias=f.alias, description=f.description))
              for name, f in model.model_fields.items()}
    made = create_model(model.__name__.removesuffix("In") + "Patch", __base__=model, __doc__=model.__doc__, **fields)  # type: ignore[call-overload]
    made.partial_of = made
    made.required_names = model.required_names
    made.defaulted = frozenset()  # an edit keeps what is on file: blank is not "the default"
    return made


_BUILTIN = {
    "missing": REQUIRED,
    "extra_forbidden": refuse("unknown_field", N_("This field is not known here.")),
    "model_type": refuse("not_object", N_("Expected a group of fields here.")),
    "model_attributes_type": refuse("not_object", N_("Expected a group of fields here.")),
    "dict_type": refuse("not_object", N_("Expected a group of fields here.")),
    "list_type": refuse("not_list", N_("Expected a list here.")),
}


def field_errors(exc: ValidationError) -> dict[str, Decision]:
    """Pydantic's errors as our field → decision map, the first error of each field kept."""
    errors: dict[str, Decision] = {}
    for error in exc.errors():
        ctx = error.get("ctx") or {}
        loc = [str(part) for part in error["loc"]]
        if "field" in ctx:
            loc.append(ctx["field"])
        decision = ctx.get("decision") or _BUILTIN.get(error["type"]) or refuse(
            "bad_value", N_("This value is not valid here."))
        if decision.code == "not_object" and error["loc"] and isinstance(error["loc"][-1], int):
            loc, decision = loc[:-1], _BUILTIN["list_type"]  # a list of groups holding something else
        errors.setdefault(".".join(loc), decision)
    return errors


def read(model: type[M], data: Any, *, context: Mapping[str, Any] | None = None) -> M:
    try:
        return model.model_validate(data, context=dict(context or {}))
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc)) from None


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

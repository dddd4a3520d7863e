"""The OpenAPI 3.1 document, generated: paths and path parameters from Flask's url_map, request and response shapes
from the pydantic models each endpoint declares with :func:`operation` — the same models that validate its input
(app/validation.py) and, in tests, check its every answer (:func:`check_response`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, jsonify, request
from pydantic import BaseModel
from werkzeug.routing import Rule

from ..validation import INT_MAX

ERROR_TEXT = {
    400: "The request cannot be read: a body that is not a JSON object, or text no database can store",
    401: "No token, a bad one, or one past its last day (the message names the day)",
    403: "The role, or the scope of this user, does not allow this",
    404: "Nothing at this address",
    409: "Refused by a rule or by the current state: error.code says which",
    413: "Body larger than 11 MB",
    422: "Some fields need correcting: error.fields has a sentence and error.reasons a reason code per field",
    429: "Too many requests: try again later",
    503: "No installed font can print these characters (the message says what to install)",
}
BINARY = {"image/png", "application/pdf", "text/csv", "application/octet-stream",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class Operation:
    responses: dict[int, Any]  # status → a model, a MIME type for a file, or None (no body)
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    multipart: type[BaseModel] | None = None  # the form fields of an upload; files are declared as binary strings
    errors: tuple[int, ...] = ()
    public: bool = False
    description: dict[int, str] = field(default_factory=dict)
    member_session: bool = False  # no staff token: the member's own session (X-Member-Token, app/api/portal.py)


def operation(responses: dict[int, Any], *, body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
              multipart: type[BaseModel] | None = None, errors: tuple[int, ...] = (), public: bool = False,
              describe: dict[int, str] | None = None, member_session: bool = False):
    """Declare what an endpoint takes and answers; its docstring is the summary (first line) and description."""
    def mark(view):
        view.operation = Operation(responses, body, query, multipart, errors, public, describe or {}, member_session)
        return view
    return mark


def _parameter(rule: Rule, name: str) -> dict[str, Any]:
    converter = type(rule._converters[name]).__name__  # noqa: SLF001  (werkzeug keeps them only here)
    schema = ({"type": "integer", "minimum": 1, "maximum": INT_MAX} if converter in ("IdConverter", "IntegerConverter")
              else {"type": "string", "minLength": 1, "pattern": "^[^/]+$"})
    return {"name": name, "in": "path", "required": True, "schema": schema}


class _Components:
    """Collects model schemas under their names, refusing two different models of one name."""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}
        self.models: dict[str, type[BaseModel]] = {}

    def ref(self, model: type[BaseModel], mode: str = "validation") -> dict[str, str]:
        name = model.__name__
        if self.models.setdefault(name, model) is not model:
            raise RuntimeError(f"two models are called {name}: {model} and {self.models[name]}")
        if name not in self.schemas:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
            for def_name, sub in schema.pop("$defs", {}).items():
                sub.pop("title", None)  # enums keep pydantic's; the component's name says it
                self.schemas.setdefault(def_name, sub)
            self.schemas[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}

    def query(self, model: type[BaseModel]) -> list[dict[str, Any]]:
        schema = model.model_json_schema(mode="validation")
        required = set(schema.get("required", ()))
        return [{"name": name, "in": "query", "required": name in required, "schema": prop,
                 **({"description": prop.pop("description")} if "description" in prop else {})}
                for name, prop in schema.get("properties", {}).items()]


def _content(components: _Components, answer: Any) -> dict[str, Any]:
    if answer is None:
        return {}
    if answer == "application/json":
        return {"content": {answer: {"schema": {"type": "object"}}}}
    if isinstance(answer, (str, tuple)):  # a file, of one type or of any of several
        return {"content": {kind: {"schema": {"type": "string", "format": "binary"} if kind in BINARY
                                   else {"type": "string"}} for kind in ((answer,) if isinstance(answer, str) else answer)}}
    return {"content": {"application/json": {"schema": components.ref(answer, "serialization")}}}


def _operation(app: Flask, rule: Rule, components: _Components, shared: bool) -> dict[str, Any]:
    view = app.view_functions[rule.endpoint]
    op: Operation = view.operation
    lines = (view.__doc__ or rule.endpoint).strip().split("\n\n", 1)
    operation_id = rule.endpoint.removeprefix("api.")
    if shared:  # one view serving several rules: the last word of the path tells them apart
        operation_id += "_" + re.sub(r"\W", "_", rule.rule.rsplit("/", 1)[1].rsplit(".", 1)[-1])
    result: dict[str, Any] = {"operationId": operation_id,
                              "summary": " ".join(lines[0].split()),
                              "tags": [rule.rule.removeprefix("/api/v1/").split("/")[0].split(".")[0]]}
    if len(lines) > 1:
        result["description"] = re.sub(r"\s*\n\s*", " ", lines[1].strip())
    parameters = [_parameter(rule, name) for name in rule._converters]  # noqa: SLF001  (arguments has defaults too)
    if op.query is not None:
        parameters += components.query(op.query)
    if parameters:
        result["parameters"] = parameters
    errors = set(op.errors) | {400}  # a request that cannot be read (bad encoding, text no database can store)
    if op.body is not None:
        result["requestBody"] = {"required": bool(op.body.model_json_schema().get("required")),
                                 "content": {"application/json": {"schema": components.ref(op.body)}}}
        errors |= {400, 422}
    if op.multipart is not None:
        result["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": components.ref(op.multipart)}}}
        errors |= {413, 422}
    if op.query is not None:
        errors.add(422)
    if rule._converters:  # noqa: SLF001
        errors.add(404)
    if op.member_session:
        result["security"] = [{"member": []}]
        errors.add(401)
    elif op.public:
        result["security"] = []
    else:
        errors |= {401, 403}
    responses: dict[str, Any] = {}
    for status, answer in sorted(op.responses.items()):
        text = op.description.get(status) or ("No content" if answer is None else "OK" if status < 300 else "")
        responses[str(status)] = {"description": text, **_content(components, answer)}
    error = components.ref(_error_model(), "serialization")
    for status in sorted(errors):
        responses[str(status)] = {"description": op.description.get(status, ERROR_TEXT[status]),
                                  "content": {"application/json": {"schema": error}}}
    result["responses"] = responses
    return result


def _error_model() -> type[BaseModel]:
    from .responses import Error
    return Error


def document(app: Flask) -> dict[str, Any]:
    components = _Components()
    paths: dict[str, dict[str, Any]] = {}
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")), key=lambda r: r.rule)
    endpoints = Counter(r.endpoint for r in rules)
    for rule in rules:
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(app, rule, components, endpoints[rule.endpoint] > 1)
    return {
        "openapi": "3.1.0",
        "info": {"title": "VIP card and agreement service", "version": "1",
                 "description": "Money is a decimal string in yuan; dates are YYYY-MM-DD; errors are "
                                "{\"error\": {code, message, fields, reasons}}; send Accept-Language: en or zh-CN (or ?lang=en) "
                                "for the language of messages. Unknown keys in a body or a query string are refused. Text fields are trimmed, blank text counts as absent, and "
                                "control characters are refused."},
        "servers": [{"url": app.config["VIP_PUBLIC_BASE_URL"] + "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                           "member": {"type": "apiKey", "in": "header", "name": "X-Member-Token"}},
                       "schemas": dict(sorted(components.schemas.items()))},
    }


def check_response(response):
    """Tests only (VIP_CHECK_RESPONSES): every JSON answer must match the shape its endpoint declares."""
    view = current_app.view_functions.get(request.endpoint or "")
    op: Operation | None = getattr(view, "operation", None)
    if op is None or response.direct_passthrough or response.status_code in (301, 302, 304, 308):
        return response
    declared = op.responses.get(response.status_code, _error_model() if response.status_code >= 400 else "undeclared")
    if 400 <= response.status_code < 500 and response.status_code not in (*op.responses, 405):
        implied = set(op.errors) | {400, 401, 403} | ({422} if op.body else set()) | ({404} if request.view_args else set())
        implied |= {422} if op.query or op.multipart else set()
        implied |= {413} if op.multipart else set()
        assert response.status_code in implied or response.status_code == 429, (
            f"{request.endpoint} answered {response.status_code}, which it does not declare")
    if declared == "undeclared":
        raise AssertionError(f"{request.endpoint} answered {response.status_code}, which it does not declare")
    if isinstance(declared, type):
        assert response.mimetype == "application/json", f"{request.endpoint}: {response.mimetype}, not JSON"
        declared.model_validate_json(response.get_data(), strict=True)
    elif isinstance(declared, (str, tuple)):
        assert response.mimetype in ((declared,) if isinstance(declared, str) else declared), (
            f"{request.endpoint}: {response.mimetype}, declared {declared}")
    return response


from . import bp  # noqa: E402  (the package imports this module last)


@bp.get("/openapi.json")
@operation({200: "application/json"}, public=True)
def openapi():
    """This document (OpenAPI 3.1), generated from the models the endpoints validate with"""
    return jsonify(document(current_app))

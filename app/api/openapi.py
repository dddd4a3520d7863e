"""The OpenAPI 3.1 document for /api/v1. A test checks that it names every API route, and no other."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from . import bp

MONEY = {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "examples": ["50000.00"]}
DATE = {"type": ["string", "null"], "format": "date"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {400: "Malformed request", 401: "No or bad token", 403: "Role does not allow this",
            404: "Not found", 409: "Conflicts with the current state", 422: "Validation failed, see fields"}
    return {str(s): {"description": text[s], **_json(_ref("Error"))} for s in statuses}


TIER = {
    "type": "object",
    "required": ["code", "name", "amount", "discount_rate"],
    "properties": {
        "code": {"type": "string", "maxLength": 16},
        "name": {"type": "string", "maxLength": 60},
        "amount": {**MONEY, "description": "Deposit (pre-sale) or fee (membership), yuan"},
        "discount_rate": {"type": "string", "examples": ["0.95"], "description": "Share of the price payable, (0, 1]"},
        "credit": {**MONEY, "description": "0, or the whole offset including the deposit (value-add card)"},
        "qualifying_spend": {"type": ["string", "null"], "description": "Spend that qualifies for the card, yuan"},
    },
}

PROGRAM = {
    "type": "object",
    "required": ["code", "name", "kind", "issuer_name", "project_name", "contact_phone", "tiers"],
    "properties": {
        "code": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$", "description": "Immutable"},
        "name": {"type": "string"},
        "kind": {"enum": ["presale_deposit", "paid_membership"]},
        "status": {"enum": ["open", "closed"], "description": "Whether cards may be issued"},
        "issuer_name": {"type": "string"},
        "project_name": {"type": "string"},
        "contact_phone": {"type": "string"},
        "presale_permit_no": {"type": ["string", "null"]},
        "presale_permit_date": DATE,
        "opening_date": DATE,
        "refund_window": {
            "type": ["object", "null"],
            "description": "First day = anchor + opens_after_days; last day = anchor + closes_after_days (inclusive, null = no end). Required for presale_deposit.",
            "properties": {
                "anchor": {"enum": ["opening_date", "issue_date", "expiry_date"]},
                "opens_after_days": {"type": "integer"},
                "closes_after_days": {"type": ["integer", "null"]},
            },
        },
        "transfer_policy": {"enum": ["forbidden", "with_approval"]},
        "transfer_fee": MONEY,
        "reissue_fee": MONEY,
        "validity_months": {"type": ["integer", "null"], "minimum": 1},
        "valid_until": DATE,
        "renewal_window_days": {"type": ["integer", "null"], "description": "Renewal opens this many days before expiry"},
        "max_active_cards_per_member": {"type": "integer", "minimum": 1},
        "multiple_redemptions": {"type": "boolean"},
        "termination_notice_days": {"type": ["integer", "null"]},
        "payment_due_days": {"type": ["integer", "null"]},
        "card_design": {"type": "string", "description": "A design in card_templates/, e.g. classic, minimal"},
        "tiers": {"type": "array", "items": _ref("Tier"), "minItems": 1},
    },
}

MEMBER_IN = {
    "type": "object",
    "required": ["name", "id_number", "phone"],
    "properties": {
        "name": {"type": "string"},
        "id_type": {"enum": ["resident_id", "uscc"], "default": "resident_id"},
        "id_number": {"type": "string", "description": "GB 11643 resident ID (checksum and birth date checked) or USCC"},
        "phone": {"type": "string", "description": "Mainland mobile, +86 accepted"},
        "address": {"type": ["string", "null"]},
        "postal_code": {"type": ["string", "null"], "pattern": r"^\d{6}$"},
    },
}

MEMBER_OUT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "name_masked": {"type": "string"},
        "id_type": {"type": "string"},
        "id_number_masked": {"type": "string", "examples": ["110***********002X"]},
        "phone_masked": {"type": "string", "examples": ["138****8000"]},
        "address": {"type": ["string", "null"]},
        "postal_code": {"type": ["string", "null"]},
        "created": {"type": "boolean", "description": "On POST: false when the ID number was already registered"},
    },
}

ERROR = {
    "type": "object",
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "description": "Reason code, e.g. validation_failed, program_not_found"},
        "message": {"type": "string", "description": "A sentence for people, in the request's language"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "reasons": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Reason code per field"},
    }}},
}

PATHS: dict[str, Any] = {
    "/programs": {
        "get": {"summary": "List programmes", "responses": {"200": {"description": "Programmes"}, **_errors(401, 403)}},
        "post": {"summary": "Create a programme (admin)", "requestBody": _json(_ref("Program")),
                 "responses": {"201": {"description": "Created", **_json(_ref("Program"))}, **_errors(400, 401, 403, 422)}},
    },
    "/programs/{code}": {
        "get": {"summary": "Read a programme", "responses": {"200": _json(_ref("Program")) | {"description": "The programme"}, **_errors(401, 403, 404)}},
        "patch": {"summary": "Change any fields of a programme (admin); the result is validated whole; tiers, when given, replace the list (matched by code)",
                  "requestBody": _json({"type": "object"}),
                  "responses": {"200": {"description": "Changed", **_json(_ref("Program"))}, **_errors(400, 401, 403, 404, 422)}},
    },
    "/program-presets": {"get": {"summary": "The four starting points (pre-sale 9.5折, value-add, retail VIP, paid online membership)",
                                 "responses": {"200": {"description": "Presets"}, **_errors(401, 403)}}},
    "/program-presets/{key}": {"get": {"summary": "One preset", "responses": {"200": {"description": "Preset"}, **_errors(401, 403, 404)}}},
    "/members": {
        "get": {"summary": "Search members: an exact ID number, phone digits, or part of a name (q)",
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Up to 50 members"}, **_errors(401, 403)}},
        "post": {"summary": "Register a member; an ID number already registered under the same name returns that member with 200",
                 "requestBody": _json(_ref("MemberIn")),
                 "responses": {"201": {"description": "Registered", **_json(_ref("Member"))},
                               "200": {"description": "Already registered", **_json(_ref("Member"))},
                               **_errors(400, 401, 403, 409, 422)}},
    },
    "/members/{member_id}": {
        "get": {"summary": "Read a member (personal numbers masked)", "responses": {"200": {"description": "Member", **_json(_ref("Member"))}, **_errors(401, 403, 404)}},
        "patch": {"summary": "Change a member's fields", "requestBody": _json({"type": "object"}),
                  "responses": {"200": {"description": "Changed", **_json(_ref("Member"))}, **_errors(400, 401, 403, 404, 422)}},
    },
    "/members/{member_id}/reveal": {"post": {"summary": "The full ID number and phone; every call is in the audit log",
                                             "requestBody": {"required": False, **_json({"type": "object", "properties": {"reason": {"type": "string"}}})},
                                             "responses": {"200": {"description": "Full numbers"}, **_errors(401, 403, 404)}}},
    "/me": {"get": {"summary": "The token's user and role", "responses": {"200": {"description": "User"}, **_errors(401)}}},
    "/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1"}}}},
}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "VIP card and agreement service", "version": "1",
                 "description": "Money is a decimal string in yuan; dates are YYYY-MM-DD; errors are {\"error\": {code, message, fields}}; "
                                "send Accept-Language: en or zh-CN for the language of messages."},
        "servers": [{"url": current_app.config["VIP_PUBLIC_BASE_URL"] + "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Tier": TIER, "Program": PROGRAM, "MemberIn": MEMBER_IN, "Member": MEMBER_OUT, "Error": ERROR},
        },
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())

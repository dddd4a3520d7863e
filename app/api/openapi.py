"""The OpenAPI 3.1 document for /api/v1. A test checks that it names every API route, and no other."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from . import bp

PAYMENT_METHODS = {"enum": ["cash", "bank_card", "bank_transfer", "wechat_pay", "alipay"]}
NOTE = {"required": False, "content": {"application/json": {"schema": {
    "type": "object", "properties": {"note": {"type": "string", "maxLength": 200}}}}}}
MONEY = {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "examples": ["50000.00"],
         "description": "Yuan as a decimal string. On input a JSON number, a leading ¥ and thousands commas are accepted too."}
DATE = {"type": ["string", "null"], "format": "date"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {400: "Malformed request", 401: "No token, a bad one, or one past its last day (the message names the day)", 403: "Role does not allow this",
            404: "Not found", 409: "Conflicts with the current state", 413: "Body larger than 11 MB",
            422: "Validation failed, see fields", 503: "No installed font can print these characters (the message says what to install)"}
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
        "issuer_address": {"type": ["string", "null"], "maxLength": 200, "description": "The issuer's registered address (住所), printed on agreements"},
        "issuer_credit_code": {"type": ["string", "null"], "pattern": "^[0-9A-Za-z ]{18,30}$",
                               "description": "统一社会信用代码, 18 characters; the check character is verified"},
        "issuer_legal_rep": {"type": ["string", "null"], "maxLength": 60, "description": "法定代表人"},
        "dispute_resolution": {"enum": ["court", "arbitration"], "description": "court: the people's court where the project lies (or dispute_body); arbitration: the commission named in dispute_body"},
        "dispute_body": {"type": ["string", "null"], "maxLength": 120, "description": "The arbitration commission (required for arbitration) or a named court"},
        "copies": {"type": "integer", "minimum": 1, "maximum": 9, "description": "一式N份"},
        "copies_held_by": {"type": ["string", "null"], "maxLength": 100, "description": "Who keeps the copies, e.g. 认筹方一份，开发商两份"},
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
        "redeemable_uses": {"type": ["array", "null"], "items": {"enum": ["residential", "commercial", "parking"]},
                            "description": "The kinds of unit the cards may buy; null for any"},
        "contract_sign_days": {"type": ["integer", "null"], "minimum": 1, "maximum": 90,
                               "description": "Days after the 认购书 within which the sales contract is signed (null: 7)"},
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
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "created": {"type": "boolean", "description": "On POST: false when the ID number was already registered; "
                                                      "the member is returned as on file (PATCH to change it)"},
    },
}

ERROR = {
    "type": "object",
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "description": "Reason code, e.g. validation_failed, program_not_found"},
        "message": {"type": "string", "description": "A sentence for people, in the request's language"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "reasons": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Reason code per field"},
        "member_id": {"type": "integer", "description": "On 409 id_number_registered*: the member who has that ID number"},
    }}},
}

CARD_IN = {
    "type": "object",
    "required": ["program", "tier", "member_id", "amount"],
    "properties": {
        "program": {"type": "string"}, "tier": {"type": "string"}, "member_id": {"type": "integer"},
        "amount": {**MONEY, "description": "Must equal the tier's amount"},
        "payment_method": {"enum": ["cash", "bank_card", "bank_transfer", "wechat_pay", "alipay"],
                           "description": "Required when the amount is above zero"},
        "receipt_no": {"type": "string", "description": "Required when the amount is above zero"},
        "qualifying_spend": {**MONEY, "description": "Required for tiers with a qualifying spend"},
        "permit_override_reason": {"type": "string", "description": "Admin only: issue before the presale permit; logged"},
    },
}

CARD = {
    "type": "object",
    "properties": {
        "number": {"type": "string", "description": "12 digits, the last a Luhn check digit"},
        "number_masked": {"type": "string"}, "status": {"enum": ["awaiting_signature", "active", "lost", "replaced", "transferred",
                                                                  "refund_pending", "refunded", "redeemed", "expired", "voided"]},
        "verify_url": {"type": "string", "description": "What the card's QR encodes"},
        "agreement_id": {"type": ["integer", "null"], "description": "The subscription agreement"},
        "holder": {"type": "object", "description": "member_id, name_masked, id_number_masked (the full name: GET /members/{id})"},
        "entitlement": {"type": "object"}, "held_amount": MONEY,
        "program": {"type": "object"}, "tier": {"type": "object"}, "ledger": {"type": "array"}, "redemptions": {"type": "array"},
    },
}

REDEEM_IN = {
    "type": "object",
    "description": "With an inventory: unit (and optionally published_discount), the price being the unit's list price. "
                   "Without: item and price.",
    "properties": {"item": {"type": "string", "examples": ["3-1-1201"]}, "price": MONEY,
                   "unit": {"type": "string", "examples": ["3-1-1201"], "description": "A unit of the programme's inventory; sold once (409 unit_sold, unit_held, unit_withdrawn, unit_use_not_allowed)"},
                   "published_discount": {"type": "string", "examples": ["一次性付款"], "description": "The name of a discount published for today; applied before the card's own"},
                   "payable": {**MONEY, "description": "The payable amount the confirmed preview showed; redeeming answers 409 settlement_changed if it differs now"},
                   "counter_program": {"type": "string", "description": "The programme this counter serves; others answer wrong_program"},
                   "station": {"type": "string", "description": "Where the scan happened"}},
}

QUEUE_ENTRY = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "queue_number": {"type": "integer"}, "program": {"type": "string"},
                   "day": {"type": "string", "format": "date"},
                   "status": {"enum": ["waiting", "called", "served", "skipped"]},
                   "holder_masked": {"type": "string"}, "card": {"type": "string"},
                   "checked_in_at": {"type": "string", "format": "date-time"},
                   "called_at": {"type": ["string", "null"], "format": "date-time"}, "station": {"type": ["string", "null"]}},
}

REDEMPTION = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "status": {"type": "string", "description": "The card's status afterwards"},
                   "card": _ref("Card"), "item": {"type": "string"}, "redeemed_at": {"type": "string", "format": "date-time"},
                   "agreement_id": {"type": "integer", "description": "The redemption confirmation, or for a unit the 认购书"},
                   "unit": {"type": ["string", "null"]}, "published_discount": {"type": ["string", "null"]},
                   "earnest": {**MONEY, "description": "Units only: the deposit turned into 定金 (at most 20% of the final price)"},
                   "contract_due_on": {"type": "string", "format": "date", "description": "Units only: last day to sign the sales contract"},
                   "settlement": {"type": "object", "properties": {
                       "discount_rate": {"type": "string"},
                       "discounts": {"type": "array", "description": "Each discount in the order applied: the published one, then the card's",
                                     "items": {"type": "object", "properties": {
                                         "name": {"type": "string"}, "kind": {"enum": ["published", "card"]},
                                         "rate": {"type": "string"}, "before": MONEY, "after": MONEY}}},
                       **{k: MONEY for k in ("list_price", "price", "discounted", "final_price", "offset", "deposit_applied",
                                             "deposit_remaining", "credit_used", "credit_applied", "credit_lapsed",
                                             "payable")}}}},
}

VERDICT = {
    "type": "object",
    "properties": {"result": {"enum": ["valid", "awaiting_signature", "invalid", "lost", "replaced", "transferred", "refund_pending", "refunded",
                                       "redeemed", "expired", "voided", "not_yet_valid", "wrong_program"]},
                   "message": {"type": "string"}, "card": {"oneOf": [_ref("Card"), {"type": "null"}]},
                   "redeemed_at": {"type": "string", "format": "date-time", "description": "Redeemed cards only"},
                   "redeemed_by": {"type": ["string", "null"], "description": "Redeemed cards only: who redeemed it"},
                   "station": {"type": ["string", "null"], "description": "Redeemed cards only: the counter it was redeemed at"}},
}

AGREEMENT = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "number": {"type": "string"},
                   "kind": {"enum": ["subscription", "redemption", "loss_reissue", "transfer", "refund", "renewal"]},
                   "status": {"enum": ["unsigned", "sealed", "void"]}, "sha256": {"type": ["string", "null"]},
                   "seal_token": {"type": ["string", "null"]}, "signing_method": {"type": ["string", "null"]},
                   "template": {"type": "object"}, "signers": {"type": "array"}, "card_number": {"type": "string"},
                   "parties": {"type": "object", "description": "Issuer and the member's masked name"},
                   "created_at": {"type": "string", "format": "date-time"},
                   "sealed_at": {"type": ["string", "null"], "format": "date-time"},
                   "document_url": {"type": "string", "description": "The Word document (document.docx)"}},
}

SIGN_IN = {
    "type": "object",
    "required": ["member_signature", "consultant_signature"],
    "properties": {r: {"type": "string", "description": "data:image/png;base64,… at most 300 KB, not blank"}
                   for r in ("member_signature", "consultant_signature", "previous_holder_signature")},
    "description": "previous_holder_signature is required for transfer agreements (both holders sign)",
}

PATHS: dict[str, Any] = {
    "/programs": {
        "get": {"summary": "List programmes", "responses": {"200": {"description": "Programmes"}, **_errors(401, 403)}},
        "post": {"summary": "Create a programme (admin)", "requestBody": _json(_ref("Program")),
                 "responses": {"201": {"description": "Created", **_json(_ref("Program"))}, **_errors(400, 401, 403, 422)}},
    },
    "/programs/{code}": {
        "get": {"summary": "Read a programme", "responses": {"200": _json(_ref("Program")) | {"description": "The programme"}, **_errors(401, 403, 404)}},
        "patch": {"summary": "Change any fields of a programme (admin); the result is validated whole; tiers, when given, replace the list "
                             "(matched by code; tiers with cards keep their terms). When the opening day moves, the answer adds "
                             "affected_cards: the cards held and their refund windows now (nobody is notified)",
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
    "/members/{member_id}/reveal": {"post": {"summary": "The full ID number and phone, with the reason; every call is in the audit log; VIP_REVEAL_RATE_LIMIT per user (429 beyond). Consultants see only members they registered or issued a card to (403 reveal_out_of_scope); ten reveals in ten minutes alert the managers",
                                             "requestBody": _json({"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 200}}}),
                                             "responses": {"200": {"description": "Full numbers"}, "429": {"description": "Too many reveals this hour", **_json(_ref("Error"))},
                                                           **_errors(400, 401, 403, 404, 422)}}},
    "/programs/{code}/seal": {"put": {"summary": "Set ({\"image\": PNG data URL}) or remove ({\"image\": null}) the issuer's seal stamped on sealed agreements",
                                      "requestBody": _json({"type": "object", "properties": {"image": {"type": ["string", "null"]}}}),
                                      "responses": {"200": {"description": "The programme", **_json(_ref("Program"))}, **_errors(400, 401, 403, 404, 422)}}},
    "/programs/{code}/certificate": {
        "get": {"summary": "The certificate this programme's agreements are sealed under (kind uploaded, or demo: not for production); null before the first sealing",
                "responses": {"200": {"description": "{certificate}"}, **_errors(401, 403, 404)}},
        "put": {"summary": "Upload the issuer's PKCS#12 (multipart file and password; the password opens it once and is never stored, the key is kept encrypted); the previous certificate is retired",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary"}, "password": {"type": "string"}}}}}},
                "responses": {"200": {"description": "{certificate}"}, **_errors(401, 403, 404, 422)}},
    },
    "/documents/check": {"post": {"summary": "Is this file a sealed original (hash lookup), and what does its PDF signature say? verdict: sealed_original, signed_copy, altered, changed_after_sealing, foreign_signature, not_recognised",
                                  "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                                      "file": {"type": "string", "format": "binary"}}}}}},
                                  "responses": {"200": {"description": "{verdict, genuine, agreement, signature}"}, **_errors(401, 403, 413, 422)}}},
    "/cards": {"post": {"summary": "Issue a card (status awaiting_signature until its agreement is sealed): card, ledger row, agreement draft and audit entry in one transaction",
                        "requestBody": _json(_ref("CardIn")),
                        "responses": {"201": {"description": "Issued", **_json(_ref("Card"))}, **_errors(400, 401, 403, 409, 422)}},
               "get": {"summary": "A page of cards, newest first; e.g. status=awaiting_signature&mine=1 for the caller's unsigned cards",
                       "parameters": [{"name": "status", "in": "query", "schema": {"type": "string"}},
                                      {"name": "program", "in": "query", "schema": {"type": "string"}},
                                      {"name": "mine", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]}},
                                      {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                                      {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
                       "responses": {"200": {"description": "{items, total, page, per_page}", **_json({"type": "object", "properties": {
                           "items": {"type": "array", "items": _ref("Card")}, "total": {"type": "integer"},
                           "page": {"type": "integer"}, "per_page": {"type": "integer"}}})}, **_errors(401, 403, 422)}}},
    "/cards/{number}": {"get": {"summary": "A card with holder, entitlement, money held, ledger, agreements and redemptions",
                                "responses": {"200": {"description": "Card", **_json(_ref("Card"))}, **_errors(401, 403, 404)}}},
    "/cards/{number}/card.png": {"get": {"summary": "The card image (CR80 at 300 dpi) whose QR encodes verify_url",
                                         "responses": {"200": {"description": "PNG", "content": {"image/png": {}}}, **_errors(401, 403, 404, 503)}}},
    "/cards/{number}/redeem": {"post": {"summary": "Redeem a typed card number; exactly one of concurrent attempts succeeds",
                                        "requestBody": _json(_ref("RedeemIn")),
                                        "responses": {"200": {"description": "Redeemed", **_json(_ref("Redemption"))},
                                                      "409": {"description": "The card's verdict is not valid (code = verdict)", **_json(_ref("Error"))},
                                                      **_errors(400, 401, 403, 404, 422)}}},
    "/members/{member_id}/cards": {"get": {"summary": "A member's cards", "responses": {"200": {"description": "Cards"}, **_errors(401, 403, 404)}}},
    "/verify/{token}/check-in": {"post": {"summary": "Opening-day arrival: the card (signed, active, this programme, opening day reached) gets the day's next queue number for the programme; the same card again gets the same number (200 instead of 201)",
                                          "requestBody": _json({"type": "object", "required": ["program"], "properties": {"program": {"type": "string"}}}),
                                          "responses": {"201": {"description": "Checked in", **_json(_ref("QueueEntry"))},
                                                        "200": {"description": "Already checked in today", **_json(_ref("QueueEntry"))},
                                                        "409": {"description": "The card cannot be used here today (code = verdict)", **_json(_ref("Error"))},
                                                        **_errors(400, 401, 403, 404, 422)}}},
    "/queue": {"get": {"summary": "Today's arrivals for a programme, in order",
                       "parameters": [{"name": "program", "in": "query", "required": True, "schema": {"type": "string"}}],
                       "responses": {"200": {"description": "{entries}", **_json({"type": "object", "properties": {
                           "entries": {"type": "array", "items": _ref("QueueEntry")}}})}, **_errors(401, 403, 404)}}},
    "/queue/call-next": {"post": {"summary": "The lowest waiting number becomes called (at this station)",
                                  "parameters": [{"name": "program", "in": "query", "required": True, "schema": {"type": "string"}},
                                                 {"name": "station", "in": "query", "schema": {"type": "string"}}],
                                  "responses": {"200": {"description": "The called entry", **_json(_ref("QueueEntry"))},
                                                "409": {"description": "queue_empty", **_json(_ref("Error"))}, **_errors(401, 403, 404)}}},
    **{f"/queue/{{entry_id}}/{action}": {"post": {"summary": summary, "responses": {
        "200": {"description": "The entry", **_json(_ref("QueueEntry"))},
        "409": {"description": "queue_move_not_allowed", **_json(_ref("Error"))}, **_errors(401, 403, 404)}}}
       for action, summary in (("recall", "Call a called or skipped number again"), ("skip", "A called number did not come"),
                               ("serve", "A called number was served"))},
    "/queue/check-in": {"post": {"summary": "The card left at home: the holder's ID number (and phone, if given) finds their card usable here today, which checks in",
                                 "requestBody": _json({"type": "object", "required": ["program", "id_number"], "properties": {
                                     "program": {"type": "string"}, "id_number": {"type": "string"}, "phone": {"type": "string"}}}),
                                 "responses": {"201": {"description": "Checked in", **_json(_ref("QueueEntry"))},
                                               "200": {"description": "Already checked in today: the same number", **_json(_ref("QueueEntry"))},
                                               "404": {"description": "holder_not_found", **_json(_ref("Error"))},
                                               "409": {"description": "The holder's card cannot be used here today (code = verdict)", **_json(_ref("Error"))},
                                               **_errors(400, 401, 403, 422)}}},
    "/queue/screens": {
        "get": {"summary": "Admin: the programme's call screens",
                "parameters": [{"name": "program", "in": "query", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "{screens}"}, **_errors(401, 403, 404)}},
        "post": {"summary": "Admin: a link for a display in the hall; `url` is its only key and is shown once",
                 "parameters": [{"name": "program", "in": "query", "required": True, "schema": {"type": "string"}}],
                 "requestBody": _json({"type": "object", "required": ["name"], "properties": {
                     "name": {"type": "string", "maxLength": 60}, "english": {"type": "boolean"}}}),
                 "responses": {"201": {"description": "The screen with its url"}, **_errors(400, 401, 403, 404, 422)}}},
    "/queue/screens/{screen_id}/revoke": {"post": {"summary": "Admin: the screen's link stops working",
                                                   "responses": {"200": {"description": "The screen"}, **_errors(401, 403, 404)}}},
    "/queue/draws": {"post": {"summary": "Admin: draw by lot (摇号) the order of today's waiting arrivals, once a day; desks then call in that order",
                              "parameters": [{"name": "program", "in": "query", "required": True, "schema": {"type": "string"}}],
                              "requestBody": _json({"type": "object", "properties": {"seed": {"type": "string", "maxLength": 128, "description": "Read out before witnesses; absent: 32 random bytes"}}}),
                              "responses": {"201": {"description": "{seed, algorithm, entrants, order, reproduced}"},
                                            "409": {"description": "draw_already_run or queue_empty", **_json(_ref("Error"))}, **_errors(400, 401, 403, 404, 422)}}},
    "/queue/draws/{draw_id}": {"get": {"summary": "A draw's record, with a fresh check that the order follows from the seed",
                                       "responses": {"200": {"description": "The draw"}, **_errors(401, 403, 404)}}},
    "/verify/{token}/settlement": {"post": {"summary": "The settlement redeeming would record for {item, price} or {unit, published_discount}, each discount shown in order, to confirm before redeeming; nothing is written",
                                            "requestBody": _json(_ref("RedeemIn")),
                                            "responses": {"200": {"description": "{result, item, card, settlement}"},
                                                          "409": {"description": "Verdict not valid, e.g. redeemed or awaiting_signature", **_json(_ref("Error"))},
                                                          **_errors(400, 401, 403, 422)}}},
    "/verify/{token}": {"get": {"summary": "The verdict for a scanned token; every scan is stored",
                                "parameters": [{"name": "counter_program", "in": "query", "schema": {"type": "string"}},
                                               {"name": "station", "in": "query", "schema": {"type": "string"}}],
                                "responses": {"200": {"description": "Verdict (also for invalid tokens)", **_json(_ref("Verdict"))}, **_errors(401, 403)}}},
    "/verify/{token}/redeem": {"post": {"summary": "Redeem the card a scanned token names",
                                        "requestBody": _json(_ref("RedeemIn")),
                                        "responses": {"200": {"description": "Redeemed", **_json(_ref("Redemption"))},
                                                      "409": {"description": "Verdict not valid, e.g. redeemed or invalid", **_json(_ref("Error"))},
                                                      **_errors(400, 401, 403, 422)}}},
    "/agreements/{agreement_id}": {"get": {"summary": "Agreement metadata: type, status, template, signers, sha256",
                                           "responses": {"200": {"description": "Agreement", **_json(_ref("Agreement"))}, **_errors(401, 403, 404)}}},
    "/agreements/{agreement_id}/document.docx": {"get": {"summary": "The Word document: with the signatures once signed on screen, else the draft. It carries the full ID number: consultants and admins only, and each download is logged",
                                                         "responses": {"200": {"description": "DOCX"}, **_errors(401, 403, 404)}}},
    "/agreements/{agreement_id}/document.pdf": {"get": {"summary": "The PDF: once sealed, the certificate-signed PDF/A original (or the uploaded scan as a PDF); before, the draft, made from the .docx by LibreOffice on first request and kept. Consultants and admins, logged; 503 names the package when LibreOffice is missing",
                                                        "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}, **_errors(401, 403, 404, 503)}}},
    "/agreements/{agreement_id}/document": {"get": {"summary": "The authoritative file: the sealed original (certificate-signed PDF, or the uploaded scan), else the draft; consultants and admins only, logged",
                                                    "responses": {"200": {"description": "File"}, **_errors(401, 403, 404)}}},
    "/agreements/{agreement_id}/sign": {"post": {"summary": "Embed drawn signatures (and the issuer's seal), then seal the document",
                                                 "requestBody": _json(_ref("SignIn")),
                                                 "responses": {"200": {"description": "Sealed", **_json(_ref("Agreement"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/agreements/{agreement_id}/scan": {"post": {"summary": "Upload the ink-signed scan (multipart field 'scan': PDF, JPEG or PNG, at most 10 MB); it becomes the sealed original",
                                                 "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"scan": {"type": "string", "format": "binary"}}}}}},
                                                 "responses": {"200": {"description": "Sealed", **_json(_ref("Agreement"))}, **_errors(401, 403, 404, 409, 413, 422)}}},
    **{f"/cards/{{number}}/{action}": {"post": {
        "summary": summary, "requestBody": {"required": bool(required), **_json(
            {"type": "object", "properties": props, **({"required": list(required)} if required else {})})},
        "responses": {status: {"description": "The card afterwards (for reissue: the new card)", **_json(_ref("Card"))},
                      "409": {"description": "Not allowed from the card's state or by the rules (code says why)", **_json(_ref("Error"))},
                      **_errors(400, 401, 403, 404, 422)}}}
       for action, summary, props, required, status in (
           ("report-loss", "Block the card at once (any desk staff)", {"reason": {"type": "string"}}, (), "200"),
           ("cancel-loss", "The card was found: active again", {"reason": {"type": "string"}}, (), "200"),
           ("reissue", "New card and QR after a loss; the holder's ID number must match; reissue fee receipt when there is a fee",
            {"id_number": {"type": "string"}, "fee_receipt_no": {"type": "string"}, "reason": {"type": "string"}}, ("id_number",), "201"),
           ("renew", "Extend a membership inside its renewal window; the fee is recorded as a charge (income)",
            {"payment_method": PAYMENT_METHODS, "receipt_no": {"type": "string"}}, (), "200"),
           ("terminate", "The member ends a membership after the refund window: no refund; valid_through becomes the end of the notice period",
            {"reason": {"type": "string"}}, ("reason",), "200"),
       )},
    "/cards/{number}/transfer": {"post": {"summary": "Ask to transfer the card to another member (programme must allow it); a manager approves",
                                          "requestBody": _json({"type": "object", "required": ["to_member_id"], "properties": {"to_member_id": {"type": "integer", "description": "Register the new holder first"}, "fee_receipt_no": {"type": "string"}}}),
                                          "responses": {"201": {"description": "The transfer request", **_json(_ref("TransferRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/transfer-requests": {"get": {"summary": "Transfers waiting for approval", "responses": {"200": {"description": "Requests"}, **_errors(401, 403)}}},
    "/transfer-requests/{request_id}/approve": {"post": {"summary": "Admin, not the requester: the policy and the new holder's card limit are checked again; the new holder's card", "requestBody": NOTE,
                                                         "responses": {"201": {"description": "The new card", **_json(_ref("Card"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/transfer-requests/{request_id}/reject": {"post": {"summary": "Admin, not the requester: refuse the transfer", "requestBody": NOTE,
                                                        "responses": {"200": {"description": "Rejected", **_json(_ref("TransferRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/transfer-requests/{request_id}/cancel": {"post": {"summary": "Withdraw: the requester or a manager", "requestBody": NOTE,
                                                        "responses": {"200": {"description": "Cancelled", **_json(_ref("TransferRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/cards/{number}/refund-requests": {"post": {"summary": "Ask for the refund of the money held (an active, redeemed or expired card) inside the window (kind refund), or end a membership (kind issuer_termination, admin); the card is refund_pending",
                                                 "requestBody": _json({"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}, "kind": {"enum": ["refund", "issuer_termination"]}}}),
                                                 "responses": {"201": {"description": "Pending, amount = money held", **_json(_ref("RefundRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/refund-requests": {"get": {"summary": "Refunds waiting for approval", "responses": {"200": {"description": "Requests"}, **_errors(401, 403)}}},
    "/refund-requests/{request_id}/approve": {"post": {"summary": "Admin, not the requester: record the payout; the card is refunded and any credit voided",
                                                       "requestBody": _json({"type": "object", "required": ["payout_method", "payout_reference"], "properties": {"payout_method": PAYMENT_METHODS, "payout_reference": {"type": "string"}}}),
                                                       "responses": {"200": {"description": "status paid", **_json(_ref("RefundRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/refund-requests/{request_id}/reject": {"post": {"summary": "Admin, not the requester: the card is as before the request", "requestBody": NOTE,
                                                      "responses": {"200": {"description": "Rejected", **_json(_ref("RefundRequest"))}, **_errors(400, 401, 403, 404, 409)}}},
    "/refund-requests/{request_id}/cancel": {"post": {"summary": "Withdraw: the requester or a manager; the card is as before the request", "requestBody": NOTE,
                                                      "responses": {"200": {"description": "Cancelled", **_json(_ref("RefundRequest"))}, **_errors(400, 401, 403, 404, 409)}}},
    "/redemptions/{redemption_id}/annul": {"post": {"summary": "Ask to cancel the purchase (退房); a manager other than the requester approves",
                                                    "requestBody": _json({"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}),
                                                    "responses": {"202": {"description": "The request, pending", **_json(_ref("AnnulRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/cards/{number}/void": {"post": {"summary": "Ask to void the card (consultant or admin): the day of issue, or any day while the agreement is unsigned; not for reissued or transferred cards in force. Nothing moves until a manager other than the requester approves",
                                      "requestBody": _json({"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}),
                                      "responses": {"202": {"description": "The request, pending", **_json(_ref("VoidRequest"))},
                                                    "409": {"description": "Not voidable (void_same_day_only, void_not_for_successor, …) or void_request_open", **_json(_ref("Error"))},
                                                    **_errors(400, 401, 403, 404, 422)}}},
    "/void-requests": {"get": {"summary": "Voids waiting for approval", "responses": {"200": {"description": "{void_requests}"}, **_errors(401, 403)}}},
    "/void-requests/{request_id}/approve": {"post": {"summary": "Admin, not the requester: the rules are checked again; every movement of money reversed, agreements void; a transferred card whose new holder never signed goes back to the previous holder with the money", "requestBody": NOTE,
                                                     "responses": {"200": {"description": "Approved, with the card", **_json(_ref("VoidRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/void-requests/{request_id}/reject": {"post": {"summary": "Admin, not the requester: the card stays as it is", "requestBody": NOTE,
                                                    "responses": {"200": {"description": "Rejected", **_json(_ref("VoidRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/void-requests/{request_id}/cancel": {"post": {"summary": "Withdraw: the requester or a manager", "requestBody": NOTE,
                                                    "responses": {"200": {"description": "Cancelled", **_json(_ref("VoidRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/annul-requests": {"get": {"summary": "Cancellations waiting for approval", "responses": {"200": {"description": "{annul_requests}"}, **_errors(401, 403)}}},
    "/annul-requests/{request_id}/approve": {"post": {"summary": "Admin, not the requester: the unit goes back on sale, the deposit applied returns to the card, any credit is void, the 认购书 is void and the 退房确认书 is drawn up (agreement_id)", "requestBody": NOTE,
                                                      "responses": {"200": {"description": "Approved, with the card", **_json(_ref("AnnulRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/annul-requests/{request_id}/reject": {"post": {"summary": "Admin, not the requester: the purchase stands", "requestBody": NOTE,
                                                     "responses": {"200": {"description": "Rejected", **_json(_ref("AnnulRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/annul-requests/{request_id}/cancel": {"post": {"summary": "Withdraw: the requester or a manager", "requestBody": NOTE,
                                                     "responses": {"200": {"description": "Cancelled", **_json(_ref("AnnulRequest"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/programs/{code}/units": {
        "get": {"summary": "The inventory, paginated: {items, total, page, per_page}",
                "parameters": [{"name": "status", "in": "query", "schema": {"enum": ["available", "held", "sold", "withdrawn"]}},
                               {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                               {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}],
                "responses": {"200": {"description": "A page of units"}, **_errors(401, 403, 404, 422)}},
        "post": {"summary": "Admin: add a unit (code defaults to building-unit-room)", "requestBody": _json(_ref("UnitIn")),
                 "responses": {"201": {"description": "The unit", **_json(_ref("Unit"))}, **_errors(400, 401, 403, 404, 422)}}},
    "/programs/{code}/units/{unit_code}": {
        "get": {"summary": "One unit", "responses": {"200": {"description": "The unit", **_json(_ref("Unit"))}, **_errors(401, 403, 404)}},
        "patch": {"summary": "Admin: change particulars, or status to available, held or withdrawn (sold only by a purchase; a sold unit keeps its area, use and price)",
                  "requestBody": _json(_ref("UnitIn")),
                  "responses": {"200": {"description": "The unit", **_json(_ref("Unit"))}, **_errors(400, 401, 403, 404, 409, 422)}}},
    "/programs/{code}/units/import": {"post": {"summary": "Admin: multipart file (XLSX or CSV, Chinese or English headers) and dry_run; all rows or none, every wrong row named",
                                               "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}, "dry_run": {"type": "string", "enum": ["1", "0"]}}}}}},
                                               "responses": {"200": {"description": "Dry run: {status, rows, created, updated, unchanged, errors}"},
                                                             "201": {"description": "Imported"},
                                                             "422": {"description": "Nothing imported: errors [{row, field, code, message}]"}, **_errors(401, 403, 404)}}},
    "/programs/{code}/units.xlsx": {"get": {"summary": "The sales control sheet as Excel (Chinese headers)", "responses": {"200": {"description": "XLSX"}, **_errors(401, 403, 404)}}},
    "/programs/{code}/units.csv": {"get": {"summary": "The same as CSV (UTF-8 with BOM)", "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}, **_errors(401, 403, 404)}}},
    "/programs/{code}/sales-control": {"get": {"summary": "Counts and list-price totals by status, the value sold, and each unit's status",
                                               "responses": {"200": {"description": "Figures"}, **_errors(401, 403, 404)}}},
    "/programs/{code}/published-discounts": {
        "get": {"summary": "The programme's published discounts", "responses": {"200": {"description": "{published_discounts}"}, **_errors(401, 403, 404)}},
        "post": {"summary": "Admin: publish a discount, e.g. 一次性付款 at 0.98, valid from–until (from defaults to today)",
                 "requestBody": _json({"type": "object", "required": ["name", "rate"], "properties": {
                     "name": {"type": "string", "maxLength": 40}, "rate": {"type": "string", "examples": ["0.98"]},
                     "valid_from": DATE, "valid_until": DATE}}),
                 "responses": {"201": {"description": "The discount"}, **_errors(400, 401, 403, 404, 422)}}},
    "/programs/{code}/published-discounts/{discount_id}": {"delete": {"summary": "Admin: take a discount down (purchases keep the name and rate they applied)",
                                                                       "responses": {"204": {"description": "Removed"}, **_errors(401, 403, 404)}}},
    "/cards/{number}/history": {"get": {"summary": "Every state change, document, scan, ledger row and fee of the card and its earlier generations",
                                        "responses": {"200": {"description": "Events, oldest first"}, **_errors(401, 403, 404)}}},
    "/members/{member_id}/history": {"get": {"summary": "The member's own changes and their cards' timelines",
                                             "responses": {"200": {"description": "Events"}, **_errors(401, 403, 404)}}},
    "/audit": {"get": {"summary": "Audit log, newest first (200 at most); filters actor, action (prefix), card, from, to (YYYY-MM-DD)",
                       "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}} for n in ("actor", "action", "card", "from", "to")],
                       "responses": {"200": {"description": "Entries"}, **_errors(401, 403, 422)}}},
    "/audit.csv": {"get": {"summary": "The same, every matching entry, as CSV (UTF-8 with BOM for Excel)",
                           "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}} for n in ("actor", "action", "card", "from", "to")],
                           "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}, **_errors(401, 403, 422)}}},
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
            "schemas": {"Tier": TIER, "Program": PROGRAM, "MemberIn": MEMBER_IN, "Member": MEMBER_OUT, "Error": ERROR,
                        "CardIn": CARD_IN, "Card": CARD, "RedeemIn": REDEEM_IN, "Redemption": REDEMPTION, "Verdict": VERDICT, "QueueEntry": QUEUE_ENTRY,
                        "Agreement": AGREEMENT, "SignIn": SIGN_IN,
                        "RefundRequest": {"type": "object", "properties": {
                            "id": {"type": "integer"}, "status": {"enum": ["pending", "paid", "rejected", "cancelled"]},
                            "amount": MONEY, "kind": {"type": "string"}, "card_number": {"type": "string"},
                            "payout_method": {"type": ["string", "null"]}, "payout_reference": {"type": ["string", "null"]},
                            "agreement_id": {"type": ["integer", "null"], "description": "The refund confirmation"}}},
                        "Unit": {"type": "object", "properties": {
                            "id": {"type": "integer"}, "code": {"type": "string"}, "building": {"type": "string"},
                            "unit": {"type": "string"}, "floor": {"type": "integer"}, "room": {"type": "string"},
                            "use": {"enum": ["residential", "commercial", "parking"]}, "area": {"type": "string", "description": "m², 2 decimals"},
                            "list_price": MONEY, "unit_price": {**MONEY, "description": "per m²"},
                            "status": {"enum": ["available", "held", "sold", "withdrawn"]}}},
                        "UnitIn": {"type": "object", "required": ["building", "floor", "room", "use", "area", "list_price"], "properties": {
                            "code": {"type": "string", "maxLength": 40}, "building": {"type": "string", "maxLength": 20},
                            "unit": {"type": "string", "maxLength": 20}, "floor": {"type": "integer", "minimum": -20, "maximum": 300},
                            "room": {"type": "string", "maxLength": 20}, "use": {"enum": ["residential", "commercial", "parking"]},
                            "area": {"type": "string", "examples": ["89.56"]}, "list_price": MONEY,
                            "status": {"enum": ["available", "held", "withdrawn"]}}},
                        "VoidRequest": {"type": "object", "properties": {
                            "id": {"type": "integer"}, "card_number": {"type": "string"},
                            "status": {"enum": ["pending", "approved", "rejected", "cancelled"]}, "reason": {"type": "string"},
                            "requested_by": {"type": ["string", "null"]}, "decided_by": {"type": ["string", "null"]}}},
                        "AnnulRequest": {"type": "object", "properties": {
                            "id": {"type": "integer"}, "redemption_id": {"type": "integer"}, "card_number": {"type": "string"},
                            "status": {"enum": ["pending", "approved", "rejected", "cancelled"]}, "item": {"type": "string"},
                            "unit": {"type": ["string", "null"]}, "reason": {"type": "string"},
                            "agreement_id": {"type": ["integer", "null"], "description": "The 退房确认书, once approved"}}},
                        "TransferRequest": {"type": "object", "properties": {
                            "id": {"type": "integer"}, "status": {"enum": ["pending", "completed", "rejected", "cancelled"]},
                            "fee": MONEY, "to_member_id": {"type": "integer"}, "new_card_number": {"type": ["string", "null"]}}}},
        },
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())

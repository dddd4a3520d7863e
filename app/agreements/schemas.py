"""Checking what signers send: drawn signatures (PNG data URLs) and scans of ink-signed copies."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from pydantic import ConfigDict, Field

from ..documents.uploads import MAX_SIGNATURE_BYTES, check_image, check_pdf, read_png
from ..rules import N_, Decision, refuse
from ..rules.identity import mask_name
from ..validation import Schema, Upload, documented_required, fail, field_type

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_TYPES = {b"%PDF-": ("application/pdf", "pdf"), b"\xff\xd8\xff": ("image/jpeg", "jpg"),
              b"\x89PNG\r\n\x1a\n": ("image/png", "png")}
_PNG_PREFIX = "data:image/png;base64,"


def read_signature(value: Any) -> tuple[Decision | None, bytes | None]:
    """A drawn signature: a PNG data URL of sane size with some ink on it."""
    if value in (None, ""):  # an untouched pad sends nothing
        return refuse("signature_blank", N_("The signature pad is empty: please sign.")), None
    if not isinstance(value, str) or not value.startswith(_PNG_PREFIX):
        return refuse("signature_not_png", N_("A signature must be a PNG image (data:image/png;base64,…).")), None
    if len(value) > MAX_SIGNATURE_BYTES * 4 // 3 + len(_PNG_PREFIX) + 4:
        return refuse("signature_too_large", N_("The signature image is larger than 300 KB.")), None
    try:
        raw = base64.b64decode(value[len(_PNG_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        return refuse("signature_not_png", N_("A signature must be a PNG image (data:image/png;base64,…).")), None
    return read_png(raw)


def read_scan(data: bytes) -> tuple[Decision | None, tuple[str, str] | None]:
    """A scan of the ink-signed copy: PDF, JPEG or PNG by its content, not its name, at most 10 MB."""
    if not data:
        return refuse("scan_missing", N_("Choose the scanned file to upload.")), None
    if len(data) > MAX_SCAN_BYTES:
        return refuse("scan_too_large", N_("The scan is larger than 10 MB.")), None
    kind = next((v for magic, v in SCAN_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        return refuse("scan_wrong_type", N_("Upload the scan as a PDF, JPEG or PNG file.")), None
    problem = check_pdf(data) if kind[0] == "application/pdf" else check_image(data)
    return (problem, None) if problem else (None, kind)


def dump_agreement(a: Any, *, public: bool = False) -> dict[str, Any]:
    member = a.card.member
    body = {
        "id": a.id,
        "number": a.number,
        "kind": a.kind.value,
        "status": a.status.value,
        "card_number": a.card.number if not public else None,
        "created_at": a.created_at.isoformat(),
        "template": {"name": a.template_name, "version": a.template_version},
        "signing_method": a.signing_method.value if a.signing_method else None,
        "sealed_at": a.sealed_at.isoformat() if a.sealed_at else None,
        "sha256": a.sealed_sha256,
        "seal_token": a.seal_token,
        "parties": {"issuer": a.card.program.issuer_name, "member": mask_name(member.name)},
        "signers": [{"role": s.role.value, "name": s.signer_name if not public else mask_name(s.signer_name),
                     "method": s.method.value, "signed_at": s.signed_at.isoformat()} for s in a.signatures],
    }
    return body


_SIGNATURE = {"type": "string", "maxLength": MAX_SIGNATURE_BYTES * 4 // 3 + len(_PNG_PREFIX) + 4,
              "pattern": "^data:image/png;base64,", "description": "A PNG data URL, at most 300 KB, with some ink on it"}


def _signature(raw: Any) -> bytes:
    problem, png = read_signature(raw)
    if problem:
        fail(problem)
    return png


Signature = field_type(_signature, _SIGNATURE)


# The member's tick: a form sends "on" or nothing; an integrator true or false. Anything else is not a yes.
Consent = field_type(lambda raw: raw if isinstance(raw, bool) else str(raw).strip().lower() in ("on", "true", "1", "yes"),
                     {"anyOf": [{"type": "boolean"}, {"type": "string"}, {"type": "integer"}]})


class SignIn(Schema):
    """Signatures drawn on screen. ``previous_holder_signature`` is required for transfer agreements (both holders
    sign); a blank pad answers signature_blank."""

    model_config = ConfigDict(json_schema_extra=documented_required("member_signature", "consultant_signature"))

    member_signature: Signature = None
    consultant_signature: Signature = None
    previous_holder_signature: Signature = None
    consent: Consent = Field(None, description=(
        "The member ticked 'read and agreed' on the integrator's screen: false is refused, left out is not asked"))


class ScanUpload(Schema):
    model_config = ConfigDict(json_schema_extra=documented_required("scan"))

    scan: Upload = Field(None, description="PDF, JPEG or PNG of the ink-signed copy, at most 10 MB")


class CheckUpload(Schema):
    model_config = ConfigDict(json_schema_extra=documented_required("file"))

    file: Upload = Field(None, description="The file to check, at most 10 MB")

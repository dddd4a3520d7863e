"""Is this file one of our sealed originals? A hash lookup first, then what the PDF's own signature says."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..documents import pades
from ..extensions import db
from ..signing import services as signing
from .models import Agreement, Document, DocumentRole

# verdict: (ok, what it means)
VERDICTS = ("sealed_original", "signed_copy", "altered", "changed_after_sealing", "foreign_signature", "not_recognised")


@dataclass
class FileCheck:
    verdict: str
    agreement: Agreement | None = None
    signature: pades.Check | None = None

    @property
    def genuine(self) -> bool:
        return self.verdict in ("sealed_original", "signed_copy")


def check_file(content: bytes) -> FileCheck:
    digest = hashlib.sha256(content).hexdigest()
    agreement = db.session.scalar(select(Agreement).where(Agreement.sealed_sha256 == digest))
    signature = pades.validate(content, signing.trust_roots()) if content.startswith(b"%PDF-") else None
    if agreement is not None:
        return FileCheck("sealed_original", agreement, signature)
    signed_doc = db.session.scalar(select(Document).where(Document.sha256 == digest, Document.role == DocumentRole.SIGNED))
    if signed_doc is not None and signed_doc.agreement.sealed_sha256:
        return FileCheck("signed_copy", signed_doc.agreement, signature)
    if signature is None or not signature.signed:
        return FileCheck("not_recognised")
    claimed = _claimed(signature)
    if not signature.intact:
        return FileCheck("altered", claimed, signature)
    if signature.fingerprint not in signing.known_fingerprints():
        return FileCheck("foreign_signature", None, signature)
    if not signature.whole_file:
        return FileCheck("changed_after_sealing", claimed, signature)
    return FileCheck("not_recognised", claimed, signature)  # our certificate, but no agreement was sealed as this file


def _claimed(signature: pades.Check) -> Agreement | None:
    """The agreement a signature names in its reason (our seals write the document number there)."""
    match = re.search(r"[A-Z]{2}\d{10}", signature.reason or "")
    return db.session.scalar(select(Agreement).where(Agreement.number == match.group(0))) if match else None


def dump_check(result: FileCheck) -> dict[str, Any]:
    from .schemas import dump_agreement
    sig = result.signature
    return {
        "verdict": result.verdict,
        "genuine": result.genuine,
        "agreement": dump_agreement(result.agreement, public=True) if result.agreement else None,
        "signature": None if sig is None or not sig.signed else {
            "intact": sig.intact, "covers_whole_file": sig.whole_file, "trusted": sig.trusted,
            "certificate": {"subject": sig.subject, "serial": sig.serial, "fingerprint_sha256": sig.fingerprint},
            "signing_time": sig.signing_time.isoformat() if sig.signing_time else None,
            "timestamp": sig.timestamp_time.isoformat() if sig.timestamp_time else None,
            "timestamp_valid": sig.timestamp_valid},
    }

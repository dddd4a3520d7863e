"""Agreements: render the draft with the state change that needs it, then seal it once signed."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any, Mapping

from sqlalchemy import select

from .. import audit, tokens
from ..audit import current_actor_id, request_origin
from ..clock import today, utcnow
from ..crypto import cipher
from ..documents.docx import DOCX_MIME, render_docx, template_version
from ..documents.qr import qr_png
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..rules import N_, refuse
from ..rules.identity import mask_number
from .models import Agreement, AgreementKind, AgreementStatus, Document, DocumentRole, Signature, SignerRole, SigningMethod
from .schemas import read_scan, read_signature

_CONTEXT = "agreement.document"
NUMBER_PREFIX = {AgreementKind.SUBSCRIPTION: "XY", AgreementKind.REDEMPTION: "JC", AgreementKind.LOSS_REISSUE: "BK",
                 AgreementKind.TRANSFER: "ZR", AgreementKind.REFUND: "TK", AgreementKind.RENEWAL: "XQ"}
SIGNATURE_WIDTH_MM, SEAL_WIDTH_MM, QR_WIDTH_MM = 35, 38, 28


def verify_url(agreement: Agreement) -> str:
    return tokens.public_url(f"/d/{tokens.sign(tokens.DOCUMENT, agreement.public_id)}")


def _masked_params(context: Mapping[str, Any]) -> str:
    """What rendered the document, minus the personal numbers (the encrypted document has them)."""
    kept = dict(context)
    if kept.get("member_id_number"):
        kept["member_id_number"] = mask_number(kept["member_id_number"])
    if kept.get("member_phone"):
        kept["member_phone"] = mask_number(kept["member_phone"])
    return json.dumps(kept, ensure_ascii=False, sort_keys=True, default=str)


def _store(agreement: Agreement, role: DocumentRole, content: bytes, *, filename: str, mime: str,
           template: str | None = None) -> Document:
    doc = Document(agreement=agreement, role=role, filename=filename, mime=mime, size=len(content), template_version=template,
                   sha256=hashlib.sha256(content).hexdigest(),
                   content_encrypted=cipher().encrypt_bytes(content, context=_CONTEXT), created_at=utcnow())
    db.session.add(doc)
    return doc


def create_agreement(card, kind: AgreementKind, template: str, build_context) -> Agreement:
    """Add an agreement with its rendered draft to the caller's transaction (the caller commits).

    ``build_context(number, date, verify_url)`` returns the template's values.
    """
    agreement = Agreement(number=f"tmp-{secrets.token_hex(8)}", public_id=secrets.token_urlsafe(9), kind=kind,
                          status=AgreementStatus.UNSIGNED, card=card, template_name=template,
                          template_version=template_version(template), params="{}", created_at=utcnow(),
                          created_by_id=current_actor_id())
    db.session.add(agreement)
    db.session.flush()
    agreement.number = f"{NUMBER_PREFIX[kind]}{today().year}{agreement.id:06d}"
    context = build_context(agreement.number, today().isoformat(), verify_url(agreement))
    agreement.params = _masked_params(context)
    _store(agreement, DocumentRole.DRAFT, _render(agreement, context, {}),
           filename=f"{agreement.number}.docx", mime=DOCX_MIME, template=agreement.template_version)
    audit.record("agreement.created", agreement, {"number": agreement.number, "kind": kind.value, "card": card.number,
                                                  "template": f"{template}@{agreement.template_version}"})
    return agreement


def _render(agreement: Agreement, context: Mapping[str, Any], signatures: Mapping[str, bytes | None]) -> bytes:
    images = {
        "verify_qr": (qr_png(verify_url(agreement), size_px=360), QR_WIDTH_MM),
        "member_signature": (signatures.get("member"), SIGNATURE_WIDTH_MM),
        "from_signature": (signatures.get("previous_holder"), SIGNATURE_WIDTH_MM),
        "consultant_signature": (signatures.get("consultant"), SIGNATURE_WIDTH_MM),
        "issuer_seal": (signatures.get("issuer"), SEAL_WIDTH_MM),
    }
    return render_docx(agreement.template_name, context, images)


def _locked(agreement_id: int) -> Agreement:
    agreement = db.session.scalar(select(Agreement).where(Agreement.id == agreement_id).with_for_update()
                                  .execution_options(populate_existing=True))
    if agreement is None:
        raise NotFound(refuse("agreement_not_found", N_("No agreement has the number %(id)s."), id=agreement_id))
    if agreement.status is AgreementStatus.SEALED:
        raise Conflict(refuse("agreement_already_sealed",
                              N_("This agreement is already signed and sealed; a changed agreement is a new document.")))
    if agreement.status is AgreementStatus.VOID:
        raise Conflict(refuse("agreement_void", N_("This agreement was voided.")))
    return agreement


def _seal(agreement: Agreement, content: bytes, *, method: SigningMethod, filename: str, mime: str,
          template: str | None = None) -> None:
    doc = _store(agreement, DocumentRole.SEALED, content, filename=filename, mime=mime, template=template)
    agreement.status = AgreementStatus.SEALED
    agreement.signing_method = method
    agreement.sealed_at = utcnow()
    agreement.sealed_sha256 = doc.sha256
    agreement.seal_token = tokens.sign(tokens.SEAL, [agreement.number, doc.sha256])
    _bring_into_force(agreement)


def _bring_into_force(agreement: Agreement) -> None:
    """A card's subscription agreement binds once signed and sealed (自双方签字盖章后生效): so does the card."""
    from ..rules.terms import CardStatus
    card = agreement.card
    if agreement.kind is AgreementKind.SUBSCRIPTION and card.status is CardStatus.AWAITING_SIGNATURE:
        card.status = CardStatus.ACTIVE
        audit.record("card.in_force", card, {"number": card.number, "agreement": agreement.number})


def _sign_row(agreement: Agreement, role: SignerRole, name: str, method: SigningMethod, png: bytes | None) -> None:
    ip, user_agent = request_origin()
    db.session.add(Signature(agreement=agreement, role=role, signer_name=name[:80], method=method, image_png=png,
                             signed_at=utcnow(), ip=ip, user_agent=user_agent))


def sign_drawn(agreement_id: int, data: Mapping[str, Any], *, consultant) -> Agreement:
    """Both parties drew their signatures: embed them (and the issuer's seal), seal the result."""
    agreement = _locked(agreement_id)
    errors = {}
    images: dict[str, bytes | None] = {}
    roles = ("member", "consultant") + (("previous_holder",) if agreement.kind is AgreementKind.TRANSFER else ())
    for role in roles:
        problem, png = read_signature(data.get(f"{role}_signature"))
        if problem:
            errors[f"{role}_signature"] = problem
        images[role] = png
    if errors:
        raise ValidationFailed(errors)
    if template_version(agreement.template_name) != agreement.template_version:
        # What would be signed must be what the member was shown: a new template means a new agreement.
        raise Conflict(refuse("template_changed", N_(
            "The agreement template has changed since this document was drawn up; issue a new agreement to sign.")))
    card = agreement.card
    images["issuer"] = card.program.seal_png
    context = json.loads(agreement.params)
    context.update(member_id_number=_id_number(card.member), member_phone=card.member.phone,
                   member_signed_on=today().isoformat(), consultant_signed_on=today().isoformat())
    content = _render(agreement, context, images)
    _sign_row(agreement, SignerRole.MEMBER, card.member.name, SigningMethod.DRAWN, images["member"])
    if agreement.kind is AgreementKind.TRANSFER:
        _sign_row(agreement, SignerRole.PREVIOUS_HOLDER, card.predecessor.member.name, SigningMethod.DRAWN,
                  images["previous_holder"])
    _sign_row(agreement, SignerRole.CONSULTANT, consultant.display_name, SigningMethod.DRAWN, images["consultant"])
    if images["issuer"]:
        _sign_row(agreement, SignerRole.ISSUER, card.program.issuer_name, SigningMethod.DRAWN, images["issuer"])
    _seal(agreement, content, method=SigningMethod.DRAWN, filename=f"{agreement.number}-signed.docx", mime=DOCX_MIME,
          template=agreement.template_version)
    audit.record("agreement.sealed", agreement, {"method": "drawn", "sha256": agreement.sealed_sha256})
    db.session.commit()
    return agreement


def seal_scan(agreement_id: int, content: bytes, filename: str | None, *, consultant) -> Agreement:
    """The printed copy was signed in ink; the uploaded scan is what gets sealed."""
    problem, kind = read_scan(content)
    if problem:
        raise ValidationFailed({"scan": problem})
    agreement = _locked(agreement_id)
    if by_sealed_bytes(content) is not None:
        # One file, one sealed original: otherwise a hash lookup could not say which agreement it proves.
        raise ValidationFailed({"scan": refuse("scan_already_sealed",
                                               N_("This exact file is already the sealed original of another agreement."))})
    mime, extension = kind
    _sign_row(agreement, SignerRole.MEMBER, agreement.card.member.name, SigningMethod.SCAN, None)
    _sign_row(agreement, SignerRole.CONSULTANT, consultant.display_name, SigningMethod.SCAN, None)
    _seal(agreement, content, method=SigningMethod.SCAN, filename=f"{agreement.number}-signed.{extension}", mime=mime)
    audit.record("agreement.sealed", agreement, {"method": "scan", "sha256": agreement.sealed_sha256, "mime": mime})
    db.session.commit()
    return agreement


def _id_number(member) -> str:
    from ..members.services import decrypt_id_number
    return decrypt_id_number(member)


def render_subscription(card) -> Agreement:
    from . import contexts
    template = f"subscription_{card.program.kind.value}.docx"
    return create_agreement(card, AgreementKind.SUBSCRIPTION, template, lambda number, date, url: contexts.subscription(
        card, agreement_number=number, date=date, verify_url=url, id_number=_id_number(card.member)))


def get_agreement(agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound(refuse("agreement_not_found", N_("No agreement has the number %(id)s."), id=agreement_id))
    return agreement


def by_public_token(token: str) -> Agreement | None:
    public_id = tokens.read(tokens.DOCUMENT, token)
    if not isinstance(public_id, str):
        return None
    return db.session.scalar(select(Agreement).where(Agreement.public_id == public_id))


def by_sealed_bytes(content: bytes) -> Agreement | None:
    """Hash lookup: is this file the sealed original of some agreement?"""
    digest = hashlib.sha256(content).hexdigest()
    return db.session.scalar(select(Agreement).where(Agreement.sealed_sha256 == digest))


def word_document(agreement: Agreement) -> Document:
    """The .docx: the sealed one when signed on screen, otherwise the draft."""
    sealed = agreement.document(DocumentRole.SEALED)
    return sealed if sealed is not None and sealed.mime == DOCX_MIME else agreement.document(DocumentRole.DRAFT)


def current_document(agreement: Agreement) -> Document:
    """The sealed original once there is one, otherwise the draft to print and sign."""
    return agreement.document(DocumentRole.SEALED) or agreement.document(DocumentRole.DRAFT)


def document_bytes(document: Document) -> bytes:
    return cipher().decrypt_bytes(document.content_encrypted, context=_CONTEXT)


def download(document: Document) -> bytes:
    """A document for the person asking: it holds the full ID number, so every download is in the audit log."""
    content = document_bytes(document)
    audit.record("agreement.document_downloaded", document.agreement,
                 {"document": document.filename, "role": document.role.value, "sha256": document.sha256})
    db.session.commit()
    return content


def seal_state(agreement: Agreement) -> str:
    """unsigned, sealed (the seal token verifies against the stored hash), or broken (it does not: a retired
    key or a tampered row; the public page says so instead of vouching for the document)."""
    if agreement.sealed_sha256 is None:
        return "unsigned"
    payload = tokens.read(tokens.SEAL, agreement.seal_token)
    return "sealed" if payload == [agreement.number, agreement.sealed_sha256] else "broken"


def is_sealed_original(agreement: Agreement, content: bytes) -> bool:
    return agreement.sealed_sha256 is not None and hashlib.sha256(content).hexdigest() == agreement.sealed_sha256

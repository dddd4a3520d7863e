"""Agreements: render the draft with the state change that needs it, then seal it once signed."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit, tokens
from ..audit import actor_id, request_origin
from ..clock import clock, today, utcnow
from ..crypto import cipher
from ..documents import pades
from ..documents.docx import DOCX_MIME, append_evidence, render_docx, template_version
from ..documents.pdf import PDF_MIME, docx_to_pdf, image_to_pdf
from ..documents.qr import qr_png
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db, transition
from ..rules import N_, refuse
from ..rules.dues import due_on
from ..rules.identity import ID_TYPE_NAMES, mask_id_number, mask_number
from ..rules.validity import expiry_date
from ..signing import services as signing
from . import contexts
from .models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Document,
    DocumentRole,
    Signature,
    SignerRole,
    SigningMethod,
)
from .schemas import SignIn, read_scan

_CONTEXT = "agreement.document"
NUMBER_PREFIX = {AgreementKind.SUBSCRIPTION: "XY", AgreementKind.REDEMPTION: "JC", AgreementKind.LOSS_REISSUE: "BK",
                 AgreementKind.TRANSFER: "ZR", AgreementKind.REFUND: "TK", AgreementKind.RENEWAL: "XQ",
                 AgreementKind.PURCHASE_SUBSCRIPTION: "RG", AgreementKind.CANCELLATION: "TF"}
SIGNATURE_WIDTH_MM, SEAL_WIDTH_MM, QR_WIDTH_MM = 35, 38, 28


def verify_url(agreement: Agreement) -> str:
    return tokens.public_url(f"/d/{tokens.sign(tokens.DOCUMENT, agreement.public_id)}")


def _masked_params(context: Mapping[str, Any]) -> str:
    """What rendered the document, minus the personal numbers (the encrypted document has them)."""
    kept = dict(context)
    # Every holder's numbers: the member's, and the previous holder's on a transfer agreement.
    kinds = {name: code for code, name in ID_TYPE_NAMES.items()}
    for key in ("member_id_number", "member_phone", "from_id_number", "from_phone"):
        if kept.get(key):
            kind = kinds.get(kept.get(key.replace("_number", "_type"), ""), "resident_id")
            kept[key] = mask_id_number(kind, str(kept[key])) if key.endswith("_id_number") else mask_number(str(kept[key]))
    return json.dumps(kept, ensure_ascii=False, sort_keys=True, default=str)


def _store(agreement: Agreement, role: DocumentRole, content: bytes, *, filename: str, mime: str,
           template: str | None = None, signature_info: dict | None = None) -> Document:
    doc = Document(agreement=agreement, role=role, filename=filename, mime=mime, size=len(content), template_version=template,
                   signature_info=json.dumps(signature_info, ensure_ascii=False, default=str) if signature_info else None,
                   sha256=hashlib.sha256(content).hexdigest(),
                   content_encrypted=cipher().encrypt_bytes(content, context=_CONTEXT), created_at=utcnow())
    db.session.add(doc)
    return doc


def create_agreement(card, kind: AgreementKind, template: str, build_context, *, by) -> Agreement:
    """Add an agreement with its rendered draft to the caller's transaction (the caller commits).

    ``build_context(number, date, verify_url)`` returns the template's values.
    """
    agreement = Agreement(number=f"tmp-{secrets.token_hex(8)}", public_id=secrets.token_urlsafe(9), kind=kind,
                          status=AgreementStatus.UNSIGNED, card=card, template_name=template,
                          template_version=template_version(template), params="{}", created_at=utcnow(),
                          created_by_id=actor_id(by))
    db.session.add(agreement)
    db.session.flush()
    agreement.number = f"{NUMBER_PREFIX[kind]}{today().year}{agreement.id:06d}"
    context = build_context(agreement.number, contexts.chinese_date(today()), verify_url(agreement))
    agreement.params = _masked_params(context)
    _store(agreement, DocumentRole.DRAFT, _render(agreement, context, {}),
           filename=f"{agreement.number}.docx", mime=DOCX_MIME, template=agreement.template_version)
    audit.record("agreement.created", agreement, {"number": agreement.number, "kind": kind.value, "card": card.number,
                                                  "template": f"{template}@{agreement.template_version}"}, actor=by)
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
    return _unsigned(agreement)


def _unsigned(agreement: Agreement) -> Agreement:
    """The agreement, if it still waits for signatures."""
    if agreement.status is AgreementStatus.SEALED:
        raise Conflict(refuse("agreement_already_sealed",
                              N_("This agreement is already signed and sealed; a changed agreement is a new document.")))
    if agreement.status is AgreementStatus.VOID:
        raise Conflict(refuse("agreement_void", N_("This agreement was voided.")))
    return agreement


def _seal(agreement: Agreement, content: bytes, *, method: SigningMethod, filename: str, mime: str, by,
          template: str | None = None, signature_info: dict | None = None) -> None:
    doc = _store(agreement, DocumentRole.SEALED, content, filename=filename, mime=mime, template=template,
                 signature_info=signature_info)
    agreement.status = AgreementStatus.SEALED
    agreement.signing_method = method
    agreement.sealed_at = utcnow()
    agreement.sealed_sha256 = doc.sha256
    agreement.seal_token = tokens.sign(tokens.SEAL, [agreement.number, doc.sha256])
    _bring_into_force(agreement, by=by)


def _bring_into_force(agreement: Agreement, *, by) -> None:
    """A card's subscription agreement binds once signed and sealed (自双方签字盖章后生效): so does the card."""
    from ..rules.terms import CardStatus
    card = agreement.card
    if agreement.kind is AgreementKind.SUBSCRIPTION and card.status is CardStatus.AWAITING_SIGNATURE:
        card.status = CardStatus.ACTIVE
        details = {"number": card.number, "agreement": agreement.number}
        if card.term_from_signing(clock().tz):  # and its fee falls due counted from then
            terms, signed_on = card.program.terms(), today()
            card.valid_from, card.valid_through = signed_on, expiry_date(terms, signed_on)
            details.update(valid_from=str(card.valid_from), valid_through=str(card.valid_through))
            if card.dues_status == "unpaid" and terms.payment_due_days is not None:
                card.dues_due_on = due_on(signed_on, terms.payment_due_days)
                details["dues_due_on"] = str(card.dues_due_on)
        audit.record("card.in_force", card, details, actor=by)


def _sign_row(agreement: Agreement, role: SignerRole, name: str, method: SigningMethod, png: bytes | None) -> None:
    ip, user_agent = request_origin()
    db.session.add(Signature(agreement=agreement, role=role, signer_name=name[:80], method=method, image_png=png,
                             signed_at=utcnow(), ip=ip, user_agent=user_agent))


@transition
def sign_drawn(agreement_id: int, data: Mapping[str, Any], *, consultant, require_consent: bool = False) -> Agreement:
    """Both parties drew their signatures, the member having consented: embed them and the issuer's seal, add the
    evidence page, make the PDF/A and sign it under the issuer's certificate (PAdES). That PDF is the sealed original.

    LibreOffice and the signature take a moment (seconds on a cold start): they run between two transactions, so no
    database lock is held meanwhile (on SQLite every transaction holds the write lock; the counter must not wait).
    The second transaction locks the agreement and seals it only if nobody did in between."""
    agreement = _unsigned(get_agreement(agreement_id))
    spec = SignIn.read(data)  # a drawn image that is not a sane PNG is refused here
    roles = ("member", "consultant") + (("previous_holder",) if agreement.kind is AgreementKind.TRANSFER else ())
    images: dict[str, bytes | None] = {role: getattr(spec, f"{role}_signature") for role in roles}
    errors = {f"{role}_signature": refuse("signature_blank", N_("The signature pad is empty: please sign."))
              for role, png in images.items() if png is None}
    consent = spec.consent
    if consent is False or (require_consent and consent is None):
        errors["consent"] = refuse("consent_required", N_(
            "The member must confirm having read the whole agreement and agreeing to it before signing."))
    if errors:
        raise ValidationFailed(errors)
    _check_template(agreement)
    card = agreement.card
    program = card.program
    certificate = signing.certificate_for(program, by=consultant)  # before any work: no certificate, no sealing
    images["issuer"] = program.seal_png
    signed_at, (ip, user_agent) = utcnow(), request_origin()
    signers = [(SignerRole.MEMBER, card.member.name, images["member"], consent)]
    if agreement.kind is AgreementKind.TRANSFER:
        signers.append((SignerRole.PREVIOUS_HOLDER, card.predecessor.member.name, images["previous_holder"], None))
    signers.append((SignerRole.CONSULTANT, consultant.display_name, images["consultant"], None))
    if images["issuer"]:
        signers.append((SignerRole.ISSUER, program.issuer_name, images["issuer"], None))
    context = json.loads(agreement.params)
    context.update(member_id_number=_id_number(card.member), member_id_type=ID_TYPE_NAMES[card.member.id_type.value],
                   member_phone=card.member.phone,
                   member_signed_on=contexts.chinese_date(today()), consultant_signed_on=contexts.chinese_date(today()))
    signed_docx = _render(agreement, context, images)
    tsa_url = current_app.config.get("VIP_TSA_URL") or None
    evidence = evidence_page(agreement, hashlib.sha256(signed_docx).hexdigest(),
                             [(role, name, SigningMethod.DRAWN, agreed, signed_at, ip) for role, name, _, agreed in signers],
                             certificate, tsa_url)
    final_docx = append_evidence(signed_docx, *evidence)
    key_der = signing.key_der(certificate)
    chain = [c.public_bytes(serialization.Encoding.DER) for c in signing.certificates(certificate)]
    cert_facts = {"subject": certificate.subject, "serial": certificate.serial,
                  "fingerprint_sha256": certificate.fingerprint, "demo": certificate.kind.value != "uploaded"}
    number, issuer, place = agreement.number, program.issuer_name, program.project_name
    db.session.commit()  # ends the reading transaction (and keeps a demo certificate made just now)

    pdf = docx_to_pdf(final_docx)
    sealed = pades.sign_pdf(pdf, key_der=key_der, chain_der=chain, reason=f"{issuer}签章：{number}", location=place,
                            name=issuer, tsa_url=tsa_url, now=signed_at)

    agreement = _locked(agreement_id)  # sealed by someone else meanwhile: refused here, as before any work
    _check_template(agreement)
    for role, name, png, agreed in signers:
        db.session.add(Signature(agreement=agreement, role=role, signer_name=name[:80], method=SigningMethod.DRAWN,
                                 image_png=png, signed_at=signed_at, ip=ip, user_agent=user_agent, consented=agreed))
    signed_doc = _store(agreement, DocumentRole.SIGNED, signed_docx, filename=f"{number}-signed.docx",
                        mime=DOCX_MIME, template=agreement.template_version)
    info = {"certificate": cert_facts, "signed_docx_sha256": signed_doc.sha256,
            "signing_time": sealed.signing_time.isoformat(),
            "timestamp": {"status": sealed.timestamp, "tsa": tsa_url,
                          "time": sealed.timestamp_time.isoformat() if sealed.timestamp_time else None,
                          "error": sealed.timestamp_error}}
    _seal(agreement, sealed.pdf, method=SigningMethod.DRAWN, filename=f"{number}-sealed.pdf", mime=PDF_MIME,
          by=consultant, template=agreement.template_version, signature_info=info)
    audit.record("agreement.sealed", agreement, {"method": "drawn", "sha256": agreement.sealed_sha256,
                                                 "certificate": cert_facts["serial"], "timestamp": sealed.timestamp,
                                                 "consent": consent}, actor=consultant)
    if sealed.timestamp == "failed":
        # Never silently: the document's record and the log both say the time is the server's own.
        audit.record("agreement.timestamp_failed", agreement, {"tsa": tsa_url, "error": sealed.timestamp_error},
                     actor=consultant)
    return agreement


def _check_template(agreement: Agreement) -> None:
    if template_version(agreement.template_name) != agreement.template_version:
        # What would be signed must be what the member was shown: a new template means a new agreement.
        raise Conflict(refuse("template_changed", N_(
            "The agreement template has changed since this document was drawn up; issue a new agreement to sign.")))


_ROLE_WORDS = {SignerRole.MEMBER: "持卡人", SignerRole.PREVIOUS_HOLDER: "原持卡人（转让方）", SignerRole.CONSULTANT: "经办人",
               SignerRole.ISSUER: "发卡方印章"}
_ACTION_WORDS = {"card.issued": "办卡", "agreement.created": "生成协议", "agreement.document_downloaded": "下载文件",
                 "agreement.opened_for_signing": "打开协议供阅读签署",
                 "card.in_force": "卡生效", "agreement.sealed": "签署封存", "card.loss_reported": "挂失",
                 "card.loss_cancelled": "解除挂失", "card.reissued": "补办", "card.transferred": "转让",
                 "card.redeemed": "核销", "card.renewed": "续期", "card.voided": "作废", "scan.verify": "扫码核验",
                 "program.certificate_demo_issued": "签发演示证书"}


def _beijing(moment) -> str:
    local = moment.astimezone(ZoneInfo(current_app.config["VIP_TIMEZONE"]))
    return f"{contexts.chinese_date(local.date())} {local:%H:%M:%S}"  # as the documents write a day


def evidence_page(agreement: Agreement, signed_sha256: str, signatures: list[tuple], certificate, tsa_url: str | None):
    """The 出证页 appended to a sealed PDF: what was signed, by whom and how, under which certificate, and the log.
    ``signatures``: (role, name, method, consented, signed_at, ip) of each signer."""
    from ..audit import AuditEntry
    card = agreement.card
    signers = [[_ROLE_WORDS[role], name, _beijing(signed_at),
                "印章图像" if role is SignerRole.ISSUER else ("屏幕手写签名" if method is SigningMethod.DRAWN else "纸质签署扫描"),
                "已勾选“已阅读全文并同意”" if consented else ("" if consented is None else "未同意"), ip or ""]
               for role, name, method, consented, signed_at, ip in signatures]
    demo = certificate.kind.value != "uploaded"
    cert_rows = [["证书主体", certificate.subject], ["证书序列号", certificate.serial],
                 ["证书指纹（SHA-256）", certificate.fingerprint],
                 ["有效期", f"{_beijing(certificate.not_before)} 至 {_beijing(certificate.not_after)}"]]
    if demo:
        cert_rows.append(["说明", "演示证书，仅供演示和测试，不具有法律效力（DEMO - NOT FOR PRODUCTION）"])
    cert_rows.append(["时间戳", f"由时间戳服务 {tsa_url} 按 RFC 3161 加盖，见本文件电子签名" if tsa_url
                      else "未配置时间戳服务：签名时间为服务器时间"])
    entries = db.session.scalars(select(AuditEntry).where(
        ((AuditEntry.object_type == "agreement") & (AuditEntry.object_id == str(agreement.id)))
        | ((AuditEntry.object_type == "card") & (AuditEntry.object_id == str(card.id)))).order_by(AuditEntry.id))
    trail = [[_beijing(e.created_at), e.actor_name, _ACTION_WORDS.get(e.action, e.action), e.ip or ""] for e in entries]
    sections = [
        ("一、文件", None, [["文件编号", agreement.number], ["卡号", card.number],
                          ["已签署内容（Word 文件）SHA-256", signed_sha256],
                          ["核验地址", verify_url(agreement)]]),
        ("二、签署人", ["角色", "姓名", "签署时间（北京时间）", "方式", "确认", "IP"], signers),
        ("三、电子签名证书", None, cert_rows),
        ("四、操作记录（截至封存时）", ["时间（北京时间）", "操作人", "操作", "IP"], trail or [["—", "—", "—", "—"]]),
    ]
    footer = ("本页由系统在封存时生成，与前述协议为同一文件，一并经发卡方证书电子签名（PAdES）。文件内容或本页任何改动均会使电子签名失效；"
              "可在任意支持电子签名的 PDF 阅读器中验证，或在核验地址上传本文件核对。")
    return "出证页（电子签署证据）", sections, footer


@transition
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
    _seal(agreement, content, method=SigningMethod.SCAN, filename=f"{agreement.number}-signed.{extension}", mime=mime,
          by=consultant)
    audit.record("agreement.sealed", agreement, {"method": "scan", "sha256": agreement.sealed_sha256, "mime": mime},
                 actor=consultant)
    return agreement


def _id_number(member) -> str:
    from ..members.services import decrypt_id_number
    return decrypt_id_number(member)


def render_subscription(card, *, by) -> Agreement:
    template = f"subscription_{card.program.kind.value}.docx"
    return create_agreement(card, AgreementKind.SUBSCRIPTION, template, lambda number, date, url: contexts.subscription(
        card, agreement_number=number, date=date, verify_url=url, id_number=_id_number(card.member)), by=by)


def get_agreement(agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound(refuse("agreement_not_found", N_("No agreement has the number %(id)s."), id=agreement_id))
    return agreement


def _made_at_their_counter(agreement: Agreement, user) -> bool:
    """A redemption confirmation or 认购书 from a redemption this counter user made themselves."""
    from ..cards.models import Redemption
    from ..users.roles import can
    return agreement.kind in (AgreementKind.REDEMPTION, AgreementKind.PURCHASE_SUBSCRIPTION) and can(
        user, "card.redeem") and db.session.scalar(select(Redemption.id).where(
            Redemption.agreement_id == agreement.id, Redemption.redeemed_by_id == user.id)) is not None


def downloadable(agreement_id: int, user) -> Agreement:
    """The agreement if this user may download it: those who may see full ID numbers, and the counter staff who made
    a redemption, for that redemption's confirmation (they print it for the holder to sign)."""
    from ..users.roles import can
    agreement = get_agreement(agreement_id)
    if can(user, "agreement.download") or _made_at_their_counter(agreement, user):
        return agreement
    raise Forbidden(refuse("forbidden", N_("Your role does not allow this.")))


def signable(agreement_id: int, user) -> Agreement:
    """The agreement if this user may have it signed: consultants and managers, and counter staff for the
    confirmations of their own redemptions, signed with the holder on the counter's tablet."""
    from ..users.roles import can
    agreement = get_agreement(agreement_id)
    if can(user, "agreement.sign") or _made_at_their_counter(agreement, user):
        return agreement
    raise Forbidden(refuse("forbidden", N_("Your role does not allow this.")))


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
    """The .docx: with the signatures once signed on screen, otherwise the draft to print and sign."""
    return (agreement.document(DocumentRole.SIGNED, DOCX_MIME) or agreement.document(DocumentRole.SEALED, DOCX_MIME)
            or agreement.document(DocumentRole.DRAFT, DOCX_MIME))


def current_document(agreement: Agreement) -> Document:
    """The sealed original once there is one, otherwise the draft to print and sign."""
    return agreement.document(DocumentRole.SEALED) or agreement.document(DocumentRole.DRAFT, DOCX_MIME)


def pdf_of(agreement: Agreement) -> tuple[bytes, str]:
    """(PDF, file name): the sealed PDF once sealed; a scanned image as a PDF; else the draft's PDF, made from the
    .docx the first time someone needs it and kept, so that issuing never waits for LibreOffice."""
    sealed = agreement.document(DocumentRole.SEALED)
    if sealed is not None and sealed.mime == PDF_MIME:
        return document_bytes(sealed), sealed.filename
    if sealed is not None and sealed.mime != DOCX_MIME:  # an ink-signed scan uploaded as JPEG or PNG
        return image_to_pdf(document_bytes(sealed)), f"{agreement.number}-signed.pdf"
    # Before certificate sealing, documents signed on screen were sealed as .docx: their PDF is a rendering of it.
    role = DocumentRole.SIGNED if sealed is not None else DocumentRole.DRAFT
    cached = agreement.document(role, PDF_MIME)
    if cached is None:
        source = sealed if sealed is not None else agreement.document(DocumentRole.DRAFT, DOCX_MIME)
        content = docx_to_pdf(document_bytes(source))
        try:
            with db.session.begin_nested():
                cached = _store(agreement, role, content, filename=source.filename.removesuffix(".docx") + ".pdf",
                                mime=PDF_MIME, template=source.template_version)
            db.session.commit()  # the PDF made once serves every later download
        except IntegrityError:  # another request made the same PDF at the same moment: use theirs
            db.session.rollback()
            db.session.expire(agreement)
            cached = agreement.document(role, PDF_MIME)
    return document_bytes(cached), cached.filename


def unrendered_drafts(program_code: str | None = None):
    """Unsigned agreements whose draft has no PDF yet (of one programme, or all), oldest first: a query."""
    from ..cards.models import Card
    from ..programs.models import Program
    has_pdf = select(Document.id).where(Document.agreement_id == Agreement.id, Document.role == DocumentRole.DRAFT,
                                        Document.mime == PDF_MIME).exists()
    stmt = select(Agreement.id).where(Agreement.status == AgreementStatus.UNSIGNED, ~has_pdf).order_by(Agreement.id)
    if program_code:
        stmt = stmt.join(Card, Card.id == Agreement.card_id).join(Program, Program.id == Card.program_id).where(
            Program.code == program_code.upper())
    return stmt


def render_drafts(program_code: str | None = None, *, progress=None) -> int:
    """Make the PDF of every unsigned draft that has none yet (the bulk rendering job: LibreOffice is slow, so a worker
    does it ahead of the members' downloads, after an import for instance). Idempotent: a rendered draft is skipped;
    each PDF is kept as soon as it is made. Returns how many were made."""
    ids = list(db.session.scalars(unrendered_drafts(program_code)))
    for done, agreement_id in enumerate(ids, start=1):
        pdf_of(db.session.get(Agreement, agreement_id))
        if progress is not None:
            progress(done, len(ids))
    return len(ids)


@transition
def download_pdf(agreement: Agreement, *, by) -> tuple[bytes, str]:
    """The PDF for the person asking, logged like every download (it carries the full ID number)."""
    content, filename = pdf_of(agreement)
    audit.record("agreement.document_downloaded", agreement, {"document": filename, "format": "pdf",
                                                              "sha256": hashlib.sha256(content).hexdigest()}, actor=by)
    return content, filename


def document_bytes(document: Document) -> bytes:
    return cipher().decrypt_bytes(document.content_encrypted, context=_CONTEXT)


@transition
def download(document: Document, *, by) -> bytes:
    """A document for the person asking: it holds the full ID number, so every download is in the audit log."""
    content = document_bytes(document)
    audit.record("agreement.document_downloaded", document.agreement,
                 {"document": document.filename, "role": document.role.value, "sha256": document.sha256}, actor=by)
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


@transition
def member_download(agreement: Agreement, card_number: str | None, id_tail: str | None) -> tuple[bytes, str]:
    """The member's own sealed PDF, once they prove who they are: the number of their card (any generation of it)
    and the last six characters of the holder's ID number. Every attempt is logged; a wrong one says not which part."""
    import hmac

    from ..cards.models import Card
    from ..rules.cards import check_card_number

    if agreement.status is not AgreementStatus.SEALED:
        raise Conflict(refuse("agreement_not_sealed", N_("This document is not signed and sealed yet: there is no original to download.")))
    _, number = check_card_number(card_number or "")
    card = db.session.scalar(select(Card).where(Card.number == number)) if number else None
    tail = (id_tail or "").strip().upper()
    expected = _id_number(agreement.card.member)[-6:].upper()
    proven = (card is not None and card.public_id == agreement.card.public_id and len(tail) == 6
              and hmac.compare_digest(tail, expected))
    if not proven:
        audit.record("agreement.member_download_refused", agreement, {"card_number_tail": (number or "")[-4:]},
                     actor=None)  # the public: a holder proving who they are
        db.session.commit()  # the refused attempt is kept before refusing
        raise Forbidden(refuse("member_proof_failed", N_(
            "The card number and the last six characters of the ID number do not match this document.")))
    content, filename = pdf_of(agreement)
    audit.record("agreement.member_downloaded", agreement, {"card": card.number, "document": filename}, actor=None)
    return content, filename

from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime, enum_column


class AgreementKind(str, Enum):
    SUBSCRIPTION = "subscription"  # 认筹/入会协议书
    LOSS_REISSUE = "loss_reissue"  # 挂失补办申请书
    TRANSFER = "transfer"  # 转让协议
    REFUND = "refund"  # 退卡确认书
    REDEMPTION = "redemption"  # 解筹/核销确认书
    RENEWAL = "renewal"  # 续期确认书
    PURCHASE_SUBSCRIPTION = "purchase_subscription"  # 认购书: a card redeemed for a unit of the inventory
    CANCELLATION = "cancellation"  # 退房确认书: that purchase cancelled


class AgreementStatus(str, Enum):
    UNSIGNED = "unsigned"
    SEALED = "sealed"
    VOID = "void"


class SigningMethod(str, Enum):
    DRAWN = "drawn"  # signatures drawn on screen, embedded in the document
    SCAN = "scan"  # printed, signed in ink, scan uploaded


class DocumentRole(str, Enum):
    DRAFT = "draft"  # to read, print and sign: the .docx and its PDF rendering
    SIGNED = "signed"  # the .docx with the drawn signatures and seal, from which the sealed PDF is made
    SEALED = "sealed"  # the original: the certificate-signed PDF, or the uploaded scan of an ink-signed copy


class Agreement(db.Model):
    __tablename__ = "agreements"
    audit_type = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)  # in the document's verification QR
    kind: Mapped[AgreementKind] = mapped_column(enum_column(AgreementKind, "agreement_kind"))
    status: Mapped[AgreementStatus] = mapped_column(enum_column(AgreementStatus, "agreement_status", 12))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    template_name: Mapped[str] = mapped_column(String(80))
    template_version: Mapped[str] = mapped_column(String(16))  # first 12 hex digits of the template file's SHA-256
    params: Mapped[str] = mapped_column(Text)  # JSON the template was rendered with; personal numbers masked
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signing_method: Mapped[SigningMethod | None] = mapped_column(enum_column(SigningMethod, "signing_method", 8))
    sealed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sealed_sha256: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    seal_token: Mapped[str | None] = mapped_column(String(200))

    card = relationship("Card", foreign_keys=[card_id])
    documents: Mapped[list[Document]] = relationship(back_populates="agreement", order_by="Document.id")
    signatures: Mapped[list[Signature]] = relationship(back_populates="agreement", order_by="Signature.id")

    __table_args__ = (
        CheckConstraint("(status = 'sealed') = (sealed_sha256 IS NOT NULL AND sealed_at IS NOT NULL AND seal_token IS NOT NULL)"
                        " OR status = 'void'", name="sealed_complete"),
    )

    def document(self, role: DocumentRole, mime: str | None = None) -> Document | None:
        return next((d for d in reversed(self.documents) if d.role is role and mime in (None, d.mime)), None)


class Document(db.Model):
    """Document bytes, encrypted at rest (they carry ID numbers). Append-only: the database refuses changes."""

    __tablename__ = "documents"
    audit_type = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    role: Mapped[DocumentRole] = mapped_column(enum_column(DocumentRole, "document_role", 8))
    filename: Mapped[str] = mapped_column(String(120))
    mime: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    template_version: Mapped[str | None] = mapped_column(String(16))  # of the template that rendered it; None for scans
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # JSON, set once when written: for a certificate-signed PDF the certificate, the signing time and the
    # timestamp (stamped by which TSA, or why it failed).
    signature_info: Mapped[str | None] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="documents")

    __table_args__ = (
        # Each rendering is stored once (draft .docx, draft PDF, signed .docx, sealed original): a cache, not a pile.
        Index("uq_documents_agreement_role_mime", "agreement_id", "role", "mime", unique=True),
        # One sealed original per agreement: sealing adds it once; a changed agreement is a new agreement.
        Index("uq_documents_one_sealed", "agreement_id", unique=True,
              sqlite_where=text("role = 'sealed'"), postgresql_where=text("role = 'sealed'")),
    )


class SignerRole(str, Enum):
    MEMBER = "member"
    PREVIOUS_HOLDER = "previous_holder"  # signs the transfer agreement beside the new holder
    CONSULTANT = "consultant"
    ISSUER = "issuer"  # the programme's seal


class Signature(db.Model):
    __tablename__ = "signatures"
    audit_type = "signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    role: Mapped[SignerRole] = mapped_column(enum_column(SignerRole, "signer_role", 16))
    signer_name: Mapped[str] = mapped_column(String(80))
    method: Mapped[SigningMethod] = mapped_column(enum_column(SigningMethod, "signature_method", 8))
    image_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    consented: Mapped[bool | None] = mapped_column(Boolean)  # the member ticked "I have read and agree" before signing

    agreement: Mapped[Agreement] = relationship(back_populates="signatures")

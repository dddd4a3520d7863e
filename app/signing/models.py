from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime, enum_column


class CertificateKind(str, Enum):
    UPLOADED = "uploaded"  # the issuer's own PKCS#12, uploaded by a manager
    DEMO = "demo"  # issued by the demo CA for a programme without one: not for production
    DEMO_CA = "demo_ca"  # the locally generated demo CA itself (no programme)


class SigningCertificate(db.Model):
    """A certificate with its private key. The key is stored only encrypted (AES-GCM under VIP_DATA_KEY);
    an uploaded PKCS#12's password is used once to open it and never stored."""

    __tablename__ = "signing_certificates"
    audit_type = "signing_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"), index=True)
    kind: Mapped[CertificateKind] = mapped_column(enum_column(CertificateKind, "certificate_kind", 12))
    subject: Mapped[str] = mapped_column(String(300))
    serial: Mapped[str] = mapped_column(String(64))  # hex
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the certificate (DER), hex
    not_before: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    not_after: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    certificate_pem: Mapped[str] = mapped_column(Text)  # the certificate, then the rest of its chain (public)
    key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)  # the private key (PKCS#8 DER), encrypted
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # replaced by a newer upload

    program = relationship("Program")

    __table_args__ = (
        # One certificate in use per programme, and one demo CA per installation.
        Index("uq_signing_certificates_current", "program_id", unique=True,
              sqlite_where=text("retired_at IS NULL AND program_id IS NOT NULL"),
              postgresql_where=text("retired_at IS NULL AND program_id IS NOT NULL")),
        Index("uq_signing_certificates_one_demo_ca", "kind", unique=True,
              sqlite_where=text("kind = 'demo_ca'"), postgresql_where=text("kind = 'demo_ca'")),
    )

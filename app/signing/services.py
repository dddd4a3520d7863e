"""The certificate each programme's agreements are sealed under.

A manager uploads the issuer's PKCS#12 (the password opens it once and is not kept; the key is stored encrypted).
Where none is uploaded and VIP_DEMO_SIGNING is on (the default, for `make run` and tests), the service makes its own
demo CA once and a demo certificate per programme, both named as not for production.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..audit import actor_id
from ..clock import utcnow
from ..crypto import cipher
from ..errors import Conflict, ValidationFailed
from ..extensions import db, transition
from ..rules import N_, refuse
from .models import CertificateKind, SigningCertificate

_CONTEXT = "signing.key"
DEMO_MARK = "DEMO - NOT FOR PRODUCTION"
MAX_PKCS12_BYTES = 100 * 1024


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
                      x509.NameAttribute(NameOID.COMMON_NAME, common[:64])])


def _row(kind: CertificateKind, cert: x509.Certificate, key, chain: list[x509.Certificate], program=None, by=None
         ) -> SigningCertificate:
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return SigningCertificate(
        program=program, kind=kind, subject=cert.subject.rfc4514_string()[:300], serial=format(cert.serial_number, "x"),
        fingerprint=cert.fingerprint(hashes.SHA256()).hex(), not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        certificate_pem="".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in [cert, *chain]),
        key_encrypted=cipher().encrypt_bytes(key_der, context=_CONTEXT), created_at=utcnow(),
        created_by_id=actor_id(by))


def certificates(row: SigningCertificate) -> list[x509.Certificate]:
    """The certificate, then the rest of its chain."""
    return x509.load_pem_x509_certificates(row.certificate_pem.encode())


def key_der(row: SigningCertificate) -> bytes:
    return cipher().decrypt_bytes(row.key_encrypted, context=_CONTEXT)


def _issue(subject: x509.Name, issuer: x509.Name, public_key, signing_key, *, ca: bool, days: int) -> x509.Certificate:
    now = utcnow()
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
               .not_valid_after(now + dt.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                                      data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                                      crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                                      data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                                      crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def demo_ca() -> SigningCertificate:
    """The installation's demo CA, made once (a second worker racing to make it uses the first one's)."""
    row = db.session.scalar(select(SigningCertificate).where(SigningCertificate.kind == CertificateKind.DEMO_CA))
    if row is not None:
        return row
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"VIP cards demo CA ({DEMO_MARK})", "VIP cards demo")
    cert = _issue(name, name, key.public_key(), key, ca=True, days=3650)
    try:
        with db.session.begin_nested():
            row = _row(CertificateKind.DEMO_CA, cert, key, [])
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalar(select(SigningCertificate).where(SigningCertificate.kind == CertificateKind.DEMO_CA))
    return row


def current_certificate(program) -> SigningCertificate | None:
    return db.session.scalar(select(SigningCertificate).where(SigningCertificate.program_id == program.id,
                                                              SigningCertificate.retired_at.is_(None)))


def certificate_for(program, *, by) -> SigningCertificate:
    """The certificate to seal this programme's agreements with; a demo one where allowed and none was uploaded.
    The caller's transaction keeps a newly made demo certificate."""
    row = current_certificate(program)
    if row is not None:
        return row
    if not current_app.config.get("VIP_DEMO_SIGNING", True):
        raise Conflict(refuse("certificate_missing", N_(
            "Programme %(program)s has no signing certificate: a manager must upload the issuer's PKCS#12 "
            "on the programme page before agreements can be sealed."), program=program.code))
    ca = demo_ca()
    ca_cert, ca_key = certificates(ca)[0], serialization.load_der_private_key(key_der(ca), None)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _issue(_name(f"{program.issuer_name} ({DEMO_MARK})", program.issuer_name), ca_cert.subject, key.public_key(),
                  ca_key, ca=False, days=3 * 365)
    try:
        with db.session.begin_nested():
            row = _row(CertificateKind.DEMO, cert, key, [ca_cert], program=program, by=by)
            db.session.add(row)
    except IntegrityError:  # two first sealings at once: the other one's certificate serves both
        return current_certificate(program)
    audit.record("program.certificate_demo_issued", program, {"subject": row.subject, "serial": row.serial}, actor=by)
    return row


@transition
def upload_pkcs12(program, content: bytes | None, password: str | None, *, by) -> SigningCertificate:
    """The issuer's own certificate: checked, its key kept encrypted, the password forgotten; the old one retired."""
    problem = _check_upload(content)
    if problem:
        raise ValidationFailed({"file": problem})
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(content, (password or "").encode() or None)
    except ValueError:
        raise ValidationFailed({"password": refuse("pkcs12_unreadable", N_(
            "The file could not be opened with this password: check the password, and that the file is a PKCS#12 (.p12, .pfx)."))}) from None
    if key is None or cert is None:
        raise ValidationFailed({"file": refuse("pkcs12_incomplete", N_(
            "The file must hold both the certificate and its private key."))})
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise ValidationFailed({"file": refuse("pkcs12_key_type", N_("Only RSA and elliptic-curve keys can sign PDFs here."))})
    if key.public_key().public_numbers() != cert.public_key().public_numbers():
        raise ValidationFailed({"file": refuse("pkcs12_key_mismatch", N_("The private key does not belong to the certificate."))})
    now = utcnow()
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise ValidationFailed({"file": refuse("certificate_not_current", N_(
            "The certificate is valid from %(start)s to %(end)s, not today."),
            start=cert.not_valid_before_utc.date(), end=cert.not_valid_after_utc.date())})
    program_row = db.session.scalar(select(type(program)).where(type(program).id == program.id).with_for_update())
    old = current_certificate(program_row)
    if old is not None:
        old.retired_at = now
        db.session.flush()
    row = _row(CertificateKind.UPLOADED, cert, key, list(extra or []), program=program_row, by=by)
    db.session.add(row)
    db.session.flush()
    audit.record("program.certificate_uploaded", program_row, {"subject": row.subject, "serial": row.serial,
                                                               "fingerprint": row.fingerprint,
                                                               "replaces": old.serial if old else None}, actor=by)
    return row


def _check_upload(content: bytes | None):
    if not content:
        return refuse("pkcs12_missing", N_("Choose the certificate file (.p12 or .pfx) to upload."))
    if len(content) > MAX_PKCS12_BYTES:
        return refuse("pkcs12_too_large", N_("A certificate file is at most 100 KB."))
    return None


def trust_roots() -> list[bytes]:
    """Certificates a sealed PDF of ours may chain to: the demo CA and the top of every uploaded chain."""
    roots: dict[str, bytes] = {}
    for row in db.session.scalars(select(SigningCertificate).where(SigningCertificate.kind != CertificateKind.DEMO)):
        chain = certificates(row)
        top = chain[-1]
        roots[top.fingerprint(hashes.SHA256()).hex()] = top.public_bytes(serialization.Encoding.DER)
    return list(roots.values())


def known_fingerprints() -> set[str]:
    return set(db.session.scalars(select(SigningCertificate.fingerprint)))


def demo_ca_pem() -> str:
    row = demo_ca()
    db.session.commit()  # made on first request: keep it, or the next one would differ
    return certificates(row)[0].public_bytes(serialization.Encoding.PEM).decode()


def dump_certificate(row: SigningCertificate | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"kind": row.kind.value, "demo": row.kind is not CertificateKind.UPLOADED, "subject": row.subject,
            "serial": row.serial, "fingerprint_sha256": row.fingerprint, "not_before": row.not_before.isoformat(),
            "not_after": row.not_after.isoformat(), "uploaded_at": row.created_at.isoformat()}


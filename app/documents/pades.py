"""PAdES signatures over PDFs (pyHanko): sealing under the issuer's certificate, and checking a PDF someone holds."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509

logger = logging.getLogger(__name__)
FIELD_NAME = "IssuerSeal"


@dataclass
class Signed:
    pdf: bytes
    signing_time: dt.datetime
    timestamp: str  # "stamped", "failed" or "none" (no TSA configured)
    timestamp_time: dt.datetime | None = None
    timestamp_error: str | None = None


def _outside_event_loop(fn):
    """pyHanko runs its own asyncio loop; where this thread already runs one (an async server, a browser driver in
    tests), do the work on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def _asn1_cert(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der)


def sign_pdf(pdf: bytes, *, key_der: bytes, chain_der: list[bytes], reason: str, location: str, name: str,
             tsa_url: str | None, now: dt.datetime) -> Signed:
    """Sign ``pdf`` as a PAdES baseline signature; with ``tsa_url``, add its RFC 3161 timestamp (B-T).

    A TSA that fails does not stop the sealing, but the result says so: the caller records it where people look.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = signers.SimpleSigner(signing_cert=_asn1_cert(chain_der[0]),
                                  signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
                                  cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain_der[1:]]))
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256", reason=reason, location=location,
                                        name=name, subfilter=fields.SigSeedSubFilter.PADES)

    def run(timestamper) -> bytes:
        def sign() -> bytes:
            out = io.BytesIO()
            signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(
                IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False), output=out)
            return out.getvalue()
        return _outside_event_loop(sign)

    if not tsa_url:
        return Signed(run(None), now, "none")
    try:
        signed = run(HTTPTimeStamper(tsa_url, timeout=10))
    except Exception as exc:  # noqa: BLE001  any TSA failure (network, HTTP, malformed answer) is reported, not raised
        logger.warning("timestamp authority %s failed: %s", tsa_url, exc)
        return Signed(run(None), now, "failed", timestamp_error=f"{type(exc).__name__}: {exc}"[:300])
    stamp = validate(signed, []).timestamp_time
    return Signed(signed, now, "stamped", timestamp_time=stamp)


@dataclass
class Check:
    """What a PDF's signature says, in plain terms."""

    signed: bool = False  # the file is a PDF with at least one signature
    damaged: bool = False  # not a PDF that can be read
    intact: bool = False  # the signed bytes are exactly what was signed
    whole_file: bool = False  # nothing was added after signing (no incremental update)
    trusted: bool = False  # the signer's certificate chains to one of our roots
    subject: str | None = None
    serial: str | None = None
    fingerprint: str | None = None
    signing_time: dt.datetime | None = None
    timestamp_time: dt.datetime | None = None
    timestamp_valid: bool | None = None
    reason: str | None = None  # what the signer wrote: our seals name the agreement number
    problems: list[str] = field(default_factory=list)


def validate(pdf: bytes, trust_roots_der: list[bytes]) -> Check:
    """Check the first signature of ``pdf`` against ``trust_roots_der``; never raises on garbage."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    check = Check()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001  a file that is not a readable PDF is a verdict, not an error
        check.damaged = True
        check.problems.append(type(exc).__name__)
        return check
    if not signatures:
        return check
    check.signed = True
    embedded = signatures[0]
    try:
        check.reason = str(embedded.sig_object.get("/Reason")) if "/Reason" in embedded.sig_object else None
    except Exception:  # noqa: BLE001
        check.reason = None
    try:
        roots = [_asn1_cert(r) for r in trust_roots_der]
        # Our roots only, never the operating system's list: a seal counts when it chains to an issuer we know.
        status = _outside_event_loop(lambda: validate_pdf_signature(
            embedded, signer_validation_context=ValidationContext(trust_roots=roots, allow_fetching=False),
            ts_validation_context=ValidationContext(trust_roots=roots, allow_fetching=False)))
    except Exception as exc:  # noqa: BLE001  a mangled signature is "not intact", not a 500
        logger.info("signature validation failed: %s: %s", type(exc).__name__, exc)
        check.problems.append(f"{type(exc).__name__}: {exc}"[:200])
        return check
    check.intact = bool(status.intact and status.valid)
    check.whole_file = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    check.trusted = bool(roots) and bool(status.trusted)
    cert = status.signing_cert
    names = cert.subject.native
    check.subject = " · ".join(dict.fromkeys(str(names[k]) for k in ("common_name", "organization_name") if names.get(k))) \
        or cert.subject.human_friendly
    check.serial = format(cert.serial_number, "x")
    check.fingerprint = cert.sha256.hex()
    check.signing_time = status.signer_reported_dt
    if status.timestamp_validity is not None:
        check.timestamp_time = status.timestamp_validity.timestamp
        check.timestamp_valid = bool(status.timestamp_validity.intact and status.timestamp_validity.valid)
    return check

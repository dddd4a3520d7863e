"""Sealed means signed with a certificate, and anyone can verify: PAdES under the issuer's (or the demo) certificate,
an optional RFC 3161 timestamp, /check for originals, altered, re-saved and foreign PDFs, members' own downloads."""

import asyncio
import datetime as dt
import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask_login import login_user
from sqlalchemy import select
from werkzeug.serving import make_server

from app.agreements import services
from app.agreements.models import DocumentRole
from app.audit import AuditEntry
from app.documents import pades
from app.extensions import db
from app.signing.models import SigningCertificate
from tests.conftest import DEFAULT_NOW, csrf_token, signature_data_url, valid_id_number

VENV_BIN = Path(sys.executable).parent


@pytest.fixture
def fresh_limits():
    """Rate limits count per address across tests: start and end each limit test with none spent."""
    from app.extensions import limiter
    limiter.reset()
    yield
    limiter.reset()


def _sign(app, card, consultant, **data):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "10.9.8.7"}):
        login_user(consultant)
        return services.sign_drawn(card.agreements[0].id, {"member_signature": signature_data_url("会员"),
                                                           "consultant_signature": signature_data_url("顾问"),
                                                           "consent": "on", **data}, consultant=consultant)


def _sealed_pdf(app, agreement) -> bytes:
    with app.test_request_context("/"):
        return services.document_bytes(agreement.document(DocumentRole.SEALED))


def _ca_pem(app) -> bytes:
    return app.test_client().get("/check/demo-ca.pem").data


def _check(app, content: bytes, name="copy.pdf") -> str:
    visitor = app.test_client()
    page = visitor.get("/check")
    response = visitor.post("/check", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                                      "file": (io.BytesIO(content), name)})
    return response.get_data(as_text=True)


def _self_signed(name: str, *, days: int = 365, start_days_ago: int = 1):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name), x509.NameAttribute(NameOID.ORGANIZATION_NAME, name)])
    now = DEFAULT_NOW  # the service's fixed clock decides what "valid today" means
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=start_days_ago))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def test_a_drawn_signature_seals_a_pdf_that_validates_under_the_demo_ca(app, make_card, tmp_path):
    card = make_card(signed=False)
    agreement = _sign(app, card, make_card.consultant)
    pdf = _sealed_pdf(app, agreement)
    ca = _ca_pem(app)
    check = pades.validate(pdf, [x509.load_pem_x509_certificate(ca).public_bytes(serialization.Encoding.DER)])
    assert (check.intact, check.whole_file, check.trusted) == (True, True, True), check
    assert "DEMO" in check.subject and agreement.number in check.reason
    assert b"pdfaid:part" in pdf  # PDF/A, fonts embedded: what archives keep
    member = [s for s in agreement.signatures if s.role.value == "member"][0]
    assert (member.consented, member.ip) == (True, "10.9.8.7")
    info = json.loads(agreement.document(DocumentRole.SEALED).signature_info)
    assert info["certificate"]["serial"] == check.serial and info["timestamp"]["status"] == "none"

    # Anyone can check it with pyHanko's own command, trusting the demo CA.
    (tmp_path / "ca.pem").write_bytes(ca)
    (tmp_path / "sealed.pdf").write_bytes(pdf)
    result = subprocess.run([str(VENV_BIN / "pyhanko"), "sign", "validate", "--trust", str(tmp_path / "ca.pem"),
                             str(tmp_path / "sealed.pdf")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "INTACT:TRUSTED" in result.stdout.replace(" ", ""), result.stdout + result.stderr


def test_check_tells_the_original_from_an_altered_a_resaved_and_a_foreign_pdf(app, make_card):
    card = make_card(signed=False)
    agreement = _sign(app, card, make_card.consultant)
    pdf = _sealed_pdf(app, agreement)
    assert "封存原件" in _check(app, pdf) and agreement.number in _check(app, pdf)

    # One changed byte inside the signed content: the signature no longer matches.
    at = pdf.index(b"/Producer")
    altered = pdf[:at + 2] + bytes([pdf[at + 2] ^ 0x01]) + pdf[at + 3:]
    page = _check(app, altered)
    assert "已被篡改" in page and agreement.number in page

    # Saved again with something added after sealing (an incremental update): the sealed part alone is genuine.
    from pyhanko.pdf_utils.generic import TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    writer.root["/Lang"] = TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    assert "封存后被改动" in _check(app, out.getvalue())

    # Signed, but by a certificate of nobody we know.
    fresh_key, fresh_cert = _self_signed("Someone Else Co")
    from app.documents.pdf import image_to_pdf
    from tests.conftest import scan_png
    stranger = pades.sign_pdf(image_to_pdf(scan_png()), key_der=fresh_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        chain_der=[fresh_cert.public_bytes(serialization.Encoding.DER)], reason="x", location="x", name="x", tsa_url=None,
        now=dt.datetime.now(dt.UTC)).pdf
    page = _check(app, stranger)
    assert "非本系统签名" in page and "Someone Else Co" in page
    assert "无法识别" in _check(app, b"%PDF-1.4 garbage")  # damaged: a verdict, never a 500


def test_the_api_check_answers_with_the_verdict(app, api_as, make_card):
    card = make_card(signed=False)
    agreement = _sign(app, card, make_card.consultant)
    pdf = _sealed_pdf(app, agreement)
    staff = api_as("counter")
    body = staff.client.post("/api/v1/documents/check", headers=staff._headers(),
                             data={"file": (io.BytesIO(pdf), "a.pdf")}, content_type="multipart/form-data").get_json()
    assert (body["verdict"], body["genuine"], body["agreement"]["number"]) == ("sealed_original", True, agreement.number)
    assert body["signature"]["intact"] and body["signature"]["trusted"] and body["signature"]["covers_whole_file"]
    tampered = pdf.replace(b"/Producer", b"/Producex", 1)
    body = staff.client.post("/api/v1/documents/check", headers=staff._headers(),
                             data={"file": (io.BytesIO(tampered), "a.pdf")}, content_type="multipart/form-data").get_json()
    assert (body["verdict"], body["genuine"]) in {("altered", False), ("not_recognised", False)}
    missing = staff.client.post("/api/v1/documents/check", headers=staff._headers(), data={}, content_type="multipart/form-data")
    assert missing.status_code == 422


class _Timestamper:
    """A real RFC 3161 responder on a loopback port (pyHanko's test TSA behind HTTP)."""

    def __init__(self):
        from cryptography.hazmat.primitives.asymmetric import rsa
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's test TSA signs with RSA
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=30))
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                .sign(key, hashes.SHA256()))
        self.stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                                    serialization.NoEncryption())))
        self.hits = 0

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        self.hits += 1
        answer = asyncio.run(self.stamper.async_request_tsa_response(tsp.TimeStampReq.load(body)))
        start_response("200 OK", [("Content-Type", "application/timestamp-reply")])
        return [answer.dump()]


@pytest.fixture
def tsa():
    responder = _Timestamper()
    server = make_server("127.0.0.1", 0, responder, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    responder.url = f"http://127.0.0.1:{server.server_port}/"
    yield responder
    server.shutdown()


def test_a_configured_tsa_timestamps_the_seal(app, make_card, tsa, monkeypatch):
    monkeypatch.setitem(app.config, "VIP_TSA_URL", tsa.url)
    card = make_card(signed=False)
    agreement = _sign(app, card, make_card.consultant)
    pdf = _sealed_pdf(app, agreement)
    check = pades.validate(pdf, [])
    assert tsa.hits >= 1 and check.intact and check.timestamp_time is not None
    info = json.loads(agreement.document(DocumentRole.SEALED).signature_info)
    assert info["timestamp"]["status"] == "stamped" and info["timestamp"]["tsa"] == tsa.url


def test_a_failing_tsa_is_said_on_the_record_and_in_the_log(app, make_card, monkeypatch):
    import socket
    with socket.socket() as s:  # a port nothing listens on: the TSA refuses connections
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/"
    monkeypatch.setitem(app.config, "VIP_TSA_URL", dead)
    card = make_card(signed=False)
    agreement = _sign(app, card, make_card.consultant)
    assert agreement.status.value == "sealed"  # sealing goes on, and says what it lacks
    info = json.loads(agreement.document(DocumentRole.SEALED).signature_info)
    assert info["timestamp"]["status"] == "failed" and info["timestamp"]["error"] and info["timestamp"]["time"] is None
    assert pades.validate(_sealed_pdf(app, agreement), []).timestamp_time is None
    logged = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "agreement.timestamp_failed")).all()
    assert [json.loads(e.data)["tsa"] for e in logged] == [dead]


def _p12(key, cert, password: bytes | None) -> bytes:
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(b"issuer", key, cert, None, encryption)


def test_an_uploaded_pkcs12_seals_from_then_on_and_its_password_is_kept_nowhere(app, login, make_card, make_program, api_as):
    program = make_program(code="P12-1")
    admin = api_as("admin")
    key, cert = _self_signed("测试置业有限责任公司")
    good = _p12(key, cert, b"s3cret-pass")

    def upload(content, password):
        return admin.client.put(f"/api/v1/programs/{program.code}/certificate", headers=admin._headers(),
                                data={"file": (io.BytesIO(content), "issuer.p12"), "password": password},
                                content_type="multipart/form-data")

    wrong = upload(good, "wrong")
    assert (wrong.status_code, wrong.get_json()["error"]["reasons"]) == (422, {"password": "pkcs12_unreadable"})
    old_key, old_cert = _self_signed("Old Co", days=-29, start_days_ago=30)
    expired_cert = old_cert  # valid for one day, a month before today
    expired = upload(_p12(old_key, expired_cert, b"pw-123456"), "pw-123456")
    assert (expired.status_code, expired.get_json()["error"]["reasons"]) == (422, {"file": "certificate_not_current"})
    consultant = api_as("consultant")
    assert consultant.client.put(f"/api/v1/programs/{program.code}/certificate", headers=consultant._headers()).status_code == 403
    ok = upload(good, "s3cret-pass")
    assert ok.status_code == 200 and ok.get_json()["certificate"]["kind"] == "uploaded", ok.get_json()
    assert ok.get_json()["certificate"]["serial"] == format(cert.serial_number, "x")
    rows = db.session.scalars(select(SigningCertificate).where(SigningCertificate.program_id == program.id)).all()
    assert all(b"s3cret-pass" not in (r.key_encrypted + r.certificate_pem.encode()) for r in rows)
    assert not any(b"s3cret-pass" in (e.data or "").encode() for e in db.session.scalars(select(AuditEntry)))

    card = make_card(program=program, signed=False)
    agreement = _sign(app, card, make_card.consultant)
    check = pades.validate(_sealed_pdf(app, agreement), [cert.public_bytes(serialization.Encoding.DER)])
    assert check.intact and check.trusted and check.serial == format(cert.serial_number, "x")
    page = login("admin").get(f"/programs/{program.code}").get_data(as_text=True)
    assert format(cert.serial_number, "x") in page and "演示证书" not in page


def test_without_demo_signing_a_programme_needs_its_certificate(app, make_card, monkeypatch):
    monkeypatch.setitem(app.config, "VIP_DEMO_SIGNING", False)
    card = make_card(signed=False)
    from app.errors import Conflict
    with pytest.raises(Conflict) as refused:
        _sign(app, card, make_card.consultant)
    assert refused.value.code == "certificate_missing"
    assert card.agreements[0].status.value == "unsigned"


def test_a_member_downloads_the_sealed_pdf_with_card_number_and_id_tail(app, make_card, make_member, fresh_limits):
    member = make_member(id_number=valid_id_number(4242))
    card = make_card(member=member, signed=False)
    agreement = _sign(app, card, make_card.consultant)
    with app.test_request_context("/"):
        path = services.verify_url(agreement).split("vip.example.test", 1)[1]
    visitor = app.test_client()
    page = visitor.get(path).get_data(as_text=True)
    assert member.name not in page and "下载我的封存件" in page
    token = csrf_token(page)
    wrong = visitor.post(path + "/download", data={"csrf_token": token, "card_number": card.number, "id_tail": "000000"})
    assert wrong.status_code == 403 and "不符" in wrong.get_data(as_text=True) and wrong.mimetype == "text/html"
    right = visitor.post(path + "/download", data={"csrf_token": token, "card_number": card.number,
                                                   "id_tail": valid_id_number(4242)[-6:].lower()})
    assert right.mimetype == "application/pdf" and right.data == _sealed_pdf(app, agreement)
    actions = [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("agreement.member_%")).order_by(AuditEntry.id))]
    assert actions == ["agreement.member_download_refused", "agreement.member_downloaded"]
    statuses = [visitor.post(path + "/download", data={"csrf_token": token, "card_number": card.number, "id_tail": "111111"}).status_code
                for _ in range(6)]
    assert 429 in statuses  # guessing is limited per address


def test_the_cli_exports_the_same_demo_ca_the_public_page_serves(app, tmp_path):
    out = tmp_path / "ca.pem"
    result = app.test_cli_runner().invoke(args=["signing", "export-ca", str(out)])
    assert result.exit_code == 0 and "DEMO" in result.output
    assert out.read_bytes() == _ca_pem(app)


def test_the_signed_word_copy_is_recognised_and_a_draft_is_not(app, api_as, make_card):
    card = make_card(signed=False)
    staff = api_as("consultant")
    draft = staff.get(f"/agreements/{card.agreements[0].id}/document.docx").data
    agreement = _sign(app, card, make_card.consultant)
    signed_docx = staff.get(f"/agreements/{agreement.id}/document.docx").data

    def verdict(content):
        return staff.client.post("/api/v1/documents/check", headers=staff._headers(), content_type="multipart/form-data",
                                 data={"file": (io.BytesIO(content), "a.docx")}).get_json()

    assert (verdict(signed_docx)["verdict"], verdict(signed_docx)["agreement"]["number"]) == ("signed_copy", agreement.number)
    assert verdict(draft)["verdict"] == "not_recognised"
    assert "已签署的 Word 副本" in _check(app, signed_docx, "a.docx")


def test_guesses_at_one_document_from_many_addresses_meet_a_ceiling(app, make_card, monkeypatch, fresh_limits):
    monkeypatch.setitem(app.config, "VIP_MEMBER_DOWNLOAD_DOCUMENT_LIMIT", "3 per day")
    card = make_card(signed=False)
    agreement = _sign(app, card, make_card.consultant)
    with app.test_request_context("/"):
        path = services.verify_url(agreement).split("vip.example.test", 1)[1]
    statuses = []
    for n in range(5):
        visitor = app.test_client()
        address = {"REMOTE_ADDR": f"10.0.0.{n + 1}"}
        token = csrf_token(visitor.get(path, environ_base=address).get_data(as_text=True))
        statuses.append(visitor.post(path + "/download", environ_base=address,
                                     data={"csrf_token": token, "card_number": card.number, "id_tail": f"00000{n}"}).status_code)
    assert statuses == [403, 403, 403, 429, 429]

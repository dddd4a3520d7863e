"""Word documents to PDF/A with LibreOffice, through a warm converter; PDF pages as images.

A cold ``soffice --convert-to`` costs seconds of start-up per document. Instead one unoserver (LibreOffice kept
running behind a small XML-RPC server) is started on first use in each worker process and reused; it is started
again if it died. unoserver's server needs LibreOffice's Python bindings (Debian's python3-uno, for the system's
/usr/bin/python3), so it runs under that interpreter while this process talks to it over XML-RPC.
Set VIP_UNOSERVER=host:port to use a converter running elsewhere instead.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from pathlib import Path

from flask import current_app, has_app_context

from ..errors import ServiceError
from ..rules import N_, refuse

PDF_MIME = "application/pdf"
PACKAGE = "libreoffice-writer-nogui"
INSTALL_HINT = "apt-get install libreoffice-writer-nogui python3-uno fonts-noto-cjk"
FONTS_CONF = Path(__file__).with_name("fonts.conf")
SYSTEM_PYTHON = "/usr/bin/python3"  # the interpreter python3-uno is built for
START_TIMEOUT = 90  # seconds for LibreOffice's first start
CONVERT_TIMEOUT = 120  # seconds for one document: the server gives up (and restarts LibreOffice) after this
CLIENT_MARGIN = 15  # ...and we stop waiting for its answer this much later (a hung server cannot hang a request)
# PDF/A-2b: fonts embedded, self-contained, what archives and courts accept; tagged for readers.
PDF_OPTIONS = ["SelectPdfVersion=2", "UseTaggedPDF=true", "ExportFormFields=false"]


class ConverterMissing(ServiceError):
    status = 503


class ConversionFailed(ServiceError):
    status = 503


def _setting(name: str) -> str | None:
    return current_app.config.get(name) if has_app_context() else os.environ.get(name)


def soffice_path() -> str | None:
    configured = _setting("VIP_SOFFICE")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("soffice") or next((p for p in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice")
                                             if Path(p).is_file()), None)


def _uno_available() -> bool:
    return Path(SYSTEM_PYTHON).is_file() and Path("/usr/lib/python3/dist-packages/uno.py").is_file()


def converter_available() -> bool:
    """Whether documents can be made into PDFs here (an external converter, or LibreOffice with its bindings)."""
    return bool(_setting("VIP_UNOSERVER")) or (soffice_path() is not None and _uno_available())


def _missing() -> ConverterMissing:
    return ConverterMissing(refuse("pdf_converter_missing", N_(
        "PDF documents need LibreOffice, which is not installed on this server. Install the Debian package "
        "%(package)s (%(hint)s)."), package=PACKAGE, hint=INSTALL_HINT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unoserver_path(profile: Path) -> str:
    """A directory holding only unoserver (linked from this environment), for the system Python's PYTHONPATH: the rest
    of our site-packages, built for another interpreter, must not shadow what LibreOffice's Python imports."""
    import unoserver
    package = Path(unoserver.__file__).parent
    lib = profile / "python"
    lib.mkdir()
    (lib / "unoserver").symlink_to(package)
    for dist in package.parent.glob("unoserver-*.dist-info"):  # unoserver reads its version from its metadata
        (lib / dist.name).symlink_to(dist)
    return str(lib)


class _LocalServer:
    """One unoserver per worker process, started on first use, started again when it has died or we forked."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.pid = 0
        self.port = 0
        self.profile: str | None = None  # LibreOffice's user profile, owned by the process that made it
        self.conversions = 0  # counted for tests and figures
        self.starts = 0

    def _alive(self) -> bool:
        return self.process is not None and self.pid == os.getpid() and self.process.poll() is None

    def _start(self, soffice: str) -> None:
        self.stop()
        self.profile = tempfile.mkdtemp(prefix="vip-lo-")
        self.port, uno_port = _free_port(), _free_port()
        env = {**os.environ, "PYTHONPATH": _unoserver_path(Path(self.profile)), "FONTCONFIG_FILE": str(FONTS_CONF),
               "HOME": self.profile}
        env.pop("PYTHONHOME", None)
        self.process = subprocess.Popen(
            [SYSTEM_PYTHON, "-c", "from unoserver.server import main; main()", "--port", str(self.port),
             "--uno-port", str(uno_port), "--executable", soffice, "--quiet",
             "--user-installation", str(Path(self.profile) / "profile"),
             "--conversion-timeout", str(CONVERT_TIMEOUT)],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        self.pid = os.getpid()
        self.starts += 1
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}").info()
                return
            except (OSError, xmlrpc.client.Error):
                time.sleep(0.2)
        self.stop()
        raise ConversionFailed(refuse("pdf_converter_failed", N_(
            "LibreOffice did not start, so the PDF could not be made. Try again; if it persists, check %(package)s."),
            package=PACKAGE))

    def stop(self) -> None:
        if self.process is not None and self.pid == os.getpid():
            # The whole session: unoserver, LibreOffice's launcher oosplash (which outlives SIGTERM) and soffice.bin.
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass  # every process of the session is gone already
        if self.profile is not None and self.pid == os.getpid():
            shutil.rmtree(self.profile, ignore_errors=True)
        self.process = None
        self.profile = None

    def forked(self) -> None:
        """In a child process: forget the parent's converter (it stays the parent's) and any lock held at the fork."""
        self.lock = threading.Lock()
        self.process = None
        self.profile = None

    def address(self, soffice: str) -> tuple[str, int]:
        with self.lock:
            if not self._alive():
                self._start(soffice)
            return "127.0.0.1", self.port


_server = _LocalServer()
atexit.register(lambda: _server.stop())  # LibreOffice runs in its own session: do not leave it behind
os.register_at_fork(after_in_child=_server.forked)


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a socket timeout."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


def _convert(host: str, port: int, content: bytes) -> bytes:
    """One conversion by unoserver's XML-RPC API (version 3), called directly rather than through its UnoClient, which
    waits 40 s retrying a server that is not there and has no timeout."""
    with xmlrpc.client.ServerProxy(f"http://{host}:{port}", allow_none=True,
                                   transport=_Transport(CONVERT_TIMEOUT + CLIENT_MARGIN)) as proxy:
        # inpath, indata, outpath, convert_to, filtername, filter_options, update_index, infiltername, password
        result = proxy.convert(None, content, None, "pdf", "writer_pdf_Export", PDF_OPTIONS, True, None, None)
    data = result.data if isinstance(result, xmlrpc.client.Binary) else result
    if not isinstance(data, (bytes, bytearray)) or not bytes(data).startswith(b"%PDF-"):
        raise OSError("the converter returned no PDF")
    return bytes(data)


def docx_to_pdf(content: bytes) -> bytes:
    """The PDF/A-2b of a .docx, fonts embedded. Raises ConverterMissing (503) where LibreOffice is not installed."""
    external = _setting("VIP_UNOSERVER")
    if external:
        host, _, port = external.rpartition(":")
        try:
            return _convert(host or "127.0.0.1", int(port), content)
        except (OSError, ValueError, xmlrpc.client.Error) as exc:
            raise ConversionFailed(refuse("pdf_converter_failed", N_(
                "The PDF converter at %(address)s did not answer; the PDF could not be made."), address=external)) from exc
    soffice = soffice_path()
    if soffice is None or not _uno_available():
        raise _missing()
    for attempt in range(2):  # a converter that died since its last use is started again, once
        host, port = _server.address(soffice)
        try:
            pdf = _convert(host, port, content)
        except (OSError, xmlrpc.client.Error) as exc:
            with _server.lock:
                if _server.port == port:  # not one another thread has started meanwhile
                    _server.stop()
            if isinstance(exc, TimeoutError):  # stuck on this document: LibreOffice is restarted, the request ends
                raise ConversionFailed(refuse("pdf_converter_timeout", N_(
                    "LibreOffice took too long to make this document into a PDF. Try again in a moment."))) from None
            if attempt:
                raise ConversionFailed(refuse("pdf_converter_failed", N_(
                    "LibreOffice could not make this document into a PDF. Try again; if it persists, check %(package)s."),
                    package=PACKAGE)) from None
            continue
        _server.conversions += 1
        return pdf
    raise AssertionError("unreachable")


def stop_converter() -> None:
    with _server.lock:
        _server.stop()


def conversions() -> int:
    """How many documents this process has converted (a cached PDF costs none)."""
    return _server.conversions


def pdf_page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def pdf_page_png(pdf: bytes, page_index: int, width_px: int) -> bytes:
    """One page rendered ``width_px`` wide, for reading on screen."""
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[page_index]
        scale = width_px / page.get_width()
        image = page.render(scale=scale).to_pil()
        page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()


def image_to_pdf(image_bytes: bytes) -> bytes:
    """A scanned page (JPEG or PNG) as a one-page PDF, to open wherever PDFs open."""
    from PIL import Image
    with Image.open(io.BytesIO(image_bytes)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PDF", resolution=150.0)
    return out.getvalue()

"""What an uploaded file really is, read by a parser rather than guessed from its first bytes: a scan that seals an
agreement for ever must be a plain PDF or image, nothing that runs, carries other files or exhausts memory."""

from __future__ import annotations

import io
import re
import warnings
from typing import Any

from PIL import Image, ImageChops, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from ..rules import N_, Decision, refuse

MAX_SIGNATURE_BYTES = 300 * 1024
MAX_SIGNATURE_SIDE = 2400
MAX_SCAN_PIXELS = 40_000_000  # an A4 page at 600 dpi is 35 million pixels; a 12000 × 12000 "scan" is a memory bomb
MAX_SCAN_PAGES = 60
MAX_PDF_OBJECTS = 20_000  # a scanned agreement has a few hundred; a crafted file can hold millions
# Names that make a PDF do something when opened or clicked, or carry other files inside it.
ACTIVE_NAMES = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA", "/AA",
                "/SubmitForm", "/ImportData", "/GoToE", "/Sound", "/Movie"}
_AFTER_EOF = re.compile(rb"%%EOF[\r\n\x00\t\f ]*\Z")

DAMAGED = N_("The file is damaged or incomplete.")


def check_image(data: bytes) -> Decision | None:
    """A JPEG or PNG that decodes, within the pixel limit, with nothing appended after its image data."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > MAX_SCAN_PIXELS:
                    return _too_many_pixels(width, height)
                probe.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return _too_many_pixels(0, 0)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return refuse("scan_damaged", DAMAGED)
    return None


def _too_many_pixels(width: int, height: int) -> Decision:
    return refuse("scan_too_many_pixels", N_(
        "The image has more than 40 million pixels: scan at 300 to 600 dpi."), width=width, height=height)


def check_pdf(data: bytes) -> Decision | None:
    """A PDF that parses, has pages, ends at its last %%EOF (nothing hidden after it, such as a program), and has
    no scripts, actions run on opening, forms that submit, or attached files anywhere in its object graph."""
    if not data.startswith(b"%PDF-") or not _AFTER_EOF.search(data[-1024:]):
        return refuse("scan_damaged", DAMAGED)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about harmless quirks of scanner output
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                return refuse("scan_encrypted", N_("The PDF is password-protected: upload it without a password."))
            pages = len(reader.pages)
            if not 1 <= pages <= MAX_SCAN_PAGES:
                return refuse("scan_damaged", DAMAGED)
            found = _active_content(reader)
    except (PdfReadError, PyPdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError, OSError,
            AssertionError):
        return refuse("scan_damaged", DAMAGED)
    if found:
        return refuse("scan_active_content", N_(
            "The PDF contains scripts, automatic actions or attached files (%(what)s): upload a plain scan of the "
            "signed paper."), what=", ".join(sorted(found)))
    return None


def _active_content(reader: PdfReader) -> set[str]:
    """Every name from ACTIVE_NAMES used as a key or value anywhere reachable from the trailer, and an
    /OpenAction that is an action rather than a page to show."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                raise ValueError("too many objects")
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # streams are dictionaries too: their content is not walked
            for name, value in node.items():
                if name in ACTIVE_NAMES:
                    found.add(name)
                if name == "/OpenAction" and isinstance(value.get_object(), DictionaryObject):
                    action = value.get_object().get("/S")
                    if action != "/GoTo":
                        found.add(f"/OpenAction {action}")
                if isinstance(value, NameObject) and value in ACTIVE_NAMES:
                    found.add(str(value))
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return found


def read_png(raw: bytes) -> tuple[Decision | None, bytes | None]:
    """A PNG that opens, of sane size, with visible ink: signatures and the issuer's seal."""
    if len(raw) > MAX_SIGNATURE_BYTES:
        return refuse("signature_too_large", N_("The signature image is larger than 300 KB.")), None
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return refuse("signature_not_png", N_("A signature must be a PNG image (data:image/png;base64,…).")), None
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            if max(image.size) > MAX_SIGNATURE_SIDE:
                return refuse("signature_too_large", N_("The signature image is larger than 300 KB.")), None
            lum, alpha = image.convert("LA").split()
            # Ink is any pixel both visible (alpha) and dark enough; a blank pad has none. Seal red counts.
            ink = ImageChops.multiply(lum.point(lambda v: 255 if v < 160 else 0),
                                      alpha.point(lambda v: 255 if v > 64 else 0))
            inked = ink.histogram()[255]
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return refuse("signature_not_png", N_("A signature must be a PNG image (data:image/png;base64,…).")), None
    if inked < 30:
        return refuse("signature_blank", N_("The signature pad is empty: please sign.")), None
    return None, raw

"""QR codes as PNG bytes, sized for a counter's scanner or a phone camera."""

from __future__ import annotations

import io

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M


def qr_image(data: str, *, size_px: int) -> Image.Image:
    """A QR of at least ``size_px`` square with the standard four-module quiet zone, modules whole pixels."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=1)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # the quiet zone included
    modules = len(matrix)
    # One pixel a module, then scaled up whole: drawing each module as a rectangle cost more than making the code.
    small = Image.frombytes("L", (modules, modules), bytes(0 if dark else 255 for row in matrix for dark in row))
    box = max(4, size_px // modules)
    return small.resize((modules * box, modules * box), Image.NEAREST).convert("RGB")


def qr_png(data: str, *, size_px: int = 400) -> bytes:
    out = io.BytesIO()
    qr_image(data, size_px=size_px).save(out, format="PNG")
    return out.getvalue()

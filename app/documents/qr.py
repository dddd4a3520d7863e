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
    modules = code.modules_count + 2 * code.border
    code.box_size = max(4, size_px // modules)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def qr_png(data: str, *, size_px: int = 400) -> bytes:
    out = io.BytesIO()
    qr_image(data, size_px=size_px).save(out, format="PNG")
    return out.getvalue()

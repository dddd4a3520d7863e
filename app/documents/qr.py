"""QR codes as PNG bytes, sized for a counter's scanner or a phone camera."""

from __future__ import annotations

import functools
import io
import re

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import mask_func

_RUN = re.compile("0{5,}|1{5,}")
_FINDER_LIKE = re.compile("(?=10111010000|00001011101)")
_DIGITS = bytes.maketrans(b"\0\1", b"01")
_GREYS = bytes.maketrans(b"\0\1", b"\xff\0")  # light modules white, dark black


def _bits(row: list[bool]) -> int:
    """A row of modules as an integer, the first module the highest bit."""
    return int(bytes(row).translate(_DIGITS), 2)


def _penalty(rows: list[int], count: int) -> int:
    """qrcode's ``util.lost_point`` (the standard's four penalty rules), the same figure for every matrix, computed on
    lines as strings and rows as integers: the library's module-by-module loops were most of a QR's time."""
    text = [format(row, f"0{count}b") for row in rows]
    lines = " ".join(text + ["".join(column) for column in zip(*text, strict=True)])  # no pattern spans a space
    points = sum(len(run) - 2 for run in _RUN.findall(lines)) + 40 * len(_FINDER_LIKE.findall(lines))
    width = (1 << (count - 1)) - 1
    for upper, lower in zip(rows, rows[1:], strict=False):
        dark = upper & lower & (upper >> 1) & (lower >> 1)
        light = ~(upper | lower | (upper >> 1) | (lower >> 1))
        points += 3 * ((dark | light) & width).bit_count()
    dark_share = sum(row.bit_count() for row in rows) / count**2
    return points + 10 * int(abs(dark_share * 100 - 50) / 5)


@functools.cache
def _masks(count: int) -> list[list[int]]:
    """Each of the eight mask patterns over a whole ``count``-module square, as rows."""
    return [[_bits([bool(mask_func(pattern)(i, j)) for j in range(count)]) for i in range(count)]
            for pattern in range(8)]


class _QRCode(qrcode.QRCode):
    def map_data(self, data, mask_pattern):
        self.data_cells = [[cell is None for cell in row] for row in self.modules]  # what the mask applies to
        super().map_data(data, mask_pattern)

    def best_mask_pattern(self) -> int:
        """The library's choice of mask (the lowest penalty, the first of equals). The data is placed once, not once
        per mask: only the data modules change with the mask (the format modules are blank while choosing)."""
        self.makeImpl(True, 0)
        count, masks = self.modules_count, _masks(self.modules_count)
        free = [_bits(row) for row in self.data_cells]
        data = [_bits(row) ^ (mask & cells) for row, mask, cells in zip(self.modules, masks[0], free, strict=True)]
        penalties = [_penalty([row ^ (mask & cells) for row, mask, cells in zip(data, masks[pattern], free, strict=True)],
                              count) for pattern in range(8)]
        return penalties.index(min(penalties))


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules, dark True, the standard four-module quiet zone included."""
    code = _QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=1)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def _grey(data: str, size_px: int) -> Image.Image:
    matrix = qr_matrix(data)
    modules = len(matrix)
    # One pixel a module, then scaled up whole: drawing each module as a rectangle cost more than making the code.
    small = Image.frombytes("L", (modules, modules), b"".join(map(bytes, matrix)).translate(_GREYS))
    box = max(4, size_px // modules)
    return small.resize((modules * box, modules * box), Image.NEAREST)


def qr_image(data: str, *, size_px: int) -> Image.Image:
    """A QR of at least ``size_px`` square with the standard four-module quiet zone, modules whole pixels."""
    return _grey(data, size_px).convert("RGB")


def qr_png(data: str, *, size_px: int = 400) -> bytes:
    """Black and white, one bit a pixel: the same picture as RGB, a sixth of the time to encode, half the bytes."""
    out = io.BytesIO()
    _grey(data, size_px).convert("1", dither=Image.Dither.NONE).save(out, format="PNG")
    return out.getvalue()

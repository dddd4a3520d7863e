"""Finding a font that has the Chinese characters a card must print."""

from __future__ import annotations

import functools
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from ..errors import ServiceError
from ..rules import N_, refuse

# Where Debian, Ubuntu, Fedora, Alpine and macOS put the usual CJK fonts.
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
)
INSTALL_HINT = "apt-get install fonts-wqy-microhei (or fonts-noto-cjk), or set VIP_CJK_FONT to a .ttf/.ttc/.otf with Chinese glyphs"


class FontMissing(ServiceError):
    status = 503


@functools.lru_cache(maxsize=8)
def _cmap(path: str) -> frozenset[int]:
    font = TTCollection(path).fonts[0] if path.lower().endswith(".ttc") else TTFont(path, lazy=True)
    return frozenset(font.getBestCmap())


def find_cjk_font(configured: str | None) -> str:
    """The configured font if it exists, else the first system CJK font found."""
    for candidate in ((configured,) if configured else ()) + CANDIDATES:
        if candidate and Path(candidate).is_file():
            return candidate
    raise FontMissing(refuse("cjk_font_missing",
                             N_("No font with Chinese characters was found for card images. Install one: %(hint)s."),
                             hint=INSTALL_HINT))


def check_coverage(path: str, text: str) -> None:
    """Refuse to draw boxes: every character must be in the font."""
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in _cmap(path)})
    if missing:
        raise FontMissing(refuse("font_lacks_characters",
                                 N_("The card font %(font)s lacks the characters %(chars)s. Install a fuller font: %(hint)s."),
                                 font=Path(path).name, chars="".join(missing), hint=INSTALL_HINT))

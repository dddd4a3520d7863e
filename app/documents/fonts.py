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


def find_cjk_fonts(configured: str | None) -> list[str]:
    """Every usable CJK font: the configured one first, then the system's, in the order of CANDIDATES."""
    found = [c for c in ((configured,) if configured else ()) + CANDIDATES if c and Path(c).is_file()]
    if not found:
        raise FontMissing(refuse("cjk_font_missing",
                                 N_("No font with Chinese characters was found for card images. Install one: %(hint)s."),
                                 hint=INSTALL_HINT))
    return found


def font_for(text: str, fonts: list[str]) -> str:
    """The first font with every character of ``text``; rare characters (e.g. 䶮) fall back to fuller fonts.
    Refuses rather than draw boxes."""
    needed = {ord(ch) for ch in text if not ch.isspace()}
    for path in fonts:
        if needed <= _cmap(path):
            return path
    missing = "".join(sorted(chr(c) for c in needed - _cmap(fonts[0])))
    raise FontMissing(refuse("font_lacks_characters",
                             N_("The card font %(font)s lacks the characters %(chars)s. Install a fuller font: %(hint)s."),
                             font=Path(fonts[0]).name, chars=missing, hint=INSTALL_HINT))

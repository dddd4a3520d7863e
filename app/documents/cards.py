"""Card images (CR80, 300 dpi) from the layouts in card_templates/."""

from __future__ import annotations

import functools
import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .fonts import check_coverage
from .qr import qr_image

TEMPLATES = Path(__file__).resolve().parents[2] / "card_templates"
DPI = 300
WIDTH_MM, HEIGHT_MM = 85.6, 54.0


def _px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


@dataclass(frozen=True)
class CardFace:
    """What is printed on a card, already in words."""

    project_name: str
    program_name: str
    tier_name: str
    holder: str
    number: str  # grouped, e.g. "2612 3456 7897"
    validity: str
    issuer_name: str
    verify_url: str
    scan_hint: str = "扫码核验 Scan to verify"


@functools.lru_cache(maxsize=None)
def designs() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(TEMPLATES.glob("*.json"))}


def design_labels() -> list[tuple[str, str]]:
    return [(code, spec["label"]) for code, spec in designs().items()]


def render_card(face: CardFace, design: str, font_path: str) -> Image.Image:
    spec = designs()[design]
    texts = {f["value"]: (f.get("label", "") + "  " if f.get("label") else "") + getattr(face, f["value"]) for f in spec["fields"]}
    check_coverage(font_path, "".join(texts.values()))
    width, height = _px(WIDTH_MM), _px(HEIGHT_MM)
    top, bottom = (Image.new("RGB", (1, 1), c).getpixel((0, 0)) for c in spec["background"])
    card = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(card)
    for y in range(height):  # vertical gradient
        t = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    colors = spec["colors"]
    if rule := spec.get("rule"):
        draw.line([(_px(rule["x1"]), _px(rule["y"])), (_px(rule["x2"]), _px(rule["y"]))],
                  fill=colors[rule["color"]], width=max(1, _px(rule["width"])))
    q = spec["qr"]
    pad = _px(q["padding"])
    draw.rectangle([_px(q["x"]) - pad, _px(q["y"]) - pad, _px(q["x"] + q["size"]) + pad, _px(q["y"] + q["size"]) + pad],
                   fill=q["backing"])
    side = _px(q["size"])
    code = qr_image(face.verify_url, size_px=side)
    if code.width > side:  # whole-pixel modules never shrink below 4 px; fit long URLs into the slot
        code = code.resize((side, side), Image.NEAREST)
    offset = (side - code.width) // 2
    card.paste(code, (_px(q["x"]) + offset, _px(q["y"]) + offset))
    for f in spec["fields"]:
        font = ImageFont.truetype(font_path, size=_px(f["size"]))
        draw.text((_px(f["x"]), _px(f["y"])), texts[f["value"]], font=font, fill=colors[f["color"]],
                  stroke_width=1 if f.get("bold") else 0, stroke_fill=colors[f["color"]])
    return card


def card_png(face: CardFace, design: str, font_path: str) -> bytes:
    out = io.BytesIO()
    render_card(face, design, font_path).save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()

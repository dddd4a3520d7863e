"""Card images (CR80, 300 dpi) from the layouts in card_templates/."""

from __future__ import annotations

import functools
import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..rules.cards import format_card_number
from ..rules.money import discount_in_words
from ..rules.terms import ProgramKind
from ..training import mark_image
from .docx import chinese_date
from .fonts import font_for
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


@functools.cache
def designs() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(TEMPLATES.glob("*.json"))}


def design_labels() -> list[tuple[str, str]]:
    return [(code, spec["label"]) for code, spec in designs().items()]


def _fit(text: str, font_path: str, size_px: int, max_px: int) -> tuple[str, ImageFont.FreeTypeFont]:
    """Shrink to 70% of the layout's size, then shorten with an ellipsis: text never runs over the QR or the edge."""
    for size in range(size_px, int(size_px * 0.7) - 1, -2):
        font = ImageFont.truetype(font_path, size=size)
        if font.getlength(text) <= max_px:
            return text, font
    while text and font.getlength(text + "…") > max_px:
        text = text[:-1]
    return text + "…", font


def render_card(face: CardFace, design: str, font_paths: list[str]) -> Image.Image:
    spec = designs()[design]
    width, height = _px(WIDTH_MM), _px(HEIGHT_MM)
    top, bottom = (Image.new("RGB", (1, 1), c).getpixel((0, 0)) for c in spec["background"])
    card = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(card)
    for y in range(height):  # vertical gradient
        t = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=False)))
    colors = spec["colors"]
    if rule := spec.get("rule"):
        draw.line([(_px(rule["x1"]), _px(rule["y"])), (_px(rule["x2"]), _px(rule["y"]))],
                  fill=colors[rule["color"]], width=max(1, _px(rule["width"])))
    q = spec["qr"]
    for f in spec["fields"]:
        text = (f.get("label", "") + "  " if f.get("label") else "") + getattr(face, f["value"])
        beside_qr = f["x"] < q["x"] and f["y"] < q["y"] + q["size"] and f["y"] + f["size"] > q["y"] - q["padding"]
        right = q["x"] - q["padding"] - 1.5 if beside_qr else WIDTH_MM - 3.0
        text, font = _fit(text, font_for(text, font_paths), _px(f["size"]), _px(right - f["x"]))
        draw.text((_px(f["x"]), _px(f["y"])), text, font=font, fill=colors[f["color"]],
                  stroke_width=1 if f.get("bold") else 0, stroke_fill=colors[f["color"]])
    # The QR goes on last, on its white backing: nothing may ever be drawn over it.
    pad, side = _px(q["padding"]), _px(q["size"])
    draw.rectangle([_px(q["x"]) - pad, _px(q["y"]) - pad, _px(q["x"]) + side + pad, _px(q["y"]) + side + pad],
                   fill=q["backing"])
    code = qr_image(face.verify_url, size_px=side)
    if code.width > side:  # whole-pixel modules never shrink below 4 px; fit long URLs into the slot
        code = code.resize((side, side), Image.NEAREST)
    offset = (side - code.width) // 2
    card.paste(code, (_px(q["x"]) + offset, _px(q["y"]) + offset))
    return card


def card_png(face: CardFace, design: str, font_paths: list[str]) -> bytes:
    out = io.BytesIO()
    image = render_card(face, design, font_paths)
    mark_image(image)  # a training copy's cards say so across their face
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def face_of(card, verify_url: str, *, validity: str | None = None) -> CardFace:
    """What a card shows, in the words printed on it (cards are printed in Chinese); ``validity`` when the card's own
    dates do not say it yet."""
    validity = validity or (f"有效期至{chinese_date(card.valid_through)}" if card.valid_through else "长期有效")
    if card.program.opening_date and card.program.kind is ProgramKind.PRESALE_DEPOSIT:
        validity += f" · 开盘日{chinese_date(card.program.opening_date)}"
    return CardFace(project_name=card.program.project_name, program_name=card.program.name,
                    tier_name=(f"{card.tier.name} · {discount_in_words(card.tier.discount_rate_bp)}"
                               if card.tier.discount_rate_bp < 10_000 else card.tier.name),
                    holder=card.member.name, number=format_card_number(card.number), validity=validity,
                    issuer_name=card.program.issuer_name, verify_url=verify_url)

"""A Word template split for rendering: the parts rendering reads and writes, and the large parts it never touches.

python-docx parses every XML part it opens and writes every part again on saving. An agreement template carries
0.8 MB of styles (python-docx's default styles and Word 2010's stylesWithEffects) that no render changes: parsing,
serialising and compressing them was half the time of rendering a draft. Here the template is opened with small
stand-ins for those parts, and the saved document gets the template's own parts back, still compressed as the
template stores them: the same document, part for part."""

from __future__ import annotations

import io
import re
import struct
import threading
import zipfile
from dataclasses import dataclass

from lxml import etree

# What a render may change: the text parts docxtpl renders, the properties, relationships and content types.
_RENDERED = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml|(.*/)?_rels/.*"
                       r"|\[Content_Types\]\.xml")
_LARGE = 4096  # bytes: smaller parts cost less to carry than to set aside


@dataclass(frozen=True)
class _Entry:
    """A zip member as stored: compressed bytes and what the zip's directories say of them."""

    name: str
    method: int
    crc: int
    size: int
    date_time: tuple[int, ...]
    data: bytes


def _entries(content: bytes) -> list[_Entry]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        infos = archive.infolist()
    entries = []
    for info in infos:
        start = info.header_offset
        name_length, extra_length = struct.unpack("<HH", content[start + 26:start + 30])
        start += 30 + name_length + extra_length
        entries.append(_Entry(info.filename, info.compress_type, info.CRC, info.file_size, info.date_time,
                              content[start:start + info.compress_size]))
    return entries


def _zip(entries: list[_Entry]) -> bytes:
    """A zip of members already compressed (no zip64: documents are far below 4 GB)."""
    out, directory = io.BytesIO(), io.BytesIO()
    for entry in entries:
        year, month, day, hour, minute, second = entry.date_time[:6]
        when = struct.pack("<HH", hour << 11 | minute << 5 | second // 2, max(year - 1980, 0) << 9 | month << 5 | day)
        name = entry.name.encode()
        flags = 0 if name.isascii() else 0x800  # UTF-8 names
        offset = out.tell()
        out.write(struct.pack("<IHHH", 0x04034B50, 20, flags, entry.method) + when
                  + struct.pack("<IIIHH", entry.crc, len(entry.data), entry.size, len(name), 0) + name)
        out.write(entry.data)
        directory.write(struct.pack("<IHHHH", 0x02014B50, 20, 20, flags, entry.method) + when
                        + struct.pack("<IIIHHHHHII", entry.crc, len(entry.data), entry.size, len(name), 0, 0, 0, 0, 0,
                                      offset) + name)
    start, listing = out.tell(), directory.getvalue()
    out.write(listing)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(listing), start, 0))
    return out.getvalue()


def _stand_in(content: bytes) -> bytes:
    """An XML part's root element, empty; nothing for any other part."""
    try:
        root = etree.fromstring(content)
    except etree.XMLSyntaxError:
        return b""
    return etree.tostring(etree.Element(root.tag, nsmap=root.nsmap), xml_declaration=True, encoding="UTF-8",
                          standalone=True)


class SplitTemplate:
    def __init__(self, content: bytes) -> None:
        self.kept: dict[str, _Entry] = {}
        light = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(content)) as archive, zipfile.ZipFile(light, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                part = archive.read(info)
                if info.file_size >= _LARGE and not _RENDERED.fullmatch(info.filename):
                    part = _stand_in(part)
                    self.kept[info.filename] = None  # type: ignore[assignment]  # filled below, compressed as stored
                out.writestr(info, part)
        for entry in _entries(content):
            if entry.name in self.kept:
                self.kept[entry.name] = entry
        self.light = light.getvalue()  # what docxtpl opens

    def whole(self, rendered: bytes) -> bytes:
        """The rendered document with the template's own large parts back in place of their stand-ins."""
        return _zip([self.kept.get(entry.name, entry) for entry in _entries(rendered)])


_split: dict[bytes, SplitTemplate] = {}
_lock = threading.Lock()


def split(content: bytes) -> SplitTemplate:
    """The template of these bytes, split once per process (an edited template is new bytes, split anew)."""
    with _lock:
        if content not in _split:
            if len(_split) > 32:  # a handful of templates
                _split.clear()
            _split[content] = SplitTemplate(content)
        return _split[content]

"""Text and page count of a WeasyPrint PDF, for tests (no PDF library is installed here:
pypdf, pdfminer and poppler's pdftotext are all absent).

WeasyPrint (pydyf) writes every font as a Type0 font with a ``ToUnicode`` CMap and every
string as hex glyph ids in ``TJ`` / ``Tj``; font dictionaries may sit in compressed object
streams. This reads exactly that much of PDF, which is enough to prove that a name reached the
PDF as text, glyphs mapped back to the same Unicode characters.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_OBJ_STREAM = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n(.*?)\r?\nendstream", re.S)
_FONT = re.compile(rb"/BaseFont\s*/([A-Z]{6})\+[^/]*(?:/[^/]*?)*?/ToUnicode\s+(\d+)\s+0\s+R")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9a-fA-F]+)>")
_OPS = re.compile(rb"/(\w+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", re.S)


def _inflate(raw: bytes) -> bytes:
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return b""


def _utf16(hexstr: bytes) -> str:
    return bytes.fromhex(hexstr.decode()).decode("utf-16-be", errors="replace")


def _cmap(data: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for block in _BFCHAR.findall(data):
        codes = _HEX.findall(block)
        for src, dst in zip(codes[::2], codes[1::2], strict=False):
            out[int(src, 16)] = _utf16(dst)
    for block in _BFRANGE.findall(data):
        codes = _HEX.findall(block)
        for lo, hi, dst in zip(codes[::3], codes[1::3], codes[2::3], strict=False):
            start = int(dst, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(start + i)
    return out


def pdf_text(path: Path) -> tuple[str, int]:
    """(text of every page joined by newlines, page count)."""
    data = path.read_bytes()
    objects = {int(n): _inflate(body) for n, _, body in _OBJ_STREAM.findall(data)}
    plain = [data, *objects.values()]
    fonts: dict[bytes, dict[int, str]] = {}
    for chunk in plain:
        for tag, ref in _FONT.findall(chunk):
            fonts[tag] = _cmap(objects.get(int(ref), b""))
    pages = sum(len(re.findall(rb"/Type\s*/Page\b(?!s)", c)) for c in plain)
    lines: list[str] = []
    for chunk in objects.values():
        if b" Tf" not in chunk:
            continue
        cmap: dict[int, str] = {}
        for font, array, single in _OPS.findall(chunk):
            if font:
                cmap = fonts.get(font, {})
                continue
            hexes = _HEX.findall(array) if array else [single]
            text = []
            for h in hexes:
                text.extend(cmap.get(int(h[i:i + 4], 16), "?") for i in range(0, len(h), 4))
            lines.append("".join(text))
    return "\n".join(lines), pages

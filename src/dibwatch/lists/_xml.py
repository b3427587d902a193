"""Safe XML reading: no DTDs, no external or internal entities, no network, with line numbers.

Official list XML never declares entities or a DOCTYPE; a file that does is refused as unsafe
rather than parsed with the entities left unexpanded, so a billion-laughs or XXE file can
never load. A quick byte scan of the head refuses most; the parser's own document info
catches the rest (a DOCTYPE behind a long comment, or in UTF-16).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from lxml import etree

from dibwatch.errors import Location, ParseError, UnsafeInputError

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def _check_prolog(data: bytes, file: str) -> None:
    # Entity declarations can only live in the DTD, which precedes the root element.
    head = data[:65536]
    for pattern, what in ((_ENTITY, "an entity declaration"), (_DOCTYPE, "a DOCTYPE")):
        match = pattern.search(head)
        if match:
            line = head.count(b"\n", 0, match.start()) + 1
            raise UnsafeInputError(f"XML with {what} is refused (XXE / entity expansion)",
                                   Location(file, line))
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError("NUL bytes in XML", Location(file, 1))


def _check_doctype(elem: etree._Element, file: str) -> None:
    """The parser's own word on the prolog: the byte scan above misses a DOCTYPE behind a
    long comment or in UTF-16; lxml has read it (unexpanded) before the first element."""
    info = elem.getroottree().docinfo
    if getattr(info, "doctype", "") or info.internalDTD is not None:  # stubs lack doctype
        raise UnsafeInputError("XML with a DOCTYPE is refused (XXE / entity expansion)",
                               Location(file, 1))


def parse_xml(data: bytes, file: str) -> etree._Element:
    """The whole document's root element (for small files)."""
    _check_prolog(data, file)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"malformed XML: {exc.msg}", Location(file, exc.lineno)) from exc
    _check_doctype(root, file)
    return root


def iter_elements(data: bytes, file: str, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Stream elements whose local name is in ``tags`` (namespace-agnostic); each element is
    cleared after the caller is done with it, so memory stays flat on large files."""
    _check_prolog(data, file)
    context = etree.iterparse(io.BytesIO(data), events=("end",), resolve_entities=False,
                              no_network=True, load_dtd=False, huge_tree=True,
                              remove_comments=True)
    first = True
    try:
        for _, elem in context:
            if first:  # the prolog is behind us at the first element's end
                _check_doctype(elem, file)
                first = False
            if _localname(elem.tag) in tags:
                yield elem
                elem.clear(keep_tail=True)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"malformed XML: {exc.msg}", Location(file, exc.lineno)) from exc


def _localname(tag: object) -> str | None:
    # Split "{namespace}name" by hand: lxml's QName() is slow per call and raises ValueError
    # on tags a malformed file can still produce ("ns}name"), which would escape as a crash.
    return tag.rpartition("}")[2] if isinstance(tag, str) else None


def local(elem: etree._Element) -> str:
    return _localname(elem.tag) or ""


def child_text(elem: etree._Element, name: str) -> str | None:
    """Text of the first direct child with local name ``name`` (namespace-agnostic)."""
    for child in elem:
        if _localname(child.tag) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def children(elem: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in elem if _localname(c.tag) == name]


def path_of(elem: etree._Element) -> str:
    """A short XPath-like location for error messages, e.g. INDIVIDUAL[12]/DATAID."""
    parts: list[str] = []
    node: etree._Element | None = elem
    while node is not None and len(parts) < 3:
        parent = node.getparent()
        name = _localname(node.tag) or "?"
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            name += f"[{same.index(node) + 1}]" if len(same) > 1 else ""
        parts.append(name)
        node = parent
    return "/".join(reversed(parts))

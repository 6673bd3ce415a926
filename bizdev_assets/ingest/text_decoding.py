"""Bytes of a text export -> one string with `\\n` line ends, and what had to be fixed.

UTF-8 (BOM stripped) is tried first; a file that is not valid UTF-8 is decoded line by
line as UTF-8 or else Windows-1252, so a Latin-1 export reads correctly and a file pasted
together from both keeps every line right. UTF-16 is recognised with or without a BOM.
NUL characters (a database export's padding) are removed. A lone carriage return
(classic Mac line ends, or lines pasted in from one) ends a line, as editors show it,
instead of breaking the CSV parser (`physical_lines`); inside a quoted field it stays.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from bizdev_assets.masking import mask_text
from resources.landing.base import printable

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")
_UTF16_SAMPLE = 4096


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """The text and the warnings (without file name) for anything that was fixed."""
    warnings: list[str] = []
    encoding = _utf16_encoding(data)
    if encoding:
        text = bytes(data).decode(encoding, errors="replace").removeprefix("\ufeff")
        if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            warnings.append(f"read as {encoding.upper()} (no byte-order mark); export as UTF-8")
    else:
        text, fallback = _utf8_or_cp1252(data)
        if fallback:
            warnings.append(fallback)
    if "\x00" in text:
        warnings.append(
            f"{text.count(chr(0)):,} NUL character(s) removed; check the export's encoding"
        )
        text = text.replace("\x00", "")
    return text, warnings


def _utf16_encoding(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = bytes(data[:_UTF16_SAMPLE])
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0) / len(sample[0::2])
    odd_zeros = sample[1::2].count(0) / len(sample[1::2])
    if odd_zeros > 0.4 and even_zeros < 0.05:  # ASCII text as UTF-16: every other byte 0
        return "utf-16-le"
    if even_zeros > 0.4 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def _utf8_or_cp1252(data: bytes) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    decoded: list[str] = []
    fallback = 0
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            fallback += 1
            try:
                decoded.append(line.decode("cp1252"))
            except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
                decoded.append(line.decode("latin-1"))
    text = "".join(decoded).removeprefix("\ufeff")
    warning = (
        f"not valid UTF-8: {fallback} of {len(lines)} lines were read as Windows-1252 "
        "(Western European); check accented names, and export as UTF-8 next time"
    )
    return text, warning


def physical_lines(text: str) -> Iterator[str]:
    """Yield the text line by line, each ending kept (csv needs it inside quoted fields).

    Lines end at a line feed, or at a carriage return not followed by one. Cheaper than
    io.StringIO, which copies the whole text into a 4-bytes-per-character buffer.
    """
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        for match in _LINE.finditer(text):
            yield match.group()
        return
    start, find, length = 0, text.find, len(text)
    while start < length:
        end = find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def shown_line(line: str, limit: int = 120) -> str:
    """A line of the file as a message may quote it: printable, short, contacts masked."""
    return repr(printable(mask_text(line[: limit * 4]), limit))

"""Hostile landing files, made by code (nothing binary is committed).

Each maker returns bytes; `zip_bomb_xlsx` writes its ZIP by hand so a gigabyte of sheet
XML costs seconds and a few megabytes to make.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

import xlsxwriter

PERSON = "Name,Email,Title\nAda Lovelace,ada@example.com,Analyst\n"


def people_csv(rows: int, start: int = 0, header: str = "Name,Email,Title") -> bytes:
    body = "".join(f"Person {i},p{i}@example.com,Analyst\n" for i in range(start, start + rows))
    return (header + "\n" + body).encode()


def xlsx(sheets: dict[str, list[list[str | None]]], hidden: tuple[str, ...] = ()) -> bytes:
    """A workbook of string cells; None leaves a cell empty (as a merged range's others)."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as book:
        for name, rows in sheets.items():
            sheet = book.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        sheet.write_string(r, c, value)
            if name in hidden:
                sheet.hide()
    return buffer.getvalue()


def with_member(workbook: bytes, member: str, content: bytes) -> bytes:
    """The workbook with one ZIP member's content replaced (e.g. corrupt sheet XML)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = content if info.filename == member else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def zip_bomb_xlsx(sheet_bytes: int = 1_150_000_000) -> bytes:
    """A valid .xlsx whose one sheet is `sheet_bytes` of XML rows, compressed ~230:1.

    The rows are identical 1 MiB blocks deflated once and repeated after a full flush
    (which makes each block's compressed bytes identical), so making it is fast.
    """
    template = zipfile.ZipFile(io.BytesIO(xlsx({"Contacts": [["Email"], ["a@x.io"]]})))
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    tail = b"</sheetData></worksheet>"
    row = b'<row><c t="inlineStr"><is><t>bomb@example.com</t></is></c></row>'
    block = row * (1024 * 1024 // len(row))
    repeats = max(1, (sheet_bytes - len(head) - len(tail)) // len(block))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated_head = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    deflated_block = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    deflated_tail = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(block) * repeats + len(tail)
    sheet_member = (
        "xl/worksheets/sheet1.xml",
        crc,
        size,
        [deflated_head, *([deflated_block] * repeats), deflated_tail],
    )
    members = []
    for info in template.infolist():
        if info.filename == "xl/worksheets/sheet1.xml":
            members.append(sheet_member)
        else:
            data = template.read(info)
            packed = zlib.compressobj(6, zlib.DEFLATED, -15)
            members.append(
                (
                    info.filename,
                    zlib.crc32(data),
                    len(data),
                    [packed.compress(data) + packed.flush()],
                )
            )
    return _zip(members)


def _zip(members: list[tuple[str, int, int, list[bytes]]]) -> bytes:
    out = io.BytesIO()
    central = []
    for name, crc, size, parts in members:
        compressed = sum(len(p) for p in parts)
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                compressed,
                size,
                len(encoded),
                0,
            )
        )
        out.write(encoded)
        for part in parts:
            out.write(part)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                compressed,
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    length = out.tell() - start
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), length, start, 0)
    )
    return out.getvalue()


def deep_json_array(depth: int = 100_000) -> bytes:
    deep = "[" * depth + "]" * depth
    good = [json.dumps({"email": f"j{i}@example.com", "name": f"Jay {i}"}) for i in range(3)]
    return (
        "["
        + good[0]
        + ","
        + '{"email": "deep@example.com", "x": '
        + deep
        + "},"
        + good[1]
        + ","
        + good[2]
        + "]"
    ).encode()


def huge_ndjson_line(line_bytes: int = 10 * 1024 * 1024) -> bytes:
    """Two good lines around a 10 MB line holding invalid UTF-8."""
    bad = b'{"email": "huge@example.com", "notes": "' + b"\xff\xfe" * (line_bytes // 2) + b'"}'
    return b'{"email": "a@example.com"}\n' + bad + b'\n{"email": "b@example.com"}\n'

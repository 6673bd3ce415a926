"""Reading delimited text files (CSV, TSV, pipes, semicolons): encodings, delimiters,
quoting, ragged and multi-line records, empty files, odd values."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bizdev_assets.ingest.canonical import RAW_COLUMNS
from bizdev_assets.ingest.readers import read_contact_bytes, read_contact_file
from bizdev_assets.normalize.text import is_formula_like
from tests.reader_support import MAPPING, column, read

FIXTURES = Path(__file__).parent / "fixtures"


def test_utf8_without_bom_keeps_umlauts_and_eszett(tmp_path):
    result = read(tmp_path, "a.csv", "Vorname;Nachname\nJürgen;Groß\n")
    assert column(result, "last_name") == ["Groß"]


def test_utf8_with_bom_does_not_leak_into_the_first_header(tmp_path):
    result = read(tmp_path, "a.csv", "\ufeffEmail,Vorname\na@x.io,Jürgen\n".encode())
    assert column(result, "email") == ["a@x.io"] and result.warnings == []


def test_latin1_semicolon_file_reads_umlauts_correctly(tmp_path):
    content = "Vorname;Nachname;Straße;Ort\nJürgen;Müller;Hauptstraße 5;München\n"
    result = read(tmp_path, "messe.csv", content.encode("latin-1"))
    row = result.rows.row(0, named=True)
    assert (row["first_name"], row["last_name"]) == ("Jürgen", "Müller")
    assert (row["street"], row["city"]) == ("Hauptstraße 5", "München")
    assert "Windows-1252" in result.warnings[0]


def test_mixed_encoding_file_decodes_each_line_on_its_own(tmp_path):
    content = b"Vorname;Nachname\n" + "Jürgen;Groß\n".encode() + "Zoë;Müller €\n".encode("cp1252")
    result = read(tmp_path, "mixed.csv", content)
    assert column(result, "first_name") == ["Jürgen", "Zoë"]
    assert column(result, "last_name") == ["Groß", "Müller €"]


def test_a_tab_delimited_file_keeps_commas_inside_values(tmp_path):
    result = read(tmp_path, "partners.txt", "Name\tCompany\tNotes\nAnn Lee\tAcme, Inc.\thi\n")
    assert result.source_type == "tsv"
    assert column(result, "company") == ["Acme, Inc."]
    assert column(result, "full_name") == ["Ann Lee"]


def test_a_pipe_delimited_file_keeps_semicolons_inside_values(tmp_path):
    result = read(tmp_path, "a.csv", "Email|Company\na@x.io|Acme; Sons\n")
    assert column(result, "company") == ["Acme; Sons"]


def test_excel_sep_line_names_the_delimiter(tmp_path):
    result = read(tmp_path, "a.csv", "sep=;\nEmail;Company\na@x.io;Acme\n")
    assert column(result, "company") == ["Acme"] and column(result, "source_row") == [3]


def test_unknown_delimiter_is_rejected_naming_the_file_and_delimiters_tried(tmp_path):
    result = read(tmp_path, "odd.csv", "Email#Company\na@x.io#Acme\n")
    assert result.error is not None
    assert result.error.startswith("odd.csv ")
    assert "comma, semicolon, tab, pipe" in result.error
    assert result.rows.columns == list(RAW_COLUMNS) and result.rows.height == 0


def test_single_column_file_of_emails_is_read(tmp_path):
    result = read(tmp_path, "list.csv", "Email\na@x.io\nb@x.io\n")
    assert column(result, "email") == ["a@x.io", "b@x.io"]


def test_ragged_rows_are_rejected_individually_while_good_rows_load(tmp_path):
    content = "Email,Company,City\na@x.io,Acme,Berlin\nb@x.io,Acme,Berlin,extra\nc@x.io\nd@x.io,Beta,Paris\n"
    result = read(tmp_path, "r.csv", content)
    assert column(result, "email") == ["a@x.io", "d@x.io"]
    assert column(result, "source_row") == [2, 5]
    rejected = [(r.source_row, r.reason, r.raw_content) for r in result.rejected_lines]
    assert rejected == [
        (3, "malformed line: expected 3 fields, found 4", "b@x.io,Acme,Berlin,extra"),
        (4, "malformed line: expected 3 fields, found 1", "c@x.io"),
    ]


def test_multiline_quoted_field_gives_the_line_the_record_starts_on(tmp_path):
    content = 'Email,Notes\na@x.io,"line one\nline two\nline three"\nb@x.io,short\n'
    result = read(tmp_path, "m.csv", content)
    assert column(result, "source_row") == [2, 5]
    assert json.loads(column(result, "attributes")[0]) == {
        "Notes": "line one\nline two\nline three"
    }


def test_an_unbalanced_quote_rejects_its_own_line_and_not_the_lines_it_swallowed(tmp_path):
    content = 'Email,Company,Notes\na@x.io,"Acme,hi\nb@x.io,Beta,fine\n'
    result = read(tmp_path, "q.csv", content)
    (rejected,) = result.rejected_lines
    assert rejected.source_row == 2
    assert rejected.reason == "malformed line: an unbalanced quote on this line"
    assert rejected.raw_content == 'a@x.io,"Acme,hi'
    assert column(result, "email") == ["b@x.io"] and column(result, "source_row") == [3]


def test_crlf_line_ends_count_as_one_line_each(tmp_path):
    result = read(tmp_path, "w.csv", "Email,Company\r\na@x.io,Acme\r\nb@x.io,Beta\r\n")
    assert column(result, "company") == ["Acme", "Beta"] and column(result, "source_row") == [2, 3]


def test_zero_byte_file_is_rejected_as_empty(tmp_path):
    result = read(tmp_path, "empty.csv", b"")
    assert result.error == (
        "empty.csv is empty (0 bytes); re-export it from the source system and drop it again"
    )


def test_whitespace_only_file_is_rejected_as_empty(tmp_path):
    result = read(tmp_path, "blank.csv", " \n\r\n  \n")
    assert result.error is not None and "blank.csv is empty" in result.error


def test_header_only_file_gives_zero_rows_and_a_warning(tmp_path):
    result = read(tmp_path, "h.csv", "Email,Company\n")
    assert result.error is None and result.rows.height == 0
    assert result.warnings == ["h.csv: has a header row but no data rows"]


def test_two_hundred_columns_keep_every_unmapped_one_in_attributes(tmp_path):
    headers = ["Email"] + [f"extra {i}" for i in range(199)]
    values = ["a@x.io"] + [f"v{i}" for i in range(199)]
    result = read(tmp_path, "wide.csv", ",".join(headers) + "\n" + ",".join(values) + "\n")
    assert column(result, "email") == ["a@x.io"]
    assert len(json.loads(column(result, "attributes")[0])) == 199


def test_duplicate_headers_first_maps_later_ones_go_to_attributes(tmp_path):
    result = read(tmp_path, "d.csv", "Email,Company,Email\na@x.io,Acme,b@x.io\n")
    assert column(result, "email") == ["a@x.io"]
    assert json.loads(column(result, "attributes")[0]) == {"Email (2)": "b@x.io"}
    assert any("'Email' appears 2 times" in w for w in result.warnings)


def test_formula_looking_cells_are_kept_as_text(tmp_path):
    result = read(tmp_path, "f.csv", 'Email,Company\n=HYPERLINK("http://x"),=1+2\n')
    assert column(result, "email") == ['=HYPERLINK("http://x")']
    assert column(result, "company") == ["=1+2"]


def test_a_hundred_thousand_character_value_is_kept_whole(tmp_path):
    long_note = "x" * 100_000
    result = read(tmp_path, "l.csv", f'Email,Notes\na@x.io,"{long_note}"\n')
    assert json.loads(column(result, "attributes")[0])["Notes"] == long_note


def test_non_latin_names_and_emoji_pass_through_unchanged(tmp_path):
    names = ["Анна Петрова", "王小明", "محمد علي", "Zoë 🚀"]
    result = read(tmp_path, "n.csv", "Name,Email\n" + "".join(f"{n},x@y.z\n" for n in names))
    assert column(result, "full_name") == names


def test_empty_cells_become_null_and_values_are_not_stripped(tmp_path):
    result = read(tmp_path, "e.csv", " Email , Company \n a@x.io ,\n")
    assert column(result, "email") == [" a@x.io "] and column(result, "company") == [None]


def test_blank_and_all_empty_lines_are_skipped(tmp_path):
    result = read(tmp_path, "b.csv", "Email,Company\n\n,\na@x.io,Acme\n")
    assert column(result, "source_row") == [4] and result.rejected_lines == []


def test_hand_written_fixture_with_ragged_and_multiline_records(tmp_path):
    result = read_contact_file(FIXTURES / "ragged_multiline.csv", FIXTURES, MAPPING)
    assert column(result, "source_row") == [2, 3, 5, 8]
    assert [r.source_row for r in result.rejected_lines] == [7]


SAFE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(categories=["L", "N", "P", "S", "Zs"]), st.sampled_from('\n\r\t",;|')
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(SAFE_TEXT, min_size=3, max_size=3), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_rows_written_by_csv_writer_read_back_identically(rows, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["Email", "Company", "Notes"])
    writer.writerows(rows)
    result = read_contact_bytes(buffer.getvalue().encode(), "p.csv", MAPPING)

    kept = [row for row in rows if any(row)]
    expected_lines, line = [], 2
    for row in rows:
        if any(row):
            expected_lines.append(line)
        # A line ends at \n, \r\n or a lone \r (as editors show it), inside quotes too.
        line += 1 + sum(len(re.findall(r"\r\n|\r|\n", value)) for value in row)
    got_notes = [json.loads(a)["Notes"] if a else "" for a in column(result, "attributes")]
    # Unmapped values a spreadsheet would run as formulas are stored escaped (OWASP).
    notes = [("'" + n if n and is_formula_like(n) else n) for n in (row[2] for row in kept)]
    assert result.error is None and result.rejected_lines == []
    assert column(result, "email") == [row[0] or None for row in kept]
    assert column(result, "company") == [row[1] or None for row in kept]
    assert got_notes == notes
    assert column(result, "source_row") == expected_lines

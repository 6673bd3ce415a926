"""Reading JSON and NDJSON exports: record arrays, wrapped lists, one bad line, and
documents that hold no records."""

from __future__ import annotations

import json

from tests.reader_support import column, read


def test_a_json_array_gives_one_row_per_record_with_nested_fields_flattened(tmp_path):
    records = [
        {"id": 7, "properties": {"firstname": "Ann", "email": "a@x.io", "vip": True}},
        {"id": 8, "properties": {"firstname": "Bo", "tags": ["a", "b"], "score": 1.5}},
    ]
    result = read(tmp_path, "hubspot.json", json.dumps(records))
    assert result.source_type == "json"
    assert column(result, "source_record_id") == ["7", "8"]
    assert column(result, "source_row") == [1, 2]
    assert column(result, "first_name") == ["Ann", "Bo"]
    assert [json.loads(a) for a in column(result, "attributes")] == [
        {"properties.vip": "true"},
        {"properties.tags": '["a", "b"]', "properties.score": "1.5"},
    ]


def test_a_record_list_wrapped_in_a_json_object_is_found(tmp_path):
    document = {"results": [{"email": "a@x.io"}], "paging": {"next": None}}
    result = read(tmp_path, "api.json", json.dumps(document))
    assert column(result, "email") == ["a@x.io"]


def test_ndjson_with_one_bad_line_rejects_only_that_line(tmp_path):
    lines = [
        '{"submission_id": "s1", "fields": {"email": "a@x.io"}, "utm": {"source": "ads"}}',
        '{"submission_id": "s2", "fields": {"email": ',
        "",
        '{"submission_id": "s3", "fields": {"email": "c@x.io"}}',
    ]
    result = read(tmp_path, "webform.ndjson", "\n".join(lines) + "\n")
    assert result.source_type == "ndjson"
    assert column(result, "source_row") == [1, 4]
    assert column(result, "lead_source") == ["ads", None]
    (rejected,) = result.rejected_lines
    assert rejected.source_row == 2 and rejected.raw_content == lines[1]
    assert rejected.reason.startswith("invalid JSON")


def test_json_file_holding_one_object_per_line_is_read_as_ndjson(tmp_path):
    result = read(tmp_path, "w.json", '{"email": "a@x.io"}\n{"email": "b@x.io"}\n')
    assert result.source_type == "ndjson" and column(result, "email") == ["a@x.io", "b@x.io"]


def test_json_scalar_is_rejected(tmp_path):
    result = read(tmp_path, "s.json", "42")
    assert result.error is not None
    assert "s.json is not a JSON array of records or NDJSON" in result.error


def test_json_object_without_a_record_list_is_rejected(tmp_path):
    result = read(tmp_path, "o.json", '{"email": "a@x.io", "tags": ["x"]}\n\n')
    assert result.error is not None and "not a JSON array of records" in result.error

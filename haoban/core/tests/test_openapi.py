"""The committed OpenAPI YAML keeps code strings strings for YAML 1.2 readers (item types 08 and 09)."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer

from haoban.core.openapi import yaml12_safe_strings


@pytest.mark.parametrize(
    ("value", "dumped"),
    [
        ("08", "'08'"),
        ("09", "'09'"),
        ("0o17", "'0o17'"),
        ("0x1F", "'0x1F'"),
        ("1e3", "'1e3'"),
        ("10", "'10'"),  # YAML 1.1 already quoted these
        ("1.5", "'1.5'"),
        ("true", "'true'"),
        ("08a", "08a"),
        ("窗口领取", "窗口领取"),
        ("in_review", "in_review"),
    ],
)
def test_strings_that_yaml_12_reads_as_numbers_are_quoted(value: str, dumped: str) -> None:
    for dumper in {yaml.SafeDumper, getattr(yaml, "CSafeDumper", yaml.SafeDumper)}:
        text = yaml.dump({"v": value}, Dumper=dumper, allow_unicode=True)

        assert text == f"v: {dumped}\n"
        assert yaml.safe_load(text) == {"v": value}


def test_numbers_stay_numbers() -> None:
    assert yaml.dump({"v": 8, "w": 1.5}, Dumper=yaml.SafeDumper) == "v: 8\nw: 1.5\n"


def test_the_rendered_schema_quotes_the_item_types_08_and_09() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)

    text = OpenApiYamlRenderer().render(schema, renderer_context={}).decode()
    as_json = json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))

    assert "- '08'\n" in text and "- '09'\n" in text
    assert re.search(r"^\s*- 0[0-9]+$", text, re.MULTILINE) is None
    assert as_json["components"]["schemas"]["ItemTypeEnum"]["enum"] == [
        "01",
        "05",
        "07",
        "08",
        "09",
        "10",
        "20",
    ]
    assert yaml12_safe_strings(schema, None, None, True) is schema


def test_operations_closed_to_anonymous_callers_document_the_401() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {op["operationId"]: op for methods in schema["paths"].values() for op in methods.values()}

    assert operations["case_list"]["responses"]["401"]["content"]["application/json"]["examples"]["401"] == {
        "value": {"code": "not_authenticated", "message": "身份认证信息未提供。", "fields": {}}
    }
    assert "401" in operations["item_create"]["responses"]
    assert "401" not in operations["item_list"]["responses"]  # public read

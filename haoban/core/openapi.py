"""OpenAPI output shared by every app: strings that YAML 1.2 would read as numbers are written quoted.

The committed ``openapi.yaml`` (and ``/api/schema/``) is written by drf-spectacular with PyYAML, which
follows YAML 1.1. There ``08`` and ``09`` are not numbers (not valid octal), so PyYAML writes the strings
``"08"`` and ``"09"`` unquoted — and a YAML 1.2 reader (OpenAPI tooling, ``yq``, JavaScript ``yaml``) reads
them back as the integers 8 and 9: the item-type codes 08 奖励 and 09 裁决 stopped being strings.

PyYAML quotes a string when one of the dumper's implicit resolvers would read the plain text as another
type. This module adds the YAML 1.2 core-schema numbers that YAML 1.1 lacks (decimal integers with leading
zeros, ``0o``/``0x`` integers, exponents without a dot) to the safe dumpers drf-spectacular's renderer builds
on, so those strings come out quoted. Only the quoting of such strings changes; no value does. It is
loaded through :func:`yaml12_safe_strings`, a drf-spectacular post-processing hook
(``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``) that runs before every render and returns the schema
unchanged.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# YAML 1.2 core-schema numbers that YAML 1.1's resolvers do not match.
YAML12_ONLY_NUMBER = re.compile(
    r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+)$"
)
_FIRST = list("-+0123456789.")


def _register() -> None:
    for dumper in {yaml.SafeDumper, getattr(yaml, "CSafeDumper", yaml.SafeDumper)}:
        resolvers = dumper.__dict__.get("yaml_implicit_resolvers", {})
        if any(regexp is YAML12_ONLY_NUMBER for _, regexp in resolvers.get("0", [])):
            continue
        dumper.add_implicit_resolver("tag:yaml.org,2002:int", YAML12_ONLY_NUMBER, _FIRST)


_register()


def yaml12_safe_strings(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    """drf-spectacular post-processing hook: importing this module set up the quoting (see above)."""
    return result


UNAUTHENTICATED_RESPONSE: dict[str, Any] = {
    "description": (
        "未登录或认证失败（code 为 not_authenticated 或 authentication_failed），未写入任何数据；"
        "响应带 WWW-Authenticate 头。"
    ),
    "content": {
        "application/json": {
            "schema": {"$ref": "#/components/schemas/ErrorOutput"},
            "examples": {
                "401": {
                    "value": {"code": "not_authenticated", "message": "身份认证信息未提供。", "fields": {}}
                }
            },
        }
    },
}


def document_unauthenticated(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    """drf-spectacular post-processing hook: every operation that anonymous callers cannot use (its
    ``security`` has no ``{}``) documents the 401 that DRF answers them (``BasicAuthentication`` first in
    ``DEFAULT_AUTHENTICATION_CLASSES``)."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict):
                continue
            security = operation.get("security")
            if not security or {} in security:
                continue
            responses = operation.setdefault("responses", {})
            if "401" not in responses:
                responses["401"] = UNAUTHENTICATED_RESPONSE
    return result

"""Ingram's published schema (tests/contracts/ingram-xi-v5-invoice-openapi.yaml) as a checker.

The schema uses only `$ref`, `type`, `properties` and `items` (OpenAPI 3.0, no `nullable`), so a
small recursive check is exact: every value present must have the declared JSON type, and `null`
is never allowed where a property is declared.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTRACT = Path(__file__).parents[1] / "contracts" / "ingram-xi-v5-invoice-openapi.yaml"
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
}


@cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(CONTRACT.read_text())
    return loaded


def example_response() -> dict[str, Any]:
    operation = document()["paths"]["/resellers/v5/invoices/{invoiceNumber}"]["get"]
    example: dict[str, Any] = operation["responses"]["200"]["content"]["application/json"][
        "examples"
    ]["Example"]["value"]
    return example


def violations(value: Any, schema: dict[str, Any] | None = None, path: str = "$") -> list[str]:
    """Where `value` breaks the `invoiceDetails` schema (empty when it conforms)."""
    if schema is None:
        schema = document()["components"]["schemas"]["invoiceDetails"]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return violations(value, document()["components"]["schemas"][name], path)
    expected = schema.get("type")
    if expected is not None:
        if value is None or isinstance(value, bool) != (expected == "boolean"):
            return [f"{path}: expected {expected}, got {value!r}"]
        if not isinstance(value, _TYPES[expected]):
            return [f"{path}: expected {expected}, got {type(value).__name__}"]
    found: list[str] = []
    if isinstance(value, dict):
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                found += violations(value[name], sub, f"{path}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += violations(item, schema["items"], f"{path}[{index}]")
    return found

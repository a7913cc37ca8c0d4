"""Text checks of the canonical invoice that run inside pydantic-core (no Python call per field).

Control characters, key parts (no white space at either end, no '/', not only dots, no
look-alike characters) and the e-mail shape are
string patterns; a JSON integer given for a text is taken as its decimal text by a union in front
of the constraints. When a pattern refuses a value, `error_msg` runs the Python checks it
stands for, in their order, for the message the contract words (DESIGN.md). Each pattern must
match exactly the strings that pass its checks (tests/test_validation_patterns.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import GetCoreSchemaHandler, GetPydanticSchema, ValidationError
from pydantic_core import SchemaValidator, core_schema

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def _no_control_chars(value: str) -> str:
    if _CONTROL_CHARS.search(value):
        raise ValueError("must not contain control characters")
    return value


# Characters no ERP puts in a key and nobody can tell apart on a screen or in a log: controls
# (C0, C1), spaces other than U+0020, zero-width and joining characters, bidi controls, line and
# paragraph separators, invisible operators, fillers, variation selectors, the BOM. One class for
# the validator and the admin API's published pattern (admin/openapi.py), so the two agree.
LOOKALIKE_CHARS = (
    "\x00-\x1f\x7f-\x9f\xa0\xad\u034f\u061c\u115f\u1160\u1680\u180b-\u180f"
    "\u2000-\u200f\u2028-\u202f\u205f-\u206f\u2800\u3000\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
)
_LOOKALIKE = re.compile(f"[{LOOKALIKE_CHARS}]")


def _key_part(value: str) -> str:
    """Key fields appear in URL paths and decide who sees what (grants), so they may not be blank,
    contain a slash, be a path segment such as `..`, or hold characters that make two different
    numbers look the same (`C100` and `C100` with a zero-width space)."""
    if value != value.strip():
        raise ValueError("must not start or end with white space")
    if "/" in value:
        raise ValueError("must not contain '/'")
    if not value.strip("."):
        raise ValueError("must not be only dots ('.' and '..' are path segments)")
    found = _LOOKALIKE.search(value)
    if found:
        raise ValueError(
            f"must not contain U+{ord(found.group()):04X} (invisible, control, bidi and "
            "separator characters make look-alike numbers)"
        )
    return value


_CONTROL = "\\x00-\\x1f\\x7f"
_SPACE = "".join(  # what str.strip() removes, but for control characters (refused anyway)
    f"\\u{ord(c):04x}" for c in map(chr, range(0x10000)) if c.isspace() and c >= " " and c != "\x7f"
)
NO_CONTROL_PATTERN = f"^[^{_CONTROL}]*$"
_MIDDLE = f"[^{_CONTROL}/{LOOKALIKE_CHARS}]"  # anything a key may hold
_EDGE = f"[^{_CONTROL}/{_SPACE}{LOOKALIKE_CHARS}]"  # and may start or end with
_MIDDLE_NOT_DOT = f"[^{_CONTROL}/{LOOKALIKE_CHARS}.]"
_EDGE_NOT_DOT = f"[^{_CONTROL}/{_SPACE}{LOOKALIKE_CHARS}.]"
# Not only dots, without a look-ahead (pydantic-core's regex has none): either the first
# character is not a dot, or dots lead up to the first character that is not one.
KEY_PART_PATTERN = (
    f"^(?:{_EDGE_NOT_DOT}(?:{_MIDDLE}*{_EDGE})?"
    f"|\\.+(?:{_EDGE_NOT_DOT}|{_MIDDLE_NOT_DOT}{_MIDDLE}*{_EDGE}))$"
)
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+$"
EMAIL_PATTERN = f"^[^@\\s{_CONTROL}]+@[^@\\s{_CONTROL}]+$"
_EMAIL_SHAPE = SchemaValidator(core_schema.str_schema(pattern=EMAIL_SHAPE))


class _Worded(ValueError):
    """A check whose message is pydantic's own (it was a pydantic constraint, not a validator)."""


def _email_shape(value: str) -> str:
    try:
        return str(_EMAIL_SHAPE.validate_python(value))
    except ValidationError as exc:
        raise _Worded(exc.errors(include_url=False)[0]["msg"]) from None


_PATTERN_CHECKS: dict[str, tuple[Callable[[str], str], ...]] = {
    NO_CONTROL_PATTERN: (_no_control_chars,),
    KEY_PART_PATTERN: (_no_control_chars, _key_part),
    EMAIL_PATTERN: (_email_shape, _no_control_chars),
}


def error_msg(error: Mapping[str, Any]) -> str:
    """pydantic's `msg` for one error, worded for a pattern refusal as when the check behind it
    was a Python validator ("Value error, must not contain '/'")."""
    if error["type"] == "string_pattern_mismatch":
        for check in _PATTERN_CHECKS.get(error["ctx"]["pattern"], ()):
            try:
                check(error["input"])
            except _Worded as exc:
                return str(exc)
            except ValueError as exc:
                return f"Value error, {exc}"
    return str(error["msg"])


def number_or_text(*, max_length: int, min_length: int | None, pattern: str) -> Any:
    """A text that takes a JSON integer (not a bool) as its decimal text: identifiers often
    arrive as numbers from ERPs. All in pydantic-core: a string, or an integer made text (the
    one Python call, for integers only), then the constraints; anything else is refused as
    "Input should be a valid string", as a plain text field refuses it."""

    def schema(_source: Any, _handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        number = core_schema.chain_schema(
            [core_schema.int_schema(strict=True), core_schema.no_info_plain_validator_function(str)]
        )
        text = core_schema.union_schema(
            [core_schema.str_schema(), number],
            custom_error_type="string_type",  # "Input should be a valid string"
        )
        constraints = core_schema.str_schema(
            min_length=min_length, max_length=max_length, pattern=pattern
        )
        return core_schema.chain_schema([text, constraints])

    return GetPydanticSchema(schema)

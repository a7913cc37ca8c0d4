"""Stored documents back into models without validating them again.

Every stored document passed `invoices.validation` and was written by `invoices.service.serialize`
(`model_dump(mode="json", exclude_none=True)`), so reading one back needs no checks, only types:
re-validating a three-line invoice costs about 140 us of pydantic (its text fields' validators run
in Python), which was most of the time of a page of summaries. `rebuild(model, data)` walks the
model's field annotations once per class and converts what JSON cannot carry: `Decimal` from its
exact text, dates and date-times from ISO text, nested models and lists of them. Everything else
(text, integers, booleans, literals) is taken as stored; absent fields get their defaults, as in
validation. `tests/test_trusted.py` holds `rebuild` to validation: for the demo corpus and
generated documents the two give equal models that serialise to the same bytes.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
Convert = Callable[[Any], Any]

_PLAIN = (str, int, bool)


class _Loader:
    """How to build one model class: per field, a converter and the default."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        # In the model's field order: a model serialises its values in the order they are held.
        self.fields: list[tuple[str, Convert | None, Any, Callable[[], Any] | None]] = []
        for name, field in model.model_fields.items():
            factory: Any = field.default_factory
            default = None if field.is_required() or factory is not None else field.default
            self.fields.append((name, _converter(field.annotation), default, factory))

    def build(self, data: dict[str, Any]) -> BaseModel:
        values: dict[str, Any] = {}
        found = 0
        for name, convert, default, factory in self.fields:
            if name in data:
                value = data[name]
                values[name] = value if convert is None or value is None else convert(value)
                found += 1
            else:
                values[name] = factory() if factory is not None else default
        if found != len(data):
            unknown = sorted(set(data) - set(values))
            raise KeyError(f"not a field of {self.model.__name__}: {', '.join(unknown)}")
        # What `model_construct` does, without its per-field default lookups: a model instance is
        # its field values in `__dict__` plus which of them were given.
        instance = self.model.__new__(self.model)
        object.__setattr__(instance, "__dict__", values)
        object.__setattr__(instance, "__pydantic_fields_set__", set(data))
        object.__setattr__(instance, "__pydantic_extra__", None)
        object.__setattr__(instance, "__pydantic_private__", None)
        return instance


_loaders: dict[type[BaseModel], _Loader] = {}


def rebuild(model: type[M], data: dict[str, Any]) -> M:
    """`model` from a dict its own `model_dump(mode="json")` produced, without validation."""
    loader = _loaders.get(model)
    if loader is None:
        loader = _loaders[model] = _Loader(model)
    instance: M = loader.build(data)  # type: ignore[assignment]
    return instance


def _converter(annotation: Any) -> Convert | None:
    """How to turn the JSON form of a value of this type back into it (None: as it is)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _converter(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        kinds = [a for a in get_args(annotation) if a is not type(None)]
        if len(kinds) != 1:
            raise TypeError(f"cannot rebuild a union of {kinds}")
        return _converter(kinds[0])  # None itself is passed through by `rebuild`
    if origin is list:
        item = _converter(get_args(annotation)[0])
        return None if item is None else lambda values: [item(v) for v in values]
    if origin is Literal or annotation in _PLAIN:
        return None
    if annotation is Decimal:
        return Decimal
    if annotation is date:
        return date.fromisoformat
    if annotation is datetime:
        return datetime.fromisoformat
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        nested: type[BaseModel] = annotation
        return lambda value: rebuild(nested, value)
    raise TypeError(f"cannot rebuild a value of type {annotation!r}")

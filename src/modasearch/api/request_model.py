"""The REST API's search body, generated from `search.request.SearchRequest`: the same fields, nesting,
defaults, descriptions and bounds, so the API documents exactly what the Python API and the CLI take.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    create_model,
    field_validator,
    model_validator,
)

from modasearch.search.request import SearchRequest

_MODELS: dict[type, type[BaseModel]] = {}


# An option's number, boolean or count as JSON Schema reads it: no coercion (true is no number, 1
# no boolean, "5" no count; 10.0 is 10); its bounds apply.
FLOAT = typing.Annotated[float, Strict(), Field(allow_inf_nan=False)]


def json_integer(value: Any) -> Any:
    """JSON Schema's integer: 10 and 10.0, not true, "10" or 10.5."""
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole:
        raise ValueError("must be an integer")
    return value


def json_int(**bounds: Any) -> Any:
    """An integer field as JSON Schema reads it, its bounds inside (before the check, so that the
    document shows them)."""
    return typing.Annotated[int, Field(**bounds), BeforeValidator(json_integer)]


SCALARS: dict[Any, Any] = {float: FLOAT, bool: typing.Annotated[bool, Strict()]}
# A filter's number, as JSON writes one: not a boolean, not a string (no coercion), finite.
Number = typing.Annotated[int, Strict()] | FLOAT


class Range(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    gte: Number | None = None
    lte: Number | None = None
    gt: Number | None = None
    lt: Number | None = None

    @field_validator("gte", "lte", "gt", "lt", mode="before")
    @classmethod
    def _a_number(cls, value: Any) -> Any:
        if value is None:  # a bound left out is absent, as the document says, not null
            raise ValueError("a bound is a number; leave it out for none")
        return value

    @model_validator(mode="after")
    def _bounded(self) -> Range:
        if self.gte is None and self.lte is None and self.gt is None and self.lt is None:
            raise ValueError("a range needs at least one of gte, lte, gt, lt")
        return self


FilterValue = str | Number | list[str | Number] | Range
Filters = dict[str, FilterValue]
FIELD_TYPES: dict[str, Any] = {"filters": Filters | None, "weights": dict[str, Number] | None}


def _api_type(name: str, annotation: Any, choices: tuple[str, ...] | None, bounds: dict[str, Any]) -> Any:
    if name in FIELD_TYPES:
        return FIELD_TYPES[name]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is int:
        return json_int(**bounds)
    if origin in (Union, types.UnionType):
        parts = [_api_type(name, a, choices, bounds) for a in args]
        return Union[tuple(parts)]  # noqa: UP007 - built from a list
    if choices and annotation is str:
        return Literal[choices]
    if dataclasses.is_dataclass(annotation):
        return model_of(annotation)  # type: ignore[arg-type]
    if origin is tuple:
        return list[args[0]]  # type: ignore[valid-type]
    if annotation in SCALARS:
        return SCALARS[annotation]
    if origin is Mapping:
        return dict[args[0], args[1]]  # type: ignore[valid-type]
    return annotation


def model_of(cls: type) -> type[BaseModel]:
    """A pydantic model with the dataclass's fields (nested dataclasses become nested models)."""
    if cls in _MODELS:
        return _MODELS[cls]
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        meta = f.metadata
        if meta.get("api") is False:
            continue
        bounds = {k: meta[k] for k in ("ge", "le", "max_length") if k in meta}
        annotation = _api_type(f.name, hints[f.name], meta.get("choices"), bounds)
        if _holds_int(hints[f.name]):
            bounds = {}  # they are in the type
        default = f.default
        if dataclasses.is_dataclass(default):
            info = Field(default_factory=model_of(type(default)), description=meta.get("description"))
        else:
            info = Field(default, description=meta.get("description"), **bounds)
        fields[f.name] = (annotation, info)
    fields.update(OVERRIDES.get(cls, {}))
    config = ConfigDict(extra="forbid", allow_inf_nan=False)
    model = create_model(cls.__name__, __config__=config, __doc__=cls.__doc__, **fields)
    _MODELS[cls] = model
    return model


def to_dataclass(cls: type, data: Mapping[str, Any]) -> Any:
    """A model's dump back into the (nested) dataclass."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        nested = _nested_dataclass(hints[f.name])
        if nested is not None and value is not None:
            value = to_dataclass(nested, value)
        elif isinstance(value, list) and _is_tuple(hints[f.name]):
            value = tuple(value)
        values[f.name] = value
    return cls(**values)


def _holds_int(annotation: Any) -> bool:
    return annotation is int or any(_holds_int(a) for a in typing.get_args(annotation))


def _is_tuple(annotation: Any) -> bool:
    return typing.get_origin(annotation) is tuple or any(_is_tuple(a) for a in typing.get_args(annotation))


def _nested_dataclass(annotation: Any) -> type | None:
    if dataclasses.is_dataclass(annotation):
        return annotation  # type: ignore[return-value]
    for arg in typing.get_args(annotation):
        if dataclasses.is_dataclass(arg):
            return arg  # type: ignore[return-value]
    return None


# The REST body searches by words (photos, similar items have their routes): the words are required.
OVERRIDES: dict[type, dict[str, Any]] = {
    SearchRequest: {
        "query": (
            str,
            Field(min_length=1, max_length=1000, pattern=r"\S", description="The shopper's words."),
        ),
    }
}
SearchBody = model_of(SearchRequest)


def plain_filters(filters: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Validated filters as the engine takes them: a range without its unset bounds."""
    if filters is None:
        return None
    out = {}
    for name, spec in filters.items():
        if isinstance(spec, BaseModel):
            spec = spec.model_dump()
        out[name] = {k: v for k, v in spec.items() if v is not None} if isinstance(spec, dict) else spec
    return out


def to_request(body: BaseModel) -> SearchRequest:
    data = body.model_dump()
    data["filters"] = plain_filters(data.get("filters"))
    request: SearchRequest = to_dataclass(SearchRequest, data)
    return request

"""Typed, documented indicator parameters.

An indicator declares its parameters as a frozen dataclass whose fields are made with
:func:`setting` (default and one line of documentation); the configuration's section for the
indicator is checked against it (unknown keys, wrong types and out-of-range weights are
errors naming the file and field), and the SQL binds the values by name (``$tiers``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Self

from dibwatch.errors import ConfigError

ALL_TIERS = ("1", "2", "3.A", "3.B", "4.A", "4.B")


def setting(default: Any, doc: str) -> Any:
    """A parameter with its default and what it means."""
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class ParamDoc:
    name: str
    type: str
    default: Any
    doc: str


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (tuple, list):
        return f"list of {_type_name(typing.get_args(tp)[0])}"
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _type_name(args[0]) + " or none"
    return getattr(tp, "__name__", str(tp))


def _convert(value: Any, tp: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        tp = next(a for a in typing.get_args(tp) if a is not type(None))
        origin = typing.get_origin(tp)
    if origin in (tuple, list):
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        inner = typing.get_args(tp)[0]
        return tuple(_convert(v, inner, where) for v in value)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected a whole number, got {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ConfigError(f"{where}: expected text, got {value!r} (quote NO, ON, YES: "
                              f"YAML reads them as booleans)")
        return str(value)
    if tp is date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(f"{where}: not a date: {value!r}") from None
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    return value


@dataclass(frozen=True)
class Params:
    """What every indicator has."""

    weight: float = setting(0.0, "weight of the flag in the firm's noisy-OR score, 0 to 1 "
                                 "(0 leaves the flag out of the score)")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str) -> Self:
        """Check and convert one indicator's section; ``where`` names it in errors
        (``risk.yml, field 'indicators.hub_routing'``)."""
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise ConfigError(f"{where}: unknown parameter(s) {', '.join(unknown)}; this "
                              f"indicator takes {', '.join(sorted(fields))}")
        values = {k: _convert(v, hints[k], f"{where}.{k}") for k, v in data.items()}
        params = cls(**values)
        if not 0.0 <= params.weight <= 1.0:
            raise ConfigError(f"{where}.weight: weight must be a number in [0, 1], got "
                              f"{params.weight!r}")
        return params

    def bind(self) -> dict[str, Any]:
        """The values as SQL parameters: lists for tuples, ISO text for dates."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = [str(v) if isinstance(v, date) else v for v in value]
            elif isinstance(value, date):
                value = value.isoformat()
            out[f.name] = value
        return out

    @classmethod
    def documented(cls) -> list[ParamDoc]:
        hints = typing.get_type_hints(cls)
        return [ParamDoc(f.name, _type_name(hints[f.name]), f.default,
                         str(f.metadata.get("doc", ""))) for f in dataclasses.fields(cls)]


@dataclass(frozen=True)
class LineParams(Params):
    """What every line rule has: the roles it looks at and how its score is made."""

    roles: tuple[str, ...] = setting(("exporter",), "the firm's roles on the lines the rule "
                                                    "looks at (exporter, importer, "
                                                    "contract_holder)")
    full_share: float = setting(0.3, "share of the firm's trade in those roles meeting the "
                                     "rule at which the score is full")
    full_lines: float | None = setting(None, "number of lines meeting the rule at which the "
                                             "score is full (none: only the share counts)")
    min_lines: int = setting(1, "lines that must meet the rule before the firm is flagged")
    evidence_prior: float | None = setting(
        None, "pseudo-lines of doubt: a flag on n lines keeps n / (n + prior) of its score "
              "(none: the run-wide evidence_prior)")

"""Declarative mappings from a source's columns to the canonical shipment schema.

A mapping is a YAML file (built-ins live in ``mappings/``)::

    name: ru_customs
    description: Russian customs declaration (ДТ) extract
    decimal_comma: true              # default for every number field
    date_formats: ["%d.%m.%Y"]       # tried before the built-in formats
    detect: [G072, G33]              # all present in a header -> this mapping is auto-chosen
    aliases:                         # other headers a source column appears under
      G072: ["Дата ДТ", "Дата регистрации"]
    fields:
      date: G072                                     # a column
      declaration_id:                                # several columns joined
        concat: [G071, {column: G072, date: "%d%m%y"}, G073]
        separator: "/"
      importer_id: {column: G081, id_scheme: INN}    # "7704730655" -> "INN:7704730655"
      direction: {column: G011, lookup: {ИМ: IM}}    # value lookup before validation
      net_kg: {column: NETTO_T, multiply: 1000}      # unit multiplier
      invoice_currency: {value: USD}                 # a constant
    extra: [G012]                                    # kept verbatim in shipments.extra

The vocabulary is fixed: an unknown key is a :class:`ConfigError` naming the mapping file.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dibwatch.errors import ConfigError, FormatError, Location
from dibwatch.trade.schema import FIELD_BY_NAME, Kind

_FIELD_KEYS = {"column", "aliases", "concat", "separator", "value", "date_format",
               "decimal_comma", "multiply", "id_scheme", "lookup"}
_TOP_KEYS = {"name", "description", "decimal_comma", "date_formats", "detect", "aliases",
             "fields", "extra"}
_DIRECTIVES = re.compile(r"%[dmYybBHMS%]")
_ANY_DIRECTIVE = re.compile(r"%.")


def header_key(name: str) -> str:
    """Headers compare case-insensitively with whitespace collapsed and a BOM dropped."""
    return " ".join(name.replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class Part:
    """One source column (under any of its names); ``date`` re-formats a date-valued part."""

    names: tuple[str, ...]
    date: str | None = None


@dataclass(frozen=True)
class Rule:
    """How one canonical field is filled."""

    field: str
    parts: tuple[Part, ...] = ()
    separator: str = " "
    value: str | None = None
    date_formats: tuple[str, ...] = ()
    decimal_comma: bool | None = None
    multiply: float = 1.0
    id_scheme: str | None = None
    # keys already folded by header_key()
    lookup: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    name: str
    description: str
    rules: tuple[Rule, ...]
    detect: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    aliases: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    date_formats: tuple[str, ...] = ()  # for concat parts that re-format a date
    origin: str = ""

    def names_of(self, column: str) -> tuple[str, ...]:
        return (column, *self.aliases.get(column, ()))

    def matches(self, header: list[str]) -> bool:
        keys = {header_key(h) for h in header}
        return bool(self.detect) and all(
            any(header_key(n) in keys for n in self.names_of(c)) for c in self.detect)


def _fail(origin: str, message: str) -> ConfigError:
    return ConfigError(f"mapping {origin}: {message}")


def _str_list(value: Any, origin: str, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return tuple(str(v) for v in value)
    raise _fail(origin, f"{what} must be a string or a list of strings")


def _check_format(fmt: str, origin: str, where: str) -> str:
    for directive in _ANY_DIRECTIVE.findall(fmt):
        if not _DIRECTIVES.fullmatch(directive):
            raise _fail(origin, f"{where}: unsupported date directive {directive!r} "
                        "(use %d %m %Y %y %b %B %H %M %S)")
    if "%d" not in fmt or not ({"%m", "%b", "%B"} & set(_ANY_DIRECTIVE.findall(fmt))):
        raise _fail(origin, f"{where}: date format {fmt!r} needs a day and a month")
    return fmt


def _part(spec: Any, aliases: dict[str, tuple[str, ...]], origin: str, where: str) -> Part:
    if isinstance(spec, str | int):
        return Part((str(spec), *aliases.get(str(spec), ())))
    if isinstance(spec, dict) and "column" in spec and set(spec) <= {"column", "aliases",
                                                                       "date"}:
        col = str(spec["column"])
        names = (col, *aliases.get(col, ()), *_str_list(spec.get("aliases", []), origin, where))
        date = spec.get("date")
        return Part(names, _check_format(str(date), origin, where) if date else None)
    raise _fail(origin, f"{where}: a column is a name or {{column, aliases, date}}")


def _rule(name: str, spec: Any, defaults: dict[str, Any],
          aliases: dict[str, tuple[str, ...]], origin: str) -> Rule:
    if name not in FIELD_BY_NAME:
        raise _fail(origin, f"unknown canonical field {name!r}")
    kind = FIELD_BY_NAME[name].kind
    if isinstance(spec, str | int):
        spec = {"column": str(spec)}
    if not isinstance(spec, dict):
        raise _fail(origin, f"field {name!r}: expected a column name or a mapping")
    unknown = set(spec) - _FIELD_KEYS
    if unknown:
        raise _fail(origin, f"field {name!r}: unknown key(s) {', '.join(sorted(unknown))}")
    sources = [k for k in ("column", "concat", "value") if k in spec]
    if len(sources) != 1:
        raise _fail(origin, f"field {name!r}: give exactly one of column, concat, value")
    parts: tuple[Part, ...] = ()
    if "column" in spec:
        parts = (_part({"column": spec["column"], "aliases": spec.get("aliases", [])},
                       aliases, origin, f"field {name!r}"),)
    elif "concat" in spec:
        if not isinstance(spec["concat"], list) or len(spec["concat"]) < 2:
            raise _fail(origin, f"field {name!r}: concat needs a list of two or more columns")
        parts = tuple(_part(p, aliases, origin, f"field {name!r}") for p in spec["concat"])
    for key, kinds in (("date_format", {Kind.DATE}), ("decimal_comma", {Kind.NUMBER}),
                       ("multiply", {Kind.NUMBER}), ("id_scheme", {Kind.IDENTIFIER})):
        if key in spec and kind not in kinds:
            raise _fail(origin, f"field {name!r}: {key} applies to {kind} fields only "
                        f"as {'/'.join(sorted(kinds))}")
    formats = _str_list(spec.get("date_format", []), origin, f"field {name!r}")
    formats += defaults["date_formats"] if kind is Kind.DATE else ()
    multiply = spec.get("multiply", 1.0)
    if not isinstance(multiply, int | float) or isinstance(multiply, bool) or multiply == 0:
        raise _fail(origin, f"field {name!r}: multiply must be a non-zero number")
    lookup = spec.get("lookup", {})
    if not isinstance(lookup, dict):
        raise _fail(origin, f"field {name!r}: lookup must map raw values to values")
    decimal_comma = spec.get("decimal_comma", defaults["decimal_comma"])
    return Rule(
        field=name, parts=parts, separator=str(spec.get("separator", " ")),
        value=None if spec.get("value") is None else str(spec["value"]),
        date_formats=tuple(_check_format(f, origin, f"field {name!r}") for f in formats),
        decimal_comma=None if decimal_comma is None else bool(decimal_comma),
        multiply=float(multiply),
        id_scheme=str(spec["id_scheme"]).upper() if spec.get("id_scheme") else None,
        lookup={header_key(str(k)): str(v) for k, v in lookup.items()})


def parse_mapping(data: Any, origin: str) -> Mapping:
    """Build a :class:`Mapping` from parsed YAML; every mistake is a ConfigError."""
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise _fail(origin, "expected a YAML mapping with a 'fields' section")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise _fail(origin, f"unknown key(s) {', '.join(sorted(unknown))}")
    raw_aliases = data.get("aliases") or {}
    if not isinstance(raw_aliases, dict):
        raise _fail(origin, "aliases must map a column to its other names")
    aliases = {str(k): _str_list(v, origin, f"aliases of {k}") for k, v in raw_aliases.items()}
    date_formats = _str_list(data.get("date_formats", []), origin, "date_formats")
    defaults: dict[str, Any] = {"decimal_comma": data.get("decimal_comma"),
                                "date_formats": date_formats}
    rules = tuple(_rule(str(name), spec, defaults, aliases, origin)
                  for name, spec in data["fields"].items())
    return Mapping(
        name=str(data.get("name") or Path(origin).stem),
        description=str(data.get("description", "")),
        rules=rules,
        detect=_str_list(data.get("detect", []), origin, "detect"),
        extra=_str_list(data.get("extra", []), origin, "extra"),
        aliases=aliases,
        date_formats=tuple(_check_format(f, origin, "date_formats") for f in date_formats),
        origin=origin)


def _read_yaml(text: str, origin: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail(origin, f"invalid YAML: {exc}") from exc


BUILTIN_NAMES = ("canonical", "ru_customs", "bill_of_lading")


def builtin_mapping(name: str) -> Mapping:
    if name not in BUILTIN_NAMES:
        raise ConfigError(f"unknown mapping {name!r}; built-ins: {', '.join(BUILTIN_NAMES)} "
                          "(or give a path to a .yml file)")
    res = resources.files("dibwatch.trade").joinpath(f"mappings/{name}.yml")
    return parse_mapping(_read_yaml(res.read_text(encoding="utf-8"), f"{name}.yml"),
                         f"{name}.yml")


def builtin_mappings() -> list[Mapping]:
    return [builtin_mapping(n) for n in BUILTIN_NAMES]


def load_mapping(spec: str | Path | Mapping) -> Mapping:
    """A built-in by name, a YAML file by path, or a ready :class:`Mapping`."""
    if isinstance(spec, Mapping):
        return spec
    if isinstance(spec, str) and spec in BUILTIN_NAMES:
        return builtin_mapping(spec)
    path = Path(spec)
    if not path.is_file():
        raise ConfigError(f"mapping {spec!s} is neither a built-in "
                          f"({', '.join(BUILTIN_NAMES)}) nor a file")
    return parse_mapping(_read_yaml(path.read_text(encoding="utf-8"), str(path)), str(path))


def detect_mapping(header: list[str], file: str,
                   candidates: AbcMapping[str, Mapping] | None = None) -> Mapping:
    """The one built-in whose ``detect`` columns are all in ``header``."""
    pool = list(candidates.values()) if candidates else builtin_mappings()
    found = [m for m in pool if m.matches(header)]
    if len(found) == 1:
        return found[0]
    shown = ", ".join(header[:12]) + (" …" if len(header) > 12 else "")
    if not found:
        raise FormatError(f"no built-in mapping fits the header ({shown}); give --mapping "
                          "with a YAML mapping", Location(file, 1))
    raise FormatError(f"header fits several mappings ({', '.join(m.name for m in found)}); "
                      "choose one with --mapping", Location(file, 1))

"""The shared vocabulary of dibwatch: entities and their typed values."""

from dibwatch.model.country import country_code, country_name
from dibwatch.model.entity import (
    Address,
    CountryLink,
    Entity,
    Identifier,
    Name,
    NameKind,
    Provenance,
    Sanction,
    Schema,
)
from dibwatch.model.identifiers import make_identifier, validate

__all__ = [
    "Address",
    "CountryLink",
    "Entity",
    "Identifier",
    "Name",
    "NameKind",
    "Provenance",
    "Sanction",
    "Schema",
    "country_code",
    "country_name",
    "make_identifier",
    "validate",
]

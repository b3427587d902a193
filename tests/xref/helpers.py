"""Small fictional universes for the cross-referencing unit tests."""

from __future__ import annotations

from dibwatch.model.entity import Address, Entity, Identifier, Name, Sanction
from dibwatch.model.identifiers import make_identifier
from dibwatch.xref.universe import Member, SnapshotView, Universe


def entity(eid: str, name: str, *, source: str = "src", schema: str = "Company",
           country: str | None = None, ids: tuple[tuple[str, str], ...] = (),
           born: str | None = None, sanctions: tuple[Sanction, ...] = ()) -> Entity:
    e = Entity(eid, schema, source, eid.split("-", 1)[-1], names=[Name(name)])
    if country:
        e.addresses.append(Address(f"Somewhere, {country.upper()}", country=country))
    e.identifiers = [make_identifier(s, v) for s, v in ids]
    if born:
        e.birth_dates.append(born)
    e.sanctions = list(sanctions) or [Sanction("EU", "833/2014 Annex IV", "Annex IV")]
    return e


def universe(*entities: Entity, snapshots: dict[str, tuple[int, ...]] | None = None
             ) -> Universe:
    """Each entity in snapshot 1 of its source unless ``snapshots`` says otherwise."""
    views = {1: SnapshotView(1, "src", 10, "2024-01-31", "published", False, 0)}
    u = Universe(views)
    for e in entities:
        held = (snapshots or {}).get(e.id, (1,))
        u.members[e.id] = Member(e, held[-1], e.content_hash(), held)
    return u


def identifier(scheme: str, value: str) -> Identifier:
    return make_identifier(scheme, value)

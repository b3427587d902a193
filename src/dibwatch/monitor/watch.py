"""Watched parties: names (with country / identifier) analysts want re-screened on every
monitored change, whether or not they appear in the shipments."""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.casework import audit
from dibwatch.casework.state import AppState, now
from dibwatch.errors import ConfigError
from dibwatch.match.algorithm import Query
from dibwatch.match.batch import make_query


@dataclass(frozen=True)
class WatchedParty:
    watch_id: int
    name: str
    country: str | None
    identifier: str | None
    schema: str | None
    added_by: str
    added_at: str

    def query(self) -> Query:
        return make_query(self.name, country=self.country, ident=self.identifier,
                          schema=self.schema)[0]


def add_watched(state: AppState, *, actor: str, name: str, country: str | None = None,
                identifier: str | None = None, schema: str | None = None) -> WatchedParty:
    name = " ".join(name.split())
    if not name:
        raise ConfigError("a watched party needs a name")
    with state.transaction() as con:
        cur = con.execute(
            "INSERT INTO watched_parties (name, country, identifier, schema, added_by, "
            "added_at) VALUES (?, ?, ?, ?, ?, ?)",
            [name, country or None, identifier or None, schema or None, actor, now()])
        watch_id = int(cur.lastrowid or 0)
        audit.append(con, actor=actor, action="watch.add", object_type="watched_party",
                     object_id=str(watch_id), detail={"name": name, "country": country,
                                                      "identifier": identifier})
        row = con.execute("SELECT * FROM watched_parties WHERE watch_id = ?",
                          [watch_id]).fetchone()
    return WatchedParty(int(row["watch_id"]), row["name"], row["country"], row["identifier"],
                        row["schema"], row["added_by"], row["added_at"])


def list_watched(state: AppState) -> list[WatchedParty]:
    with state.connect() as con:
        rows = con.execute("SELECT * FROM watched_parties WHERE active = 1 "
                           "ORDER BY watch_id").fetchall()
    return [WatchedParty(int(r["watch_id"]), r["name"], r["country"], r["identifier"],
                         r["schema"], r["added_by"], r["added_at"]) for r in rows]

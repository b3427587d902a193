"""Screening through a running ``dibwatch serve``: the server holds the workspace, so it
screens and records the proof of screening; the command line sends the queries to its
yente-shaped ``/match`` API (with the token the server announced) and shows the answers
exactly as a local run would."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from dibwatch.errors import WorkspaceError
from dibwatch.match.algorithm import DibwatchV1, Feature, Match, Query
from dibwatch.match.screen import EntityInfo, Hit, QueryResult, ScreeningRun
from dibwatch.workspace.holder import ServerInfo

CHUNK = 100  # queries per request: the server's default max_match_queries
TIMEOUT = 120.0
# dibwatch identifier scheme -> the FtM property the /match API reads it from.
ID_PROPERTIES = {"INN": "innCode", "OGRN": "ogrnCode", "KPP": "kppCode", "OKPO": "okpoCode",
                 "LEI": "leiCode", "BIC": "swiftBic", "IMO": "imoNumber",
                 "REG": "registrationNumber", "TAX": "taxNumber"}


@dataclass(frozen=True)
class RemoteMatch(Match):
    """A match as the server explained it (its explanation is kept verbatim)."""

    server_explanation: dict[str, Any] = field(default_factory=dict)

    def explanation(self) -> dict[str, Any]:
        return self.server_explanation

    def explain_text(self) -> str:
        expl = self.server_explanation
        parts = [f"'{self.query_name}' ~ '{self.matched_name}'"]
        aligned = expl.get("aligned") or []
        if aligned:
            parts.append(", ".join(f"{q}={c}" + ("" if s == 1 else f"({s:.2f})")
                                   for q, c, s in aligned))
        parts += [f"{f.name} {f.contribution:+.2f}" for f in self.features]
        return "; ".join(parts)


def _example(query: Query) -> dict[str, Any]:
    props: dict[str, list[str]] = {"name": list(query.names)}
    if query.countries:
        props["country"] = list(query.countries)
    for ident in query.identifiers:
        props.setdefault(ID_PROPERTIES.get(ident.scheme, "idNumber"), []).append(ident.value)
    return {"schema": query.schema or "LegalEntity", "properties": props}


def _hit(item: dict[str, Any]) -> Hit:
    expl = item.get("explanation") or {}
    props = item.get("properties") or {}
    features = tuple(Feature(str(f[0]), float(f[1]), str(f[2]))
                     for f in expl.get("features") or [])
    match = RemoteMatch(item["id"], float(item["score"]), bool(item["match"]),
                        str(expl.get("query_name", "")), str(expl.get("matched_name", "")),
                        None, features, server_explanation=expl)
    info = EntityInfo(item["id"], int(item.get("snapshot_id") or 0),
                      (item.get("datasets") or [""])[0], (item.get("referents") or [""])[0],
                      item.get("schema", ""), item.get("caption", ""),
                      "; ".join(props.get("program") or []),
                      frozenset(props.get("country") or ()), ())
    return Hit(match, info)


class ServerScreening:
    def __init__(self, server: ServerInfo) -> None:
        self.server = server
        self.client = httpx.Client(base_url=server.url, timeout=TIMEOUT,
                                   headers={"Authorization": f"Bearer {server.token}"})

    def _post(self, examples: dict[str, Any], top: int, threshold: float) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": top, "threshold": threshold}
        try:
            response = self.client.post("/match/default", params=params,
                                        json={"queries": examples})
        except httpx.HTTPError as exc:
            raise WorkspaceError(f"{self.server.label} holds the workspace but did not "
                                 f"answer: {exc}") from exc
        if response.status_code != 200:
            raise WorkspaceError(f"{self.server.label} refused the screening request "
                                 f"({response.status_code}): {response.text[:300]}")
        body: dict[str, Any] = response.json()
        return body

    def snapshots(self) -> list[dict[str, Any]]:
        try:
            body = self.client.get("/lists").json()
        except (httpx.HTTPError, ValueError):
            return []
        return [s for s in body.get("snapshots", []) if s.get("current")]

    def screen(self, queries: Sequence[Query], *, top: int, threshold: float | None,
               progress: Callable[[int, int], None] | None = None) -> ScreeningRun:
        started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        results = [QueryResult(q) for q in queries]
        todo = [i for i, q in enumerate(queries) if q.name.strip()]
        run_id: int | None = None
        algorithm = ""
        # The server runs this same dibwatch: its default threshold is ours.
        threshold = DibwatchV1.threshold if threshold is None else threshold
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start:start + CHUNK]
            body = self._post({str(i): _example(queries[i]) for i in chunk}, top, threshold)
            run_id = run_id or body.get("screening_run")
            algorithm = str(body.get("algorithm", ""))
            for i in chunk:
                answer = body["responses"][str(i)]
                results[i].hits = [_hit(item) for item in answer["results"]]
            if progress is not None:
                progress(min(start + CHUNK, len(todo)), len(todo))
        for i, q in enumerate(queries):
            if not q.name.strip():
                results[i].warnings.append("empty name: not screened")
        snaps = [{"source": s["source"], "snapshot_id": s["snapshot_id"]}
                 for s in self.snapshots()]
        return ScreeningRun(run_id, started, algorithm, threshold, snaps, results)

    def close(self) -> None:
        self.client.close()



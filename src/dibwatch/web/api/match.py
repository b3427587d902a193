"""``POST /match/{dataset}`` in the shape of yente's matching API, so clients written for
yente work: queries are FollowTheMoney-like examples ``{"schema", "properties"}`` keyed by a
client-chosen name; each response lists scored entities with ``score``, ``match`` and
``features``, plus dibwatch's ``explanation`` (aligned tokens and feature contributions).

``dataset`` is ``default`` (every loaded list) or one list source (``us_csl``, ``demo_list``…).
Every query is recorded as proof of screening; the run id is in the ``X-Screening-Run``
header.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from dibwatch.match.algorithm import DibwatchV1
from dibwatch.match.algorithm import Query as MatchQuery
from dibwatch.match.batch import SCHEMATA, make_query
from dibwatch.match.features import FEATURES
from dibwatch.match.screen import Hit, Screener
from dibwatch.model.country import country_code
from dibwatch.model.identifiers import make_identifier
from dibwatch.web.auth import Viewer
from dibwatch.web.context import Ctx

router = APIRouter(tags=["Matching"])

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
COUNTRY_PROPS = ("country", "jurisdiction", "nationality", "citizenship", "mainCountry",
                 "registrationCountry", "flag")  # a vessel's flag meets the listed flag
# FtM identifier property -> dibwatch identifier scheme (check digits where the scheme has
# them). Unknown-scheme numbers still count when both sides carry the same value.
ID_PROPS = {"innCode": "INN", "ogrnCode": "OGRN", "kppCode": "KPP", "okpoCode": "OKPO",
            "leiCode": "LEI", "swiftBic": "BIC", "imoNumber": "IMO", "callSign": "CALL_SIGN",
            "mmsi": "MMSI",
            "registrationNumber": "REG_NO", "taxNumber": "TAX_ID", "idNumber": "ID"}
SCHEME_PROPS = {scheme: prop for prop, scheme in ID_PROPS.items()}
ALGORITHM_ALIASES = {"dibwatch-v1": DibwatchV1.name, "default": DibwatchV1.name,
                     "best": DibwatchV1.name}
# What each feature means, as yente's ``matcher`` block documents its own: generated from
# the one declaration of the matcher's features and weights.
FEATURE_DOCS: dict[str, tuple[str, float]] = {
    f.name: (f"{f.kind}: {f.description}", f.weight) for f in FEATURES}


class EntityExample(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", examples=["Company"])
    properties: dict[str, str | list[Any]] = Field(
        ..., examples=[{"name": ["Krylotronika Instrument Works"], "jurisdiction": ["ru"]}])


class EntityMatchQuery(BaseModel):
    weights: dict[str, float] = Field(default_factory=dict)
    queries: dict[str, EntityExample]


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class ScoredEntity(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    referents: list[str]
    target: bool = True
    score: float
    match: bool
    features: dict[str, float]
    explanation: dict[str, Any]
    snapshot_id: int


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntity]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str
    coefficient: float
    url: str | None = None


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int
    algorithm: str
    # Proof of screening: the recorded run and the query_no of this request's first query
    # (requests arriving together share one run; see dibwatch.web.proof).
    screening_run: int | None = None
    screening_first_query: int | None = None


def _values(props: dict[str, str | list[Any]], name: str) -> list[str]:
    raw = props.get(name, [])
    values = raw if isinstance(raw, list) else [raw]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def example_query(name: str, example: EntityExample) -> MatchQuery:
    """A yente example as a dibwatch query; 400 when it cannot be one."""
    schema = SCHEMATA.get(example.schema_.strip().lower())
    if schema is None:
        raise HTTPException(400, f"query {name!r}: unknown schema {example.schema_!r} "
                                 f"(one of {', '.join(sorted(set(SCHEMATA.values())))})")
    names = [v for p in NAME_PROPS for v in _values(example.properties, p)]
    if not names:
        raise HTTPException(400, f"query {name!r}: no 'name' property to match on")
    base, _ = make_query(names[0], schema=schema)
    countries = tuple(dict.fromkeys(
        c.lower() for p in COUNTRY_PROPS for v in _values(example.properties, p)
        if (c := country_code(v)) is not None))
    identifiers = tuple(make_identifier(scheme, v) for prop, scheme in ID_PROPS.items()
                        for v in _values(example.properties, prop))
    aliases = tuple(dict.fromkeys(n for n in names[1:] if n != base.name))
    return MatchQuery(base.name, schema, countries, identifiers, aliases)


def scored_entity(screener: Screener, hit: Hit) -> ScoredEntity:
    info = hit.entity
    names = [info.caption, *(n.value for n in screener.entity_names.get(info.entity_id, ()))]
    props: dict[str, list[str]] = {"name": list(dict.fromkeys(names))}
    if info.countries:
        props["country"] = sorted(info.countries)
    if info.programs:
        props["program"] = [info.programs]
    for ident in info.identifiers:
        props.setdefault(SCHEME_PROPS.get(ident.scheme, "idNumber"), []).append(ident.value)
    features = {f.name: round(f.contribution, 4) for f in hit.match.features}
    return ScoredEntity(id=info.entity_id, caption=info.caption, schema=info.schema,
                        properties=props, datasets=[info.source], referents=[info.source_id],
                        score=round(hit.match.score, 4), match=hit.match.is_match,
                        features=features, explanation=hit.match.explanation(),
                        snapshot_id=info.snapshot_id)


@router.post("/match/{dataset}", response_model=EntityMatchResponse,
             response_model_by_alias=True, summary="Query-by-example matcher (yente shape)")
def match(principal: Viewer, ctx: Ctx, body: EntityMatchQuery, response: Response, dataset: str,
          limit: int = Query(5, ge=1, description="results per query"),
          threshold: float = Query(DibwatchV1.threshold, ge=0.0, le=1.0,
                                   description="score at or above which a result is a match"),
          algorithm: str = Query("dibwatch-v1", description="dibwatch-v1 (alias best, "
                                                            "default)"),
          ) -> EntityMatchResponse:
    """Match each example entity against the lists of ``dataset``."""
    if algorithm not in ALGORITHM_ALIASES:
        raise HTTPException(400, f"unknown algorithm {algorithm!r}: this server has "
                                 f"{DibwatchV1.name}")
    if limit > ctx.settings.max_match_limit:
        raise HTTPException(400, f"limit {limit} over the maximum "
                                 f"{ctx.settings.max_match_limit}")
    if not body.queries:
        raise HTTPException(400, "no queries provided")
    if len(body.queries) > ctx.settings.max_match_queries:
        raise HTTPException(400, f"too many queries in one batch (limit: "
                                 f"{ctx.settings.max_match_queries})")
    screener = ctx.service.screener()
    sources = {s["source"] for s in screener.snapshots}
    if dataset != "default" and dataset not in sources:
        raise HTTPException(404, f"unknown dataset {dataset!r}: default or one of "
                                 f"{', '.join(sorted(sources))}")
    names = list(body.queries)
    queries = [example_query(n, body.queries[n]) for n in names]
    # Other sources' entities compete for the shortlist: fetch more when filtering.
    top = limit if dataset == "default" else max(limit, 20)
    run = screener.screen(queries, top=top, threshold=threshold, record=False, workers=1)
    first_query = None
    if ctx.settings.record_matches:
        recorded = ctx.proof.record(run, top, f"api /match/{dataset} {principal.user.name}")
        run.run_id, first_query = recorded.run_id, recorded.first_query
        response.headers["X-Screening-Run"] = str(run.run_id)
        response.headers["X-Screening-First-Query"] = str(first_query)
    responses: dict[str, EntityMatches] = {}
    for name, result in zip(names, run.results, strict=True):
        hits = [h for h in result.hits if dataset == "default" or h.entity.source == dataset]
        results = [scored_entity(screener, h) for h in hits[:limit]]
        responses[name] = EntityMatches(results=results,
                                        total=TotalSpec(value=len(results)),
                                        query=body.queries[name])
    matcher = {k: FeatureDoc(description=d, coefficient=c) for k, (d, c) in
               FEATURE_DOCS.items()}
    return EntityMatchResponse(responses=responses, matcher=matcher, limit=limit,
                               algorithm=run.algorithm, screening_run=run.run_id,
                               screening_first_query=first_query)


@router.get("/algorithms", summary="The matching algorithms this server has")
def algorithms(principal: Viewer) -> dict[str, Any]:
    return {"algorithms": [{"name": DibwatchV1.name, "version": DibwatchV1.version,
                            "threshold": DibwatchV1.threshold,
                            "features": {k: {"description": d, "coefficient": c}
                                         for k, (d, c) in FEATURE_DOCS.items()}}],
            "default": DibwatchV1.name, "best": DibwatchV1.name}

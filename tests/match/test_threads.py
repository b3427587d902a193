"""One Screener and one algorithm instance serve many threads (the web server's): screening
from eight threads at once gives exactly what one thread gives."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from dibwatch.lists.loader import load_list
from dibwatch.match import Query
from dibwatch.match.screen import Screener
from dibwatch.workspace import Workspace

EU_833 = "sanctions/eu_ojeu_consolidated_annexes_2026-07/32014R0833.csv"


@pytest.fixture(scope="module")
def screener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Screener]:
    from dibwatch.testing import shared_file

    with Workspace(tmp_path_factory.mktemp("threads") / "ws.duckdb") as ws:
        load_list(ws, shared_file(EU_833))
        yield Screener(ws)


def _queries(screener: Screener) -> list[Query]:
    out: list[Query] = []
    for entity_id in sorted(screener.entity_names)[:400]:
        info = screener.entities[entity_id]
        for cname in screener.entity_names[entity_id][:3]:
            name = cname.value
            # the name as listed, a person's and an organisation's schema for it, a typo
            out.append(Query(name, info.schema))
            out.append(Query(name.upper(), "Person" if info.schema != "Person" else None))
            if len(name) > 6:
                out.append(Query(name[:3] + name[4:], info.schema))
    out += [Query(n, "Person") for n in ("김정은", "رغد صدام حسين التكريتي", "ვლადიმერ პუტინი",
                                          "व्लादिमीर पुतिन", "习近平", "Президент Путин")]
    return out


def _outcome(screener: Screener, query: Query) -> list[tuple[str, float, str]]:
    result = screener.score(query, 5)
    return [(h.entity.entity_id, h.match.score, h.match.explain_text()) for h in result.hits]


def test_many_threads_screen_as_one(screener: Screener) -> None:
    queries = _queries(screener)
    assert len(queries) > 1000
    screener.algorithm.clear_memos()
    alone = [_outcome(screener, q) for q in queries]
    for _ in range(2):  # cold memos, then warm ones filled by eight threads at once
        screener.algorithm.clear_memos()
        with ThreadPoolExecutor(max_workers=8) as pool:
            together = list(pool.map(lambda q: _outcome(screener, q), queries))
        assert together == alone
    assert sum(1 for hits in alone if hits and hits[0][1] >= 0.7) > len(queries) // 3

"""A failed training pass must not leave the linkage model without a comparison.

Splink's EM session takes the comparisons of its blocking rule out of the linker's own
settings and puts them back only when training succeeds. Before the fix, a pass that raised
(in one benchmark world: "m_probability value 0.0 is below the minimum") left the model
predicting without the name comparison, and seven unrelated Bishkek firms became one on
country alone (pairwise precision 0.85)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import splink.internals.em_training_session as em_session

from dibwatch.resolve import resolve_parties
from tests.resolve.helpers import exporter, workspace_with

SYLLABLES = ["ka", "lo", "mir", "tex", "vor", "dan", "pel", "qui", "ros", "zen", "bri", "ful"]


def _world(firms: int = 320, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    lines: list[dict[str, Any]] = []
    seen: set[str] = set()
    while len(seen) < firms:
        word = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        if word in seen:
            continue
        seen.add(word)
        street = f"{rng.randint(1, 400)} {word} Street, Bishkek"
        lines.append(exporter(f"OsOO {word} Trading", "KG", None, street))
        lines.append(exporter(f"{word.upper()} TRADING LLC", "KG", None, street.upper()))
    return lines


def _fail(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("m_probability value 0.0 is below the minimum allowed value")


def test_a_failed_em_pass_keeps_every_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(em_session, "expectation_maximisation", _fail)
    ws = workspace_with(_world())
    result = resolve_parties(ws)
    assert result.training == "priors"
    levels = [json.loads(raw) if isinstance(raw, str) else raw
              for (raw,) in ws.engine.query("SELECT levels FROM firm_links")]
    assert levels, "no link was made"
    assert all({"id_norm", "norm_name", "country_code", "address_norm"} <= set(lv)
               for lv in levels), levels[:3]
    # No firm joins two different names.
    words = ws.engine.query(
        """SELECT m.firm_id, count(DISTINCT upper(split_part(replace(p.name, 'OsOO ', ''),
                                                            ' ', 1)))
           FROM firm_members m JOIN party_mentions p USING (mention_id) GROUP BY m.firm_id
           HAVING count(DISTINCT upper(split_part(replace(p.name, 'OsOO ', ''), ' ', 1))) > 1""")
    assert words == []

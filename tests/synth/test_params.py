from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dibwatch.errors import ConfigError
from dibwatch.synth import WorldParams

BAD = [
    ({"shipments": 0}, "shipments must be at least 1"),
    ({"firms": 10}, "firms must be at least 50"),
    ({"name_noise": 1.5}, "name_noise must be within"),
    ({"facilitator_share": -0.1}, "facilitator_share must be within"),
    ({"primary_scheme_shares": {"smuggling": 1.0}}, "unknown schemes"),
    ({"primary_scheme_shares": {"new_firm": 0.0}}, "must not all be zero"),
    ({"start": date(2023, 1, 1)}, "straddle the invasion"),
    ({"row_group_size": 10}, "row_group_size"),
    ({"decoy_mix": {"honest_smuggler": 1.0}}, "unknown decoys"),
    ({"decoy_share": 1.5}, "decoy_share must be within"),
    ({"activity_sigma": 5.0}, "activity_sigma must be within"),
    ({"to_ru_share": -0.2}, "to_ru_share must be within"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD)
def test_bad_parameters_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        WorldParams(**kwargs)


@pytest.mark.parametrize(("shipments", "firms"), [(1_000, 200), (50_000, 1_000),
                                                  (10_000_000, 200_000)])
def test_firms_scale_with_shipments(shipments: int, firms: int) -> None:
    assert WorldParams(shipments=shipments).n_firms == firms


def test_to_dict_is_json_ready() -> None:
    data = WorldParams().to_dict()
    assert data["start"] == "2021-01-01" and data["n_firms"] == 1_000
    assert data["hub_countries"] == ["KZ", "KG", "AM", "GE", "UZ"]

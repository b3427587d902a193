from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl

from dibwatch.engine import DuckDBEngine
from dibwatch.lists.loader import load_list
from dibwatch.model.country import country_code
from dibwatch.model.identifiers import INN, USCC
from dibwatch.synth import FILE_NAMES, SCHEMES, WorldFiles, WorldParams, generate_world
from dibwatch.synth.names import spelling_key
from dibwatch.workspace import Workspace

# The canonical shipment schema of issue 4, written out independently of the generator.
CANONICAL = [
    ("declaration_id", pl.String), ("item_no", pl.Int32), ("date", pl.Date),
    ("direction", pl.String), ("hs_code", pl.String), ("description", pl.String),
    ("manufacturer", pl.String), ("brand", pl.String), ("model", pl.String),
    ("quantity", pl.Float64), ("unit", pl.String), ("net_kg", pl.Float64),
    ("value_usd", pl.Float64), ("invoice_currency", pl.String),
    ("exporter_name", pl.String), ("exporter_address", pl.String),
    ("exporter_country", pl.String), ("exporter_id", pl.String),
    ("importer_name", pl.String), ("importer_address", pl.String),
    ("importer_country", pl.String), ("importer_id", pl.String),
    ("contract_holder_name", pl.String), ("contract_holder_id", pl.String),
    ("origin_country", pl.String), ("dispatch_country", pl.String),
    ("trading_country", pl.String), ("destination_country", pl.String),
]
COUNTRY_COLUMNS = ["exporter_country", "importer_country", "origin_country",
                   "dispatch_country", "trading_country", "destination_country"]
PARTY_COLUMNS = ["exporter_name", "importer_name", "contract_holder_name"]


def _digests(world: WorldFiles) -> dict[str, str]:
    return {name: hashlib.sha256((world.out_dir / name).read_bytes()).hexdigest()
            for name in FILE_NAMES.values()}


def _joined(world: WorldFiles) -> pl.DataFrame:
    return pl.read_parquet(world.shipments).join(
        pl.read_parquet(world.shipment_truth), on=["declaration_id", "item_no"])


# ---------------------------------------------------------------------- reproducibility
def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    params = WorldParams(shipments=3_000, row_group_size=1_000)
    a = generate_world(tmp_path / "a", params)
    b = generate_world(tmp_path / "b", params)
    c = generate_world(tmp_path / "c", WorldParams(shipments=3_000, row_group_size=1_000,
                                                   seed=7))
    assert _digests(a) == _digests(b)
    assert _digests(a)["shipments.parquet"] != _digests(c)["shipments.parquet"]
    assert _digests(a)["ground_truth.parquet"] != _digests(c)["ground_truth.parquet"]
    recorded = json.loads(a.world_json.read_text())["counts"]["sha256"]
    assert recorded == {k: v for k, v in _digests(a).items() if k != "world.json"}


def test_row_groups_and_exact_row_count(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    world = generate_world(tmp_path, WorldParams(shipments=2_500, row_group_size=1_000))
    meta = pq.ParquetFile(world.shipments).metadata
    assert meta.num_rows == 2_500
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [1000, 1000, 500]
    assert not list(tmp_path.glob("*.tmp"))


def test_ten_thousand_lines_in_a_few_seconds(tmp_path: Path) -> None:
    calls: list[int] = []
    started = time.perf_counter()
    generate_world(tmp_path, WorldParams(shipments=10_000, row_group_size=4_000),
                   progress=calls.append)
    assert time.perf_counter() - started < 10
    assert calls == [4_000, 8_000, 10_000]


# ---------------------------------------------------------------------- shipments
def test_canonical_columns_and_types(default_world: WorldFiles) -> None:
    df = pl.read_parquet(default_world.shipments)
    assert list(df.schema.items()) == CANONICAL
    assert df.height == 50_000
    assert df.select(pl.struct("declaration_id", "item_no").is_unique().all()).item()
    assert df["date"].min() >= date(2021, 1, 1) and df["date"].max() <= date(2024, 12, 31)
    assert set(df["direction"].unique()) == {"IM", "EX"}
    assert (df["value_usd"] > 0).all() and (df["quantity"] > 0).all()


def test_hs_codes_written_as_in_the_wild(default_world: WorldFiles) -> None:
    codes = pl.read_parquet(default_world.shipments)["hs_code"]
    digits = codes.str.replace_all(".", "", literal=True)
    assert digits.str.contains(r"^\d{6}(\d{4})?$").all()
    assert codes.str.contains(".", literal=True).any()
    assert (codes.str.len_chars() == 10).mean() > 0.6  # type: ignore[operator]


def test_every_country_value_normalises(default_world: WorldFiles) -> None:
    df = pl.read_parquet(default_world.shipments)
    values = set().union(*(set(df[c].unique()) for c in COUNTRY_COLUMNS))
    assert all(country_code(v) is not None for v in values)
    assert any(len(v) > 2 for v in values)  # some are names (English, Russian, Chinese)


def test_identifiers_are_valid_and_imports_to_russia_are_russian(
        default_world: WorldFiles) -> None:
    df = pl.read_parquet(default_world.shipments)
    ids = pl.concat([df["exporter_id"], df["importer_id"], df["contract_holder_id"]])
    ids = ids.drop_nulls()
    inns = ids.filter(ids.str.starts_with("INN:")).str.slice(4)
    usccs = ids.filter(ids.str.starts_with("USCC:")).str.slice(5)
    assert len(inns) > 0 and len(usccs) > 0
    assert all(INN.validate(v) and v.startswith("00") for v in inns.unique())
    assert all(USCC.validate(v) for v in usccs.unique())
    im = df.filter(pl.col("direction") == "IM")
    assert (im["importer_country"].map_elements(country_code, return_dtype=pl.String)
            == "RU").all()


# ---------------------------------------------------------------------- ground truth
def test_every_party_name_maps_to_exactly_one_firm(default_world: WorldFiles) -> None:
    df = pl.read_parquet(default_world.shipments)
    truth = pl.read_parquet(default_world.ground_truth)
    assert truth["spelling"].is_unique().all()
    # Unique also up to case and punctuation, so no spelling is ambiguous between firms.
    firms_of_key: dict[str, set[str]] = {}
    for spelling, firm in zip(truth["spelling"], truth["firm_id"], strict=True):
        firms_of_key.setdefault(spelling_key(spelling), set()).add(firm)
    assert all(len(f) == 1 for f in firms_of_key.values())
    owner = dict(zip(truth["spelling"], truth["firm_id"], strict=True))
    for column in [*PARTY_COLUMNS, "manufacturer"]:
        names = set(df[column].drop_nulls().unique())
        if column == "manufacturer":  # brands' own manufacturers are not firms of the world
            names = {n for n in names if n in owner}
            assert names
        assert names <= owner.keys(), column
    # Mention counts agree with a count made from the shipments themselves.
    for role, column in [("exporter", "exporter_name"), ("importer", "importer_name"),
                         ("contract_holder", "contract_holder_name")]:
        counted = df[column].drop_nulls().value_counts()
        expected = dict(zip(counted[column], counted["count"], strict=True))
        got = {s: n for s, n in zip(truth["spelling"], truth[f"mentions_{role}"],
                                    strict=True) if n}
        assert got == expected, role


def test_firms_table_agrees_with_ground_truth(default_world: WorldFiles) -> None:
    firms = pl.read_parquet(default_world.firms)
    truth = pl.read_parquet(default_world.ground_truth)
    assert firms["firm_id"].is_unique().all()
    exploded = firms.select("firm_id", "spellings").explode("spellings").drop_nulls()
    assert exploded.height == truth.height
    assert set(zip(exploded["firm_id"], exploded["spellings"], strict=True)) == set(
        zip(truth["firm_id"], truth["spelling"], strict=True))
    facilitators = firms.filter(pl.col("is_facilitator"))
    assert (facilitators["schemes"].list.len() > 0).all()
    counts = json.loads(default_world.world_json.read_text())["counts"]
    assert counts["facilitators"] == facilitators.height == 40  # 4% of 1,000 firms
    assert counts["firms"] == firms.height == 1_000


# ---------------------------------------------------------------------- schemes
def test_every_scheme_is_planted(default_world: WorldFiles) -> None:
    counts = json.loads(default_world.world_json.read_text())["counts"]
    df = _joined(default_world)
    for scheme in SCHEMES:
        assert counts["firms_by_scheme"][scheme] > 0, scheme
        assert counts["shipments_by_scheme"][scheme] > 0, scheme
        rows = df.filter(pl.col("schemes").list.contains(scheme)).height
        assert rows == counts["shipments_by_scheme"][scheme], scheme
    assert counts["facilitated_shipments"] == df["facilitated"].sum()
    share = WorldParams().facilitator_share
    assert 0.75 * share < counts["facilitated_shipments"] / counts["shipments"] < 1.25 * share


def test_shell_clusters_share_one_hong_kong_tower_address(default_world: WorldFiles) -> None:
    firms = pl.read_parquet(default_world.firms).filter(
        pl.col("primary_scheme") == "shell_cluster")
    assert (firms["country"] == "HK").all()
    sizes = firms.group_by("address").len()
    assert (sizes["len"] >= 2).all() and sizes["len"].max() >= 3  # type: ignore[operator]
    assert firms["address"].str.contains(r"^Room \d+, \d+/F, \w+ Tower, ").all()
    assert (firms["first_seen"] > "2022-02-24").all()


def test_new_firms_appear_after_the_invasion_with_tier_1_2_goods(
        default_world: WorldFiles) -> None:
    df = _joined(default_world).filter(pl.col("schemes").list.contains("new_firm"))
    assert (df["date"] > date(2022, 2, 24)).all()
    declared = df.filter(~pl.col("schemes").list.contains("hs_misdeclared"))
    tier12 = declared["hs_code"].str.replace_all(".", "", literal=True).str.slice(0, 6).is_in(
        ["854231", "854232", "854233", "854239", "851762", "852691", "853221", "853224",
         "854800"])
    assert tier12.mean() > 0.7  # type: ignore[operator]


def test_transshipment_routes(default_world: WorldFiles) -> None:
    df = _joined(default_world).filter(pl.col("schemes").list.contains("transshipment"))
    hubs = {"KZ", "KG", "AM", "GE", "UZ"}
    coalition = {"US", "DE", "JP", "KR", "TW", "CH", "NL", "SE"}
    for row in df.select("origin_country", "dispatch_country",
                         "destination_country").iter_rows():
        origin, dispatch, dest = (country_code(v) for v in row)
        assert origin in coalition and dispatch in hubs and dest == "RU"


def test_misdeclared_chips_carry_an_innocuous_code(default_world: WorldFiles) -> None:
    df = _joined(default_world).filter(pl.col("schemes").list.contains("hs_misdeclared"))
    assert not df["hs_code"].str.starts_with("8542").any()
    assert df["description"].str.contains("микросхема|integrated circuit|集成电路").all()


def test_mispriced_lines_are_unit_value_outliers(default_world: WorldFiles) -> None:
    df = _joined(default_world).with_columns(
        (pl.col("value_usd") / pl.col("quantity")).alias("uv"))
    norm = df.filter(~pl.col("facilitated")).group_by("model").agg(
        pl.col("uv").median().alias("median"))
    odd = df.filter(pl.col("schemes").list.contains("price_anomaly")).join(norm, on="model")
    ratio = odd["uv"] / odd["median"]
    assert ((ratio > 4) | (ratio < 0.25)).mean() > 0.95  # type: ignore[operator]


def test_contract_holder_differs_from_consignee(default_world: WorldFiles) -> None:
    truth = pl.read_parquet(default_world.ground_truth)
    owner = dict(zip(truth["spelling"], truth["firm_id"], strict=True))
    df = _joined(default_world).filter(pl.col("schemes").list.contains("contract_holder"))
    assert all(owner[c] != owner[i] for c, i in zip(
        df["contract_holder_name"], df["importer_name"], strict=True))
    assert all(owner[c] == f for c, f in zip(
        df["contract_holder_name"], df["facilitator_firm_id"], strict=True))


def test_listed_parties_appear_under_near_variant_spellings(default_world: WorldFiles) -> None:
    firms = pl.read_parquet(default_world.firms).filter(
        pl.col("schemes").list.contains("listed_variant"))
    assert firms["listed_entity_id"].is_not_null().all()
    df = _joined(default_world).filter(pl.col("schemes").list.contains("listed_variant"))
    listed_names = set(firms["latin_name"]) | set(firms["canonical_name"])
    assert not set(df["importer_name"]) & listed_names


# ---------------------------------------------------------------------- fictional list
def test_fictional_list_loads_as_a_csl_file(default_world: WorldFiles) -> None:
    counts = json.loads(default_world.world_json.read_text())["counts"]
    with Workspace(engine=DuckDBEngine(":memory:")) as ws:
        result = load_list(ws, default_world.fictional_list, source="synthetic_list",
                           fmt="csl_csv")
        assert result.snapshot.entity_count == counts["listed_entities"] == 32
        assert result.snapshot.warning_count == 0
        inns = ws.engine.query(
            "SELECT value, valid FROM identifiers WHERE scheme = 'INN'")
    assert len(inns) >= 28 and all(row[1] for row in inns)
    text = default_world.fictional_list.read_text(encoding="utf-8")
    assert "Specially Designated Nationals (SDN) - Treasury Department" in text
    assert "Entity List (EL) - Bureau of Industry and Security" in text


# ---------------------------------------------------------------------- no real names
def test_no_generated_name_is_a_real_listed_name(default_world: WorldFiles,
                                                 shared: Callable[[str], Path]) -> None:
    path = shared("sanctions/us_csl_2022-05/consolidated.csv.gz")
    csl = pl.read_csv(path, columns=["name", "alt_names"], infer_schema_length=0)
    real = {spelling_key(n) for n in csl["name"].drop_nulls()}
    real |= {spelling_key(a) for alts in csl["alt_names"].drop_nulls()
             for a in alts.split(";")}
    real.discard("")
    firms = pl.read_parquet(default_world.firms)
    ours = set(pl.read_parquet(default_world.ground_truth)["spelling"])
    ours |= set(firms["canonical_name"]) | set(firms["latin_name"])
    clashes = sorted(n for n in ours if spelling_key(n) in real)
    assert not clashes
    assert len(real) > 10_000


# ---------------------------------------------------------------------- decoys and controls
COALITION = {"US", "DE", "JP", "KR", "TW", "CH", "NL", "SE", "IT", "FR"}


def _coded(df: pl.DataFrame, *columns: str) -> pl.DataFrame:
    return df.with_columns(*(pl.col(c).map_elements(country_code, return_dtype=pl.String)
                             .alias(c) for c in columns))


def test_every_decoy_persona_is_in_the_default_world(default_world: WorldFiles) -> None:
    from dibwatch.synth import DECOYS

    firms = pl.read_parquet(default_world.firms)
    decoys = firms.filter(pl.col("decoy").is_not_null())
    assert set(decoys["decoy"]) == set(DECOYS)
    assert not decoys["is_facilitator"].any()
    counts = json.loads(default_world.world_json.read_text())["counts"]
    assert counts["decoys"] == decoys.height >= len(DECOYS)
    # Parent companies pay for their subsidiaries' imports, before the invasion too.
    truth = pl.read_parquet(default_world.ground_truth)
    owner = dict(zip(truth["spelling"], truth["firm_id"], strict=True))
    parents = set(firms.filter(pl.col("persona") == "parent_company")["firm_id"])
    df = pl.read_parquet(default_world.shipments).filter(
        pl.col("contract_holder_name").is_not_null())
    paid = df.filter(pl.col("contract_holder_name").replace_strict(
        owner, default=None).is_in(list(parents)))
    assert paid.height > 0 and (paid["date"] < date(2022, 2, 24)).any()


def test_ordinary_firms_obey_the_controls_after_the_invasion(
        default_world: WorldFiles) -> None:
    """No coalition-made CHPL goods to Russia since the invasion from an ordinary firm,
    except a licensed distributor's telecom equipment; none at all from coalition countries."""
    from dibwatch.goods.chpl import chpl_tier

    truth = pl.read_parquet(default_world.ground_truth)
    owner = dict(zip(truth["spelling"], truth["firm_id"], strict=True))
    firms = pl.read_parquet(default_world.firms)
    persona = dict(zip(firms["firm_id"], firms["persona"], strict=True))
    df = _coded(_joined(default_world), "exporter_country", "destination_country",
                "origin_country")
    df = df.filter(~pl.col("facilitated") & (pl.col("destination_country") == "RU")
                   & (pl.col("date") >= date(2022, 2, 24)))
    df = df.with_columns(pl.col("hs_code").str.replace_all(".", "", literal=True).str.slice(0, 6)
                         .map_elements(lambda h: chpl_tier(h) or "", return_dtype=pl.String)
                         .alias("tier"))
    chpl = df.filter(pl.col("tier") != "")
    assert chpl.height > 0  # ordinary firms still ship CHPL goods to Russia (Chinese ones)
    assert not chpl["exporter_country"].is_in(list(COALITION)).any()
    coalition_made = chpl.filter(pl.col("origin_country").is_in(list(COALITION))
                                 & pl.col("brand").is_not_null()
                                 & ~pl.col("brand").is_in(["NONE"]))
    licensed = {"licensed_distributor", "brand_reexport_distributor"}
    for name, hs in zip(coalition_made["exporter_name"], coalition_made["hs_code"],
                        strict=True):
        assert persona.get(owner[name]) in licensed, name
        assert hs.replace(".", "").startswith("8517")  # telecom equipment only


def test_price_outliers_with_a_reason_say_so(default_world: WorldFiles) -> None:
    firms = pl.read_parquet(default_world.firms)
    truth = pl.read_parquet(default_world.ground_truth)
    owner = dict(zip(truth["spelling"], truth["firm_id"], strict=True))
    sellers = set(firms.filter(pl.col("persona") == "price_reason")["firm_id"])
    df = pl.read_parquet(default_world.shipments)
    df = df.filter(pl.col("exporter_name").replace_strict(owner).is_in(list(sellers)))
    reasoned = df.filter(pl.col("description").str.contains(
        "samples|образцы|样品|refurbished|восстановленные|翻新|used, not new|бывшие|二手"))
    assert 0.1 < reasoned.height / df.height < 0.5
    # Samples come a few at a time.
    samples = reasoned.filter(pl.col("description").str.contains("samples|образцы|样品")
                              & (pl.col("unit") == "PCS"))
    assert (samples["quantity"] <= 5).all()


def test_facilitator_variants_are_planted(default_world: WorldFiles) -> None:
    firms = pl.read_parquet(default_world.firms).filter(pl.col("is_facilitator"))
    personas = set(firms["persona"].drop_nulls())
    assert "new_firm_prewar" in personas
    assert personas & {"brand_reexport_distributor", "brand_reexport_origin"}
    prewar = firms.filter(pl.col("persona") == "new_firm_prewar")
    assert (prewar["first_seen"] < "2022-02-24").all()
    # Their scheme trade still starts after the invasion.
    df = _joined(default_world).filter(pl.col("facilitator_firm_id").is_in(
        list(prewar["firm_id"])) & pl.col("facilitated"))
    assert df.height > 0 and (df["date"] > date(2022, 2, 24)).all()

"""The linkage model: Splink settings, training and prediction over distinct mentions.

Comparisons (one per independent piece of evidence, so Fellegi-Sunter does not count a
name twice):

=========  ==============================================================================
id         exact on the cleaned value · one edit apart (a typing slip) · different
name       same generic name · one of them generic · exact ``norm_name`` · then on the name
           without generic words (``name_core``): exact · Jaro-Winkler ≥ 0.95 · one edit ·
           Jaro-Winkler ≥ 0.88 · then token-set Jaccard ≥ 0.5 on ``norm_name`` · other
country    same ISO-2 · different
address    exact normalised (term-frequency adjusted) · Jaro-Winkler ≥ 0.90 · token-set
           Jaccard ≥ 0.6 · other
=========  ==============================================================================

Blocking (a pair is compared when any rule holds): same id value; same ``norm_name``; a shared
name key (one of the two rarest name tokens, see ``mentions.name_keys``); same address and
country; same first four letters of the name and same country.

Training: u by random sampling (seeded), m by expectation maximisation on two blocking
passes (same id; same name). Every level carries an m prior from domain knowledge, so when EM
cannot run — small data, no identifiers — the model falls back to the priors and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from dibwatch.engine import Engine, dialect
from dibwatch.errors import DibwatchError
from dibwatch.resolve import store
from dibwatch.resolve.constraints import Link

SEED = 20240224
U_MAX_PAIRS = 2e6
EM_MAX_PAIRS = 1e6
# Below this many distinct mentions, sampled u values and EM's m values are noise: the model
# keeps its priors.
MIN_TRAINING_RECORDS = 500
M_FLOOR = 0.005
# Exact-agreement levels (by Splink's label) whose u is measured across countries.
EXACT_LEVELS = {"Exact match on norm_name": "norm_name", "Exact match on name_core": "name_core",
                "Exact match on id_norm": "id_norm"}
log = logging.getLogger(__name__)


def _jaccard(column: str, threshold: float, sql_dialect: str = "duckdb") -> str:
    """Token-set Jaccard of ``column`` at or over ``threshold``, in the engine's SQL (sqlglot
    reads DuckDB's ``len`` of a list as a string length, so no transpiling here)."""
    if sql_dialect == "spark":
        left, right = f"split({column}_l, ' ')", f"split({column}_r, ' ')"
        return (f"size(array_intersect({left}, {right})) / "
                f"size(array_distinct(concat({left}, {right}))) >= {threshold}")
    left = f"string_split({column}_l, ' ')"
    right = f"string_split({column}_r, ' ')"
    return (f"len(list_intersect({left}, {right})) / "
            f"len(list_distinct(list_concat({left}, {right}))) >= {threshold}")


def comparisons(sql_dialect: str = "duckdb") -> list[ComparisonCreator | dict[str, Any]]:
    """The four comparisons, each level with (m, u) priors. Term frequencies only for the
    address: among distinct mentions a name's or id's frequency counts mostly the firm's own
    spellings, while an address's counts the firms sharing it."""
    id_cmp = cl.CustomComparison(output_column_name="id_norm", comparison_levels=[
        cll.NullLevel("id_norm"),
        cll.ExactMatchLevel("id_norm").configure(m_probability=0.90, u_probability=1e-5),
        cll.LevenshteinLevel("id_norm", 1).configure(m_probability=0.03, u_probability=1e-4),
        cll.ElseLevel().configure(m_probability=0.02, u_probability=1.0),
    ])
    name_cmp = cl.CustomComparison(output_column_name="norm_name", comparison_levels=[
        cll.NullLevel("norm_name"),
        # Generic names ("Global Trading") first: their agreement is weak evidence, whatever
        # string similarity says.
        cll.CustomLevel("(name_generic_l OR name_generic_r) AND norm_name_l = norm_name_r",
                        "same generic name").configure(m_probability=0.03, u_probability=0.01),
        cll.CustomLevel("name_generic_l OR name_generic_r", "generic name")
        .configure(m_probability=0.02, u_probability=0.05),
        cll.ExactMatchLevel("norm_name").configure(m_probability=0.50, u_probability=1e-4),
        # Fuzzy levels on the name without its generic words, so that shared boilerplate
        # ("Hong Kong … Electronics") does not make two firms look alike.
        cll.ExactMatchLevel("name_core").configure(m_probability=0.10, u_probability=2e-4),
        cll.JaroWinklerLevel("name_core", 0.95).configure(m_probability=0.12,
                                                          u_probability=5e-4),
        cll.LevenshteinLevel("name_core", 1).configure(m_probability=0.08, u_probability=1e-3),
        cll.JaroWinklerLevel("name_core", 0.88).configure(m_probability=0.06,
                                                          u_probability=5e-3),
        cll.CustomLevel(_jaccard("norm_name", 0.5, sql_dialect), "token-set Jaccard >= 0.5")
        .configure(m_probability=0.07, u_probability=0.02),
        cll.ElseLevel().configure(m_probability=0.04, u_probability=0.97),
    ])
    country_cmp = cl.CustomComparison(output_column_name="country_code", comparison_levels=[
        cll.NullLevel("country_code"),
        cll.ExactMatchLevel("country_code").configure(m_probability=0.97, u_probability=0.15),
        cll.ElseLevel().configure(m_probability=0.03, u_probability=0.85),
    ])
    address_cmp = cl.CustomComparison(output_column_name="address_norm", comparison_levels=[
        cll.NullLevel("address_norm"),
        # A registered agent's address shared by a dozen shells is weak evidence that two of
        # them are one firm: term-frequency adjusted.
        cll.ExactMatchLevel("address_norm", term_frequency_adjustments=True)
        .configure(m_probability=0.50, u_probability=1e-4),
        cll.JaroWinklerLevel("address_norm", 0.90).configure(m_probability=0.25,
                                                             u_probability=1e-3),
        cll.CustomLevel(_jaccard("address_norm", 0.6, sql_dialect), "token-set Jaccard >= 0.6")
        .configure(m_probability=0.10, u_probability=5e-3),
        cll.ElseLevel().configure(m_probability=0.15, u_probability=0.99),
    ])
    return [id_cmp, name_cmp, country_cmp, address_cmp]


def blocking_rules() -> list[BlockingRuleCreator | dict[str, Any]]:
    return [
        block_on("id_norm"),
        block_on("norm_name"),
        block_on("name_keys", arrays_to_explode=["name_keys"]),
        block_on("address_norm", "country_code"),
        # No prefix rule: "first four letters + country" made 23M candidate pairs at 300k
        # shipments (25x all other rules together) and grows quadratically; the two rarest
        # name tokens already catch a slip in any one word.
    ]


def settings(record_count: int, sql_dialect: str = "duckdb") -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(sql_dialect),
        blocking_rules_to_generate_predictions=blocking_rules(),
        # Replaced by the estimate from deterministic rules when that succeeds.
        probability_two_random_records_match=1 / max(record_count, 2),
        # Both needed for the comparison levels (gamma_*) each link records as evidence; only
        # those columns are read back (see _links).
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
    )


LINKS_TABLE = "_resolve_links"


@dataclass(frozen=True)
class Linkage:
    """The model's output: every pair scored at or over the threshold, with the level each
    comparison reached (clustered into firms by :mod:`dibwatch.resolve.constraints`)."""

    links: Iterator[Link]  # strongest first (probability down, then left, right); read once
    training: str  # "em" or "priors"
    model: dict[str, Any]


def _train(linker: Linker, engine: Engine, record_count: int) -> str:
    expected = _comparison_names(linker)
    if record_count < MIN_TRAINING_RECORDS:
        return "priors"
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("id_norm"), block_on("norm_name", "country_code")], recall=0.8)
    except Exception as exc:  # Splink raises assorted errors on tiny data
        log.info("prior match probability kept: %s", exc)
    lam = float(linker._settings_obj._probability_two_random_records_match or 0.0)
    if not 0.0 < lam < 1.0:
        # No pair agreed on the deterministic rules (no shared id, no name written twice the
        # same way): the estimate is 0, which no evidence can overcome.
        log.info("prior match probability %s from deterministic rules ignored", lam)
        linker._settings_obj.core_model_settings.probability_two_random_records_match = (
            1 / max(record_count, 2))
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    observed = _agreement_rates(linker)
    _decontaminate(linker, observed)
    trained = 0
    for rule in (block_on("id_norm"), block_on("norm_name")):
        # Splink's EM session drops the comparisons of the blocking rule from the linker's
        # own settings and puts them back only when training succeeds: a failed pass would
        # leave the model predicting without them (in one world, without the name: firms
        # linked on country alone). Restore the settings from before the pass.
        before = linker._settings_obj.core_model_settings.copy()  # type: ignore[no-untyped-call]
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=EM_MAX_PAIRS)
            trained += 1
        except Exception as exc:  # no pairs under the rule, no convergence
            linker._settings_obj.core_model_settings = before
            log.info("EM on %s skipped: %s", rule, exc)
    _check_comparisons(linker, expected)
    _decontaminate(linker, observed)
    _exact_u_across_countries(linker, engine)
    _floor_m(linker)
    return "em" if trained == 2 else "priors" if trained == 0 else "em-partial"


def _comparison_names(linker: Linker) -> set[str]:
    return {str(c.output_column_name) for c in linker._settings_obj.comparisons}


def _check_comparisons(linker: Linker, expected: set[str]) -> None:
    """Every comparison of the settings is still in the model (see ``_train``)."""
    present = {str(c.output_column_name) for c in linker._settings_obj.comparisons}
    if present != expected:
        raise DibwatchError(
            f"the linkage model lost comparisons in training: "
            f"{', '.join(sorted(expected - present))}")


def _exact_u_across_countries(linker: Linker, engine: Engine) -> None:
    """u of the exact-agreement levels from pairs in different countries (see
    ``store.cross_country_agreement``): the decontaminated sample still leans on estimates
    of λ and m, where exact agreement needs none."""
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            column = EXACT_LEVELS.get(level.label_for_charts)
            if column is None:
                continue
            agree, pairs = engine.query(store.cross_country_agreement(column))[0]
            if pairs:
                level.u_probability = max(float(agree), 1.0) / float(pairs)


def _floor_m(linker: Linker) -> None:
    """EM on data where a firm never changes its id or address learns m ≈ 0 for a conflict,
    which then vetoes any merge; real firms do change them (INN vs OGRN, a move)."""
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if not level.is_null_level and float(level.m_probability or 0) < M_FLOOR:
                level.m_probability = M_FLOOR


def _level_key(comparison: Any, level: Any) -> tuple[str, str]:
    return (str(comparison.output_column_name), str(level.label_for_charts))


def _agreement_rates(linker: Linker) -> dict[tuple[str, str], float]:
    # Keyed by comparison and level, not position: a failed EM pass can leave Splink's
    # settings with fewer comparisons than before it.
    return {_level_key(comparison, level): float(level.u_probability or 0.0)
            for comparison in linker._settings_obj.comparisons
            for level in comparison.comparison_levels
            if not level.is_null_level and not level._is_else_level}


def _decontaminate(linker: Linker, observed: dict[tuple[str, str], float]) -> None:
    """Take the true matches out of the sampled u values.

    Random sampling takes every sampled pair for a non-match. Among distinct mentions a firm
    has several records, so a random pair is a match with probability λ (about 1/N per
    spelling) and agreement on a distinctive name comes mostly from those matches: the
    sampled rate is λ·m + (1 − λ)·u, and reading it as u sets the evidence of an exact name
    to about 1/λ, cancelling the prior exactly. Solving for u (floored at a twentieth of the
    observed rate, so a bad m cannot make a level infinitely strong) restores it."""
    lam = float(linker._settings_obj._probability_two_random_records_match)
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            rate = observed.get(_level_key(comparison, level))
            if rate is None or level.is_null_level or level._is_else_level:
                continue
            m = float(level.m_probability or 0.0)
            level.u_probability = max((rate - lam * m) / (1 - lam), rate / 20)


def link(engine: Engine, threshold: float) -> Linkage:
    """Train on the distinct mentions in ``store.INPUT_TABLE``, predict the pairs at or over
    ``threshold`` and cluster them (connected components)."""
    record_count = int(engine.scalar(store.INPUT_COUNT))
    api = dialect.splink_api(engine)
    frame = api.register(store.INPUT_TABLE)
    linker = Linker(frame, settings(record_count, engine.name), log_level=logging.ERROR)
    try:
        training = _train(linker, engine, record_count)
        predictions = linker.inference.predict(threshold_match_probability=threshold,
                                               warning_mode="never")
        gammas = ", ".join(f"gamma_{c.output_column_name}"
                           for c in linker._settings_obj.comparisons)
        # Kept in a table of the engine (which spills it past its memory limit) and read back
        # sorted, a batch at a time, as the clustering consumes it: at 10M lines there are
        # tens of millions of pairs; one Python object each took more than the machine, and
        # even one Arrow table of them, fetched whole, doubled the peak.
        engine.execute(
            f"CREATE OR REPLACE TEMP TABLE {LINKS_TABLE} AS SELECT unique_id_l, unique_id_r, "
            f"match_probability, match_weight, {gammas} FROM {predictions.physical_name} "
            f"WHERE match_probability >= {float(threshold)!r}")
        # Counted now: it also makes Spark compute and cache the table before Splink's own
        # tables (its lineage) are dropped below.
        pairs = int(engine.scalar(f"SELECT count(*) FROM {LINKS_TABLE}"))
        log.info("%s pairs at or over %s", f"{pairs:,}", threshold)
        links = _links(engine, _level_labels(linker))
        model = linker.misc.save_model_to_json()
    finally:
        linker.table_management.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]
    return Linkage(links, training, model)


def _level_labels(linker: Linker) -> dict[str, dict[int, str]]:
    """Per comparison, its levels' labels by comparison-vector value."""
    return {str(comparison.output_column_name): {
        int(level.comparison_vector_value): str(level.label_for_charts)
        for level in comparison.comparison_levels}
        for comparison in linker._settings_obj.comparisons}


def _links(engine: Engine, labels: dict[str, dict[int, str]]) -> Iterator[Link]:
    """The pairs of ``LINKS_TABLE``, strongest first, with each comparison's level by its
    label (``gamma_<column>`` holds the level's comparison-vector value); pairs that reached
    the same levels share one mapping of them. The table is dropped once read. Nothing else
    may run on ``engine`` while the pairs are read (DuckDB streams them)."""
    shared: dict[tuple[int, ...], Mapping[str, str]] = {}
    try:
        for batch in engine.iter_batches(
                f"SELECT * FROM {LINKS_TABLE} "
                f"ORDER BY match_probability DESC, unique_id_l, unique_id_r",
                batch_size=100_000):
            names = [name for name in labels if f"gamma_{name}" in batch.schema.names]
            gammas = [batch.column(f"gamma_{name}").to_pylist() for name in names]
            for left, right, probability, weight, *vector in zip(
                    batch.column("unique_id_l").to_pylist(),
                    batch.column("unique_id_r").to_pylist(),
                    batch.column("match_probability").to_pylist(),
                    batch.column("match_weight").to_pylist(), *gammas, strict=True):
                key = tuple(int(g) for g in vector)
                levels = shared.get(key)
                if levels is None:
                    levels = shared[key] = MappingProxyType(
                        {name: labels[name].get(g, "?") for name, g in zip(names, key,
                                                                          strict=True)})
                yield Link(int(left), int(right), float(probability), float(weight), levels)
    finally:
        engine.execute(f"DROP TABLE IF EXISTS {LINKS_TABLE}")

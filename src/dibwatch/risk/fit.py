"""Fitting the ranking weights from labelled firms: synthetic worlds' truth, or analysts'
confirmed and dismissed cases.

The ranking stays what it is — a firm's score is the noisy-OR of weight × flag score, so
every score decomposes into flag contributions with evidence rows — and only the weights are
learnt: the weights that make the noisy-OR the most likely explanation of the labels,

    P(facilitator | flags) = 1 − (1 − leak) · Π (1 − wᵢ · sᵢ),

by maximum likelihood with an L2 penalty (toward 0, or toward prior weights), each weight
kept in [0, ``max_weight``]. No
solver beyond numpy is needed. :func:`cross_validate` leaves one group (a world, a batch of
cases) out at a time and reports the average precision of the ranking the other groups'
weights give it, so a fit is judged on data it did not see.

Fitted weights are shipped as versioned data: :func:`write_weights` rewrites the ``weight``
of each indicator in a risk configuration file (keeping its comments) and its
``weights_version``, so every risk run records which weights ranked it.
``python -m dibwatch.risk.fit --workspace W --labels cases.csv`` refits from analysts'
verdicts on the firms of a workspace's latest risk run.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dibwatch.engine import Engine
from dibwatch.errors import ConfigError, InputError, Location


@dataclass(frozen=True)
class Example:
    """One firm: its flag scores by indicator, whether it is a facilitator, and the group
    (world, case batch) it belongs to."""

    flags: Mapping[str, float]
    label: bool
    group: str = ""


@dataclass(frozen=True)
class Fit:
    weights: dict[str, float]
    log_likelihood: float
    examples: int
    positives: int


def _matrix(examples: Sequence[Example], indicators: Sequence[str]
            ) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[float(e.flags.get(i, 0.0)) for i in indicators] for e in examples],
                 dtype=np.float64).reshape(len(examples), len(indicators))
    y = np.array([e.label for e in examples], dtype=np.float64)
    return np.clip(x, 0.0, 1.0), y


def fit_weights(examples: Sequence[Example], indicators: Sequence[str], *,
                l2: float = 0.01, leak: float = 0.01, max_weight: float = 0.95,
                steps: int = 2000, learning_rate: float = 0.05,
                prior: Mapping[str, float] | None = None, balanced: bool = False) -> Fit:
    """Noisy-OR weights of ``indicators`` by penalised, class-balanced maximum likelihood.
    The L2 penalty pulls toward ``prior`` (e.g. the shipped weights, when refitting from a
    few analysts' cases), else toward 0. With ``balanced`` facilitators and other firms
    weigh alike in the likelihood (which inflates every weight: for ranking, not scores)."""
    if not examples:
        raise ConfigError("no labelled firms to fit weights on")
    x, y = _matrix(examples, indicators)
    n_pos = float(y.sum())
    if n_pos == 0 or n_pos == len(y):
        raise ConfigError("weights need both facilitators and other firms among the labels "
                          f"({int(n_pos)} of {len(y)} are facilitators)")
    sample = (np.where(y > 0, 0.5 / n_pos, 0.5 / (len(y) - n_pos)) if balanced
              else np.full(len(y), 1.0 / len(y)))
    centre = np.array([float((prior or {}).get(i, 0.0)) for i in indicators])
    start = np.clip(centre, 0.02, max_weight - 0.02) / max_weight
    theta = np.log(start / (1 - start)) if prior else np.zeros(len(indicators))
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    b1, b2, eps = 0.9, 0.999, 1e-9

    def objective(t: np.ndarray) -> tuple[float, np.ndarray]:
        w = max_weight / (1 + np.exp(-t))
        terms = np.clip(1 - x * w, 1e-9, 1.0)
        log_q = np.log(1 - leak) + np.log(terms).sum(axis=1)
        q = np.exp(log_q)
        ll = sample * np.where(y > 0, np.log(np.clip(1 - q, 1e-12, 1.0)), log_q)
        # d log q / d w_i = -s_i / (1 - w_i s_i); d ll / d log q by label.
        d_logq = sample * np.where(y > 0, -q / np.clip(1 - q, 1e-12, 1.0), 1.0)
        grad_w = (d_logq[:, None] * (-x / terms)).sum(axis=0) - 2 * l2 * (w - centre)
        dw_dt = w * (1 - w / max_weight)
        return float(ll.sum() - l2 * ((w - centre) ** 2).sum()), grad_w * dw_dt

    for step in range(1, steps + 1):
        _, g = objective(theta)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        theta += learning_rate * (m / (1 - b1 ** step)) / (np.sqrt(v / (1 - b2 ** step)) + eps)
    value, _ = objective(theta)
    w = max_weight / (1 + np.exp(-theta))
    return Fit({i: round(float(wi), 3) for i, wi in zip(indicators, w, strict=True)}, value,
               len(examples), int(n_pos))


def noisy_or(flags: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """A firm's score as the ranking computes it (each term capped at 0.999)."""
    keep = 1.0
    for indicator, score in flags.items():
        keep *= 1 - min(score * weights.get(indicator, 0.0), 0.999)
    return 1 - keep


def average_precision(examples: Sequence[Example], weights: Mapping[str, float]) -> float:
    """AP of the ranking ``weights`` give ``examples`` (ties in the given order)."""
    scored = sorted(enumerate(examples), key=lambda p: (-noisy_or(p[1].flags, weights), p[0]))
    hits, total = 0, 0.0
    for k, (_, e) in enumerate(scored, start=1):
        if e.label:
            hits += 1
            total += hits / k
    return total / hits if hits else 1.0


def cross_validate(examples: Sequence[Example], indicators: Sequence[str], *,
                   l2: float = 0.01, prior: Mapping[str, float] | None = None
                   ) -> dict[str, tuple[float, dict[str, float]]]:
    """Leave one group out: group -> (AP on it, weights fitted on the others)."""
    groups = sorted({e.group for e in examples})
    out: dict[str, tuple[float, dict[str, float]]] = {}
    for group in groups:
        train = [e for e in examples if e.group != group]
        test = [e for e in examples if e.group == group]
        fit = fit_weights(train, indicators, l2=l2, prior=prior)
        out[group] = (average_precision(test, fit.weights), fit.weights)
    return out


# ---------------------------------------------------------------------- shipped weights
_SECTION = re.compile(r"^  ([a-z_]+):\s*$")
_WEIGHT = re.compile(r"^(    weight:\s*)([0-9.]+)(.*)$")
_VERSION = re.compile(r"^weights_version:.*$", re.M)


def write_weights(path: Path, weights: Mapping[str, float], version: str,
                  source: Path | None = None) -> None:
    """Write ``source`` (default: ``path`` itself) to ``path`` with each indicator's weight
    replaced by ``weights`` and ``weights_version`` set, every comment kept."""
    text = (source or path).read_text(encoding="utf-8")
    lines: list[str] = []
    current: str | None = None
    seen: set[str] = set()
    for line in text.splitlines():
        section = _SECTION.match(line)
        if section:
            current = section.group(1)
        found = _WEIGHT.match(line)
        if found and current is not None and current in weights:
            line = f"{found.group(1)}{weights[current]:g}{found.group(3)}"
            seen.add(current)
        lines.append(line)
    missing = sorted(set(weights) - seen)
    if missing:
        raise ConfigError(f"{source or path}: no weight line for {', '.join(missing)}")
    out = "\n".join(lines) + "\n"
    stamp = f'weights_version: "{version}"'
    out = _VERSION.sub(stamp, out) if _VERSION.search(out) else stamp + "\n" + out
    path.write_text(out, encoding="utf-8")


# ---------------------------------------------------------------------- analysts' cases
RUN_FLAGS = "SELECT firm_id, indicator, score FROM risk_flags WHERE run_id = ?"
LABELS = {"confirmed": True, "facilitator": True, "1": True, "true": True,
          "dismissed": False, "not a facilitator": False, "0": False, "false": False}


def read_labels(path: Path) -> dict[int, bool]:
    """``firm_id,label`` rows (label: confirmed / dismissed, or 1 / 0)."""
    out: dict[int, bool] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for line, row in enumerate(reader, start=2):
            try:
                firm = int(row["firm_id"])
                label = LABELS[row["label"].strip().lower()]
            except (KeyError, ValueError, AttributeError):
                raise InputError(f"a row needs firm_id (a number) and label (one of "
                                 f"{', '.join(LABELS)})", Location(str(path), line)) from None
            out[firm] = label
    return out


def examples_from_run(engine: Engine, run_id: int, labels: Mapping[int, bool],
                      group: str = "cases") -> list[Example]:
    """The labelled firms of a risk run with the flags that run gave them."""
    flags: dict[int, dict[str, float]] = {}
    for firm, indicator, score in engine.query(RUN_FLAGS, [run_id]):
        flags.setdefault(int(firm), {})[str(indicator)] = float(score)
    return [Example(flags.get(firm, {}), label, group) for firm, label in sorted(labels.items())]


def main(argv: list[str] | None = None) -> int:
    from dibwatch.risk.configure import load_config
    from dibwatch.risk.read import latest_run
    from dibwatch.workspace import Workspace

    parser = argparse.ArgumentParser(prog="python -m dibwatch.risk.fit",
                                     description="Refit the ranking weights from analysts' "
                                                 "verdicts on the firms of a risk run.")
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--labels", type=Path, required=True, help="CSV: firm_id,label")
    parser.add_argument("--run", type=int, default=None, help="risk run (default: latest)")
    parser.add_argument("--config", type=Path, default=None,
                        help="configuration to start from (default: the bundled one)")
    parser.add_argument("--out", type=Path, required=True, help="configuration to write")
    parser.add_argument("--version", required=True, help="the new weights_version")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    labels = read_labels(args.labels)
    with Workspace(args.workspace) as ws:
        run_id = args.run if args.run is not None else latest_run(ws.engine)
        if run_id is None:
            raise ConfigError("no risk run in this workspace: run `dibwatch rank` first")
        examples = examples_from_run(ws.engine, run_id, labels)
    indicators = list(config.indicators)
    fit = fit_weights(examples, indicators)
    source = args.config or Path(__file__).parent / "data" / "risk.yml"
    write_weights(args.out, fit.weights, args.version, source=source)
    print(f"fitted on {fit.examples} firms ({fit.positives} confirmed) of run {run_id}; "
          f"wrote {args.out}")
    for indicator, weight in fit.weights.items():
        print(f"  {indicator}: {config.weight(indicator):g} -> {weight:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

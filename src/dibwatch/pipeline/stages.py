"""What each derived stage was last computed from, so work is redone only when its inputs
changed (the way ``make`` compares timestamps, with fingerprints of the inputs instead).

A stage's inputs are described in words a person can read (load ids and files, snapshot ids,
a configuration digest) and hashed into a fingerprint; each run records both in
``stage_runs``. A stage is up to date when the fingerprint of its inputs now equals the one
recorded by its last run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dibwatch.engine import Engine

STAGES = ("resolve", "screen", "rank")


@dataclass(frozen=True)
class StageRun:
    stage: str
    run_no: int
    fingerprint: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    finished_at: datetime
    seconds: float


@dataclass(frozen=True)
class StageState:
    """A stage's inputs as they are now, against its last run."""

    stage: str
    inputs: dict[str, Any]
    last: StageRun | None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.inputs)

    @property
    def up_to_date(self) -> bool:
        return self.last is not None and self.last.fingerprint == self.fingerprint

    def why(self) -> str:
        """Why the stage would run (or that it need not), in words."""
        if self.last is None:
            return "never ran"
        if self.up_to_date:
            return f"up to date (run {self.last.run_no}, {self.last.finished_at:%Y-%m-%d %H:%M})"
        changed = [k for k in sorted(set(self.inputs) | set(self.last.inputs))
                   if self.inputs.get(k) != self.last.inputs.get(k)]
        return "changed: " + ", ".join(_describe(k, self.last.inputs.get(k),
                                                 self.inputs.get(k)) for k in changed)


def _describe(key: str, old: Any, new: Any) -> str:
    if isinstance(old, list) and isinstance(new, list):
        gone = [x for x in old if x not in new]
        came = [x for x in new if x not in old]
        bits = ([f"+{_short(x)}" for x in came] + [f"-{_short(x)}" for x in gone])[:6]
        return f"{key} ({' '.join(bits)})" if bits else key
    return f"{key} ({_short(old)} -> {_short(new)})"


def _short(value: Any) -> str:
    if isinstance(value, list | tuple) and value:
        return str(value[0])
    text = str(value)
    return text[:12] if len(text) > 16 else text


def fingerprint(inputs: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()


def digest(value: Any) -> str:
    """A short stable digest of a JSON-ready value (a configuration, a set of decisions)."""
    return fingerprint({"v": value})[:16]


def last_run(engine: Engine, stage: str) -> StageRun | None:
    rows = engine.query(
        "SELECT stage, run_no, fingerprint, inputs, outputs, finished_at, seconds "
        "FROM stage_runs WHERE stage = ? ORDER BY run_no DESC LIMIT 1", [stage])
    if not rows:
        return None
    r = rows[0]
    return StageRun(r[0], int(r[1]), r[2], json.loads(r[3]), json.loads(r[4]), r[5],
                    float(r[6]))


def record(engine: Engine, stage: str, inputs: dict[str, Any], outputs: dict[str, Any],
           seconds: float) -> StageRun:
    with engine.transaction():
        run_no = int(engine.scalar("SELECT coalesce(max(run_no), 0) + 1 FROM stage_runs "
                                   "WHERE stage = ?", [stage]))
        finished = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        engine.execute("INSERT INTO stage_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [stage, run_no, fingerprint(inputs), json.dumps(inputs, default=str),
                        json.dumps(outputs, default=str), finished, round(seconds, 3)])
    return StageRun(stage, run_no, fingerprint(inputs), inputs, outputs, finished, seconds)

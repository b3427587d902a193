"""Per-load data-quality report: warnings with locations and fields that no parser consumed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dibwatch.errors import Location

MAX_ISSUES = 5000  # keep the report readable; counts stay exact beyond it


@dataclass(frozen=True)
class Issue:
    severity: str  # "warning" | "leftover" | "info"
    location: Location
    message: str
    value: str | None = None


@dataclass
class LoadReport:
    """Collected while a file is parsed; stored with the snapshot. Rows that parse with warnings
    are loaded, and the warnings are kept here."""

    file: str
    issues: list[Issue] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    leftover_fields: Counter[str] = field(default_factory=Counter)

    def warn(self, message: str, *, line: int | None = None, element: str | None = None,
             field_name: str | None = None, value: str | None = None,
             file: str | None = None) -> None:
        self.counts["warnings"] += 1
        if len(self.issues) < MAX_ISSUES:
            loc = Location(file or self.file, line, element, field_name)
            self.issues.append(Issue("warning", loc, message, _clip(value)))

    def leftover(self, field_name: str, value: str, *, line: int | None = None,
                 element: str | None = None, file: str | None = None) -> None:
        """A non-empty field that the parser did not map: never silently dropped."""
        self.leftover_fields[field_name] += 1
        self.counts["leftovers"] += 1
        if len(self.issues) < MAX_ISSUES and self.leftover_fields[field_name] <= 20:
            loc = Location(file or self.file, line, element, field_name)
            self.issues.append(Issue("leftover", loc, "field not consumed", _clip(value)))

    @property
    def warning_count(self) -> int:
        return self.counts["warnings"]


def _clip(value: str | None, limit: int = 300) -> str | None:
    if value is None:
        return None
    return value if len(value) <= limit else value[:limit] + "…"

"""A row being consumed field by field (zavod style): every field is popped, and what is left
at the end goes to the load report."""

from __future__ import annotations

from collections.abc import Iterable

from dibwatch.ingest.report import LoadReport

EMPTY = {"", "-0-", "-0- ", "None", "null", "NULL", "N/A", "n/a"}


class Record:
    def __init__(self, data: dict[str, str | None], *, file: str, line: int | None = None,
                 element: str | None = None) -> None:
        self._data = dict(data)
        self.file = file
        self.line = line
        self.element = element

    def pop(self, key: str) -> str | None:
        """The cleaned value of ``key`` (None when empty or absent), consumed."""
        value = self._data.pop(key, None)
        if value is None:
            return None
        value = value.strip()
        return None if value in EMPTY else value

    def pop_list(self, key: str, sep: str = ";") -> list[str]:
        value = self.pop(key)
        if value is None:
            return []
        return [v.strip() for v in value.split(sep) if v.strip() and v.strip() not in EMPTY]

    def ignore(self, *keys: str) -> None:
        """Consume fields we deliberately do not keep (documented at the call site)."""
        for key in keys:
            self._data.pop(key, None)

    def keys(self) -> Iterable[str]:
        return self._data.keys()

    def finish(self, report: LoadReport) -> None:
        for key, value in self._data.items():
            if value is None:
                continue
            value = value.strip()
            if value and value not in EMPTY:
                report.leftover(key, value, line=self.line, element=self.element, file=self.file)
        self._data.clear()

"""The one exception root of dibwatch.

Every error dibwatch raises on purpose derives from :class:`DibwatchError`, so a caller can
catch one type. Errors about input carry a :class:`Location` (file, line or XML element,
field) so a user can find the offending byte::

    DibwatchError
     ├── ConfigError              bad option, unknown source, missing setting
     ├── InputError               a file we were given is wrong (has .location)
     │    ├── FormatError         unrecognised or unsupported file format
     │    ├── ParseError          malformed row, element or value
     │    ├── EncodingError       bytes that do not decode in any accepted encoding
     │    └── UnsafeInputError    XML entity tricks (XXE, billion laughs), zip bombs
     │         └── TooLargeError  over a size limit: inflated bytes, rows of a batch job
     ├── WorkspaceError           the workspace file cannot be used
     │    ├── SchemaVersionError  workspace written by a newer dibwatch
     │    ├── EngineVersionError  workspace written by a DuckDB this install cannot read
     │    ├── WorkspaceBusyError  another process (often `dibwatch serve`) holds the file
     │    ├── StageEmptyError     the stage a command reads from has not run yet
     │    └── NotFoundError       unknown snapshot, entity or source
     ├── FetchError               download failed (offline, HTTP error, checksum)
     ├── BusyError                the workspace could not be reached in time (try again)
     └── PermissionDenied         someone else's job, token or account
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where in an input a problem sits. ``line`` is 1-based; ``element`` is an XML path."""

    file: str
    line: int | None = None
    element: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.element:
            parts.append(f"element {self.element}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)


class DibwatchError(Exception):
    """Root of all dibwatch errors."""


class ConfigError(DibwatchError):
    """A wrong option, unknown source name or missing setting."""


class InputError(DibwatchError):
    """A problem with an input file; ``location`` says where."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class FormatError(InputError):
    """The file's format is not recognised or not supported."""


class ParseError(InputError):
    """A row, element or value is malformed."""


class EncodingError(InputError):
    """The bytes do not decode in any encoding accepted for this source."""


class UnsafeInputError(InputError):
    """The input tries XML entity expansion, external entities, or is a decompression bomb."""


class TooLargeError(UnsafeInputError):
    """The input is over a configured limit: it inflates past the decompression cap (a bomb,
    or a genuine file needing a raised cap), or has more rows than a batch job admits."""


class WorkspaceError(DibwatchError):
    """The workspace cannot be opened or written."""


class EngineVersionError(WorkspaceError):
    """The workspace file was written by a database engine version this install cannot read."""


class WorkspaceBusyError(WorkspaceError):
    """Another process holds the workspace file (DuckDB admits one writing process)."""

    def __init__(self, message: str, *, pid: int | None = None) -> None:
        self.pid = pid
        super().__init__(message)


class StageEmptyError(WorkspaceError):
    """A command's input stage has no data yet; the message names the command producing it."""


class SchemaVersionError(WorkspaceError):
    """The workspace schema is newer than this dibwatch understands."""


class NotFoundError(WorkspaceError):
    """An unknown snapshot, entity or source was asked for."""


class FetchError(DibwatchError):
    """A download failed: offline, HTTP error, or checksum mismatch."""


class BusyError(DibwatchError):
    """The workspace could not be reached in time (a long write holds it) or refused the
    write: nothing was done, and trying again later may succeed."""

    def __init__(self, message: str, retry_after: float = 5.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermissionDenied(DibwatchError):
    """The thing exists but belongs to someone else (a job's results, a token)."""

"""Who holds a workspace while ``dibwatch serve`` runs, and the copy it publishes for readers.

DuckDB admits one process writing a file, and no other process may even read it meanwhile.
So the server announces itself in ``<workspace>.serve.json`` beside the file (mode 0600: it
carries a token for the local command line, and whoever can read it can read the workspace
itself) and publishes a consistent read-only copy, ``<workspace>.published``, when it starts
and after every change it makes to the stage data (a list load). Command-line reads then
open that copy; screening goes to the server's API, which records the proof of screening;
writes are refused with a line saying how to do the same through the server.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ANNOUNCE_SUFFIX = ".serve.json"
PUBLISHED_SUFFIX = ".published"


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    url: str
    workspace: str
    published: str
    token: str  # a Bearer token for the API, valid while this server runs
    started_at: str

    @property
    def label(self) -> str:
        return f"dibwatch serve (PID {self.pid}, {self.url})"


def announce_path(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + ANNOUNCE_SUFFIX)


def published_path(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + PUBLISHED_SUFFIX)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def announce(info: ServerInfo) -> None:
    write_private(announce_path(Path(info.workspace)),
                  json.dumps(asdict(info), indent=1).encode())


def withdraw(workspace: Path, pid: int) -> None:
    """Remove the announcement (only our own: a newer server may have replaced it)."""
    path = announce_path(workspace)
    current = _read(path)
    if current is not None and current.pid == pid:
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _read(path: Path) -> ServerInfo | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return ServerInfo(**raw)
    except (OSError, ValueError, TypeError):
        return None


def current_server(workspace: Path) -> ServerInfo | None:
    """The server holding ``workspace``, if one announced itself and is still running."""
    info = _read(announce_path(workspace))
    if info is None or not _alive(info.pid):
        return None
    return info


def published_at(info: ServerInfo) -> datetime | None:
    try:
        return datetime.fromtimestamp(Path(info.published).stat().st_mtime, UTC)
    except OSError:
        return None

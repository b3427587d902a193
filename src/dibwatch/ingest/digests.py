"""What identifies an input: the sha256 of its bytes (a reload of the same bytes is a no-op,
whatever the file is called)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any


def file_digests(files: list[Path]) -> tuple[list[dict[str, Any]], str]:
    """Per-file sha256 and one combined digest that ignores file names and order."""
    entries: list[dict[str, Any]] = []
    shas: list[str] = []
    for path in files:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        shas.append(digest.hexdigest())
        entries.append({"name": path.name, "sha256": shas[-1], "bytes": path.stat().st_size})
    combined = hashlib.sha256("\n".join(sorted(shas)).encode())
    return entries, combined.hexdigest()

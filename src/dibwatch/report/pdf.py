"""PDF output through WeasyPrint, which needs system libraries (Pango, HarfBuzz): when they
cannot be loaded the report is written as HTML only, with a warning instead of a crash."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PdfWriter:
    """Renders HTML pages to PDF files. Build it with :func:`pdf_writer`."""

    module: Any

    def write(self, html: str, base_url: Path, target: Path) -> int:
        """Write ``html`` to ``target``, relative links resolved as if it were the file
        ``base_url``; returns the page count."""
        document = self.module.HTML(string=html, base_url=str(base_url)).render()
        document.write_pdf(str(target))
        return len(document.pages)


def pdf_writer() -> tuple[PdfWriter | None, str | None]:
    """A writer, or ``None`` and the reason when WeasyPrint cannot load."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (OSError, ImportError) as exc:  # OSError: a system library is missing
        return None, (f"PDFs not written: WeasyPrint cannot load ({exc}); install Pango "
                      "(e.g. apt-get install libpango-1.0-0 libpangoft2-1.0-0) for PDFs")
    return PdfWriter(weasyprint), None


def render_pdf(html: str, base_url: Path, target: Path) -> int:
    """Worker entry point: one PDF in a pool process. Returns the page count."""
    writer, warning = pdf_writer()
    if writer is None:
        raise RuntimeError(warning)
    return writer.write(html, base_url, target)


class PdfPool:
    """Renders PDFs in ``workers`` processes while the caller goes on building pages
    (WeasyPrint layout is CPU-bound and single-threaded); ``workers <= 1`` renders inline.

    The workers start from a fork server (or are spawned), never forked from the caller: a
    child forked from a process holding DuckDB connections and threads aborted when its
    garbage collector finalised the inherited connections."""

    def __init__(self, writer: PdfWriter, workers: int) -> None:
        self.writer = writer
        self.pool: Executor | None = None
        if workers > 1:
            methods = multiprocessing.get_all_start_methods()
            method = "forkserver" if "forkserver" in methods else "spawn"
            self.pool = ProcessPoolExecutor(workers,
                                            mp_context=multiprocessing.get_context(method))
        self.jobs: list[tuple[Path, Future[int] | int]] = []

    def submit(self, html: str, base_url: Path, target: Path) -> None:
        if self.pool is None:
            self.jobs.append((target, self.writer.write(html, base_url, target)))
        else:
            self.jobs.append((target, self.pool.submit(render_pdf, html, base_url, target)))

    def results(self) -> dict[Path, int]:
        """Wait for every PDF; target -> page count."""
        out = {t: (j if isinstance(j, int) else j.result()) for t, j in self.jobs}
        if self.pool is not None:
            self.pool.shutdown()
        return out


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))

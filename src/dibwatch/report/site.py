"""``write_report``: the static report site (overview, dossiers, their PDFs) of one risk run."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from dibwatch.errors import NotFoundError
from dibwatch.graph import build_graph
from dibwatch.report import charts, countries_page, queries
from dibwatch.report.dossier import build_dossier, evidence_anchor, write_evidence_csv
from dibwatch.report.network import NetworkPictures
from dibwatch.report.overview import build_overview
from dibwatch.report.pdf import PdfPool, default_workers, pdf_writer
from dibwatch.risk import labels, ranked_firms, read
from dibwatch.workspace import Workspace

Progress = Callable[[str, int, int], None]

CSS_NAME = "report.css"
DEFAULT_DESTINATION = "RU"
# Evidence rows shown per flag on a page; every row is in the dossier's evidence CSV.
EVIDENCE_CAP = 200
# Ranked firms listed on the overview (the full ranking: ``dibwatch rank --output``).
TABLE_ROWS = 500
# Distinct evidence lines in a PDF: WeasyPrint lays out ~50 table rows a second, so the
# printed case file lists each line once, the first ones by date, and says where the rest are.
PRINT_CAP = 60
_OWN_FILE = re.compile(r"^\d+(\.html|\.pdf|-evidence\.csv)$")


@dataclass(frozen=True)
class DossierFile:
    firm_id: int
    rank: int
    caption: str
    html: Path
    evidence_csv: Path
    evidence_rows: int
    pdf: Path | None = None
    pdf_pages: int = 0


@dataclass(frozen=True)
class ReportResult:
    out_dir: Path
    index: Path
    run_id: int
    dossiers: tuple[DossierFile, ...]
    warnings: tuple[str, ...] = ()
    countries: Path | None = None  # the country page, when country statistics are loaded
    # Wall-clock seconds per step: overview, graph, dossiers (HTML, PDFs rendering alongside),
    # pdf_wait (for the PDFs still rendering after the last page), total.
    seconds: dict[str, float] = field(default_factory=dict)
    designations: Path | None = None  # the designations page, when the lists were xref'd


def _quantity(value: float | None) -> str:
    if value is None:
        return ""
    v = float(value)
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"


def environment() -> jinja2.Environment:
    """The template environment; autoescape is on because firm names are untrusted input."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("dibwatch.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["usd"] = lambda v: "" if v is None else f"{float(v):,.0f}"
    env.filters["money"] = lambda v: "" if v is None else charts.money(float(v))
    env.filters["num"] = lambda v, d=3: "" if v is None else f"{float(v):.{d}f}"
    env.filters["flag"] = labels.flag_title
    env.filters["qty"] = _quantity
    env.filters["pct"] = lambda v: "" if v is None else f"{100 * float(v):.1f}%"
    env.filters["split"] = lambda v, sep="|": [s for s in str(v or "").split(sep) if s]
    env.globals["evidence_anchor"] = evidence_anchor
    return env


def _run_settings(ws: Workspace, run_id: int | None) -> tuple[int, dict[str, Any]]:
    if run_id is None:
        run_id = read.latest_run(ws.engine)
        if run_id is None:
            raise NotFoundError("no risk run in this workspace: run `dibwatch rank` first")
    found = queries.run(ws.engine, run_id)
    if found is None:
        raise NotFoundError(f"no finished risk run {run_id} in this workspace")
    found["config"] = queries.as_json(found["config"]) or {}
    return run_id, found


def write_report(ws: Workspace, out_dir: Path, *, run_id: int | None = None,
                 dossiers: int = 50, pdf: bool = True, progress: Progress | None = None,
                 evidence_cap: int = EVIDENCE_CAP, print_cap: int = PRINT_CAP,
                 table_rows: int = TABLE_ROWS, workers: int | None = None) -> ReportResult:
    """Write the report of risk run ``run_id`` (default: the latest) to ``out_dir``:
    ``index.html`` (overview and ranked table), ``firms/<firm_id>.html`` with its PDF and
    evidence CSV for each of the top ``dossiers`` ranked firms with a non-zero score, and
    ``static/report.css``. Dossier files left by an earlier report in ``out_dir`` are
    removed, so the folder holds exactly this run's dossiers. A page shows up to
    ``evidence_cap`` evidence rows per flag; its PDF lists the distinct lines among them
    once each, the first ``print_cap`` by date (the print stylesheet swaps the tables).
    PDFs render in ``workers`` processes (default: up to 2)."""
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    warnings: list[str] = []
    run_id, run = _run_settings(ws, run_id)
    config = run["config"]
    invasion = date.fromisoformat(str(config.get("invasion", "2022-02-24")))
    destination = str(config.get("indicators", {}).get("chpl_exposure", {})
                      .get("destination", DEFAULT_DESTINATION))
    hubs = [str(h) for h in config.get("hubs", {})]

    out_dir = Path(out_dir)
    firms_dir = out_dir / "firms"
    (out_dir / "static").mkdir(parents=True, exist_ok=True)
    firms_dir.mkdir(exist_ok=True)
    for old in firms_dir.iterdir():
        if _OWN_FILE.match(old.name):
            old.unlink()
    css = resources.files("dibwatch.report").joinpath("static", CSS_NAME)
    with resources.as_file(css) as css_path:
        shutil.copyfile(css_path, out_dir / "static" / CSS_NAME)

    env = environment()
    ranked = ranked_firms(ws, run_id)
    flagged = [r for r in ranked if r["score"] > 0]
    chosen = flagged[: max(0, dossiers)]
    dossier_ids = {int(r["firm_id"]): int(r["rank"]) for r in chosen}

    t = time.perf_counter()
    if progress:
        progress("overview", 0, 1)
    overview = build_overview(ws.engine, destination=destination, invasion=invasion,
                              hubs=hubs)
    countries = out_dir / "countries.html"
    if countries_page.available(ws.engine):
        countries.write_text(env.get_template("countries.html").render(
            root="", run_id=run_id, page=countries_page.build_countries_page(ws.engine),
            title="dibwatch report: countries"), encoding="utf-8")
    else:
        countries.unlink(missing_ok=True)
    designations = _write_designations(env, ws, out_dir, run_id)
    index_html = env.get_template("index.html").render(
        has_countries=countries.exists(), has_designations=designations is not None,
        root="", run=run, run_id=run_id, invasion=invasion, ov=overview,
        ranked=flagged[:table_rows], ranked_total=len(ranked), flagged_total=len(flagged),
        table_rows=table_rows, dossier_ids=dossier_ids, dossiers_asked=dossiers,
        title="dibwatch report")
    months = overview["period"].months() if overview["period"] else []
    index = out_dir / "index.html"
    index.write_text(index_html, encoding="utf-8")
    seconds["overview"] = time.perf_counter() - t
    if progress:
        progress("overview", 1, 1)

    pool = None
    if pdf and chosen:
        writer, warning = pdf_writer()
        if warning:
            warnings.append(warning)
        if writer is not None:
            pool = PdfPool(writer, default_workers() if workers is None else workers)
    t = time.perf_counter()
    graph = build_graph(ws)
    pictures = NetworkPictures(graph, {int(r["firm_id"]): float(r["score"]) for r in ranked})
    seconds["graph"] = time.perf_counter() - t

    files: list[DossierFile] = []
    seconds["dossiers"] = 0.0
    template = env.get_template("dossier.html")
    with queries.dossier_scope(ws.engine, run_id, list(dossier_ids)):
        for i, row in enumerate(chosen):
            if progress:
                progress("writing dossiers", i, len(chosen))
            t = time.perf_counter()
            fid = int(row["firm_id"])
            ctx = build_dossier(ws.engine, run_id, fid, pictures=pictures,
                                dossier_ids=dossier_ids, evidence_cap=evidence_cap,
                                months=months, invasion=invasion, config=config)
            html = template.render(root="../", run_id=run_id, title=ctx.caption,
                                   invasion=invasion, print_cap=print_cap, **ctx.page)
            html_path = firms_dir / f"{fid}.html"
            html_path.write_text(html, encoding="utf-8")
            csv_path = firms_dir / f"{fid}-evidence.csv"
            evidence_rows = write_evidence_csv(ws.engine, run_id, fid, csv_path)
            seconds["dossiers"] += time.perf_counter() - t
            pdf_path = None
            if pool is not None:
                pdf_path = firms_dir / f"{fid}.pdf"
                pool.submit(html, html_path, pdf_path)
            files.append(DossierFile(fid, int(row["rank"]), ctx.caption, html_path, csv_path,
                                     evidence_rows, pdf_path))
    if progress:
        progress("writing dossiers", len(chosen), len(chosen))
    if pool is not None:
        t = time.perf_counter()
        if progress:
            progress("finishing PDFs", 0, 1)
        pages = pool.results()
        files = [replace(f, pdf_pages=pages[f.pdf]) if f.pdf else f for f in files]
        seconds["pdf_wait"] = time.perf_counter() - t
        if progress:
            progress("finishing PDFs", 1, 1)
    seconds["total"] = time.perf_counter() - started
    return ReportResult(out_dir, index, run_id, tuple(files), tuple(warnings),
                        countries if countries.exists() else None, seconds, designations)


def _write_designations(env: jinja2.Environment, ws: Workspace, out_dir: Path,
                        run_id: int) -> Path | None:
    """``designations.html`` when the lists were cross-referenced (``dibwatch lists xref``)."""
    from dibwatch.report import designations as designations_page

    target = out_dir / "designations.html"
    if not designations_page.available(ws.engine):
        target.unlink(missing_ok=True)
        return None
    target.write_text(env.get_template("designations.html").render(
        root="", run_id=run_id, page=designations_page.build_designations_page(ws.engine),
        title="dibwatch report: designations"), encoding="utf-8")
    return target

"""Cross-referencing on the real shared lists, checked against the raw files.

- Every pair of list entries that share a valid identifier is in one party: the identifiers
  are read again from the raw files (csv module for the CSV formats; the OFAC Enhanced XML
  and UN XML through the project's parsers), independently of the parsers' identifier code.
- Three cells of the CN/HK coverage document (docs/DESIGNATIONS.md) are recomputed from the
  raw files with the csv module.
- Designation dates are the lists' own (EU startDate, CSL start_date).
- The hand-checked sample of name-only links still holds.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from dibwatch.lists.loader import load_list
from dibwatch.lists.sources.ofac_xml import OfacEnhancedXmlParser
from dibwatch.lists.sources.un import UNConsolidatedParser
from dibwatch.model.identifiers import validate
from dibwatch.testing import run_parser, shared_file
from dibwatch.workspace import Workspace
from dibwatch.xref import XrefSettings, run_xref, store
from dibwatch.xref.coverage import entries_by_list

pytestmark = pytest.mark.slow

S = "sanctions"
EU = f"{S}/eu_ojeu_consolidated_annexes_2026-07"
# Every real list file in shared data, oldest first (OFAC SDN 2025 is absent: its sdn.csv is
# missing from the store and the loader refuses the partial set).
FILES = [
    f"{S}/ofac_sdn_2019-01", f"{S}/ofac_sdn_2021-07",
    f"{S}/ofac_consolidated_2025-01/CONS_ENHANCED.ZIP", f"{S}/ofac_consolidated_2025-12",
    f"{S}/us_csl_2022-05/consolidated.csv.gz", f"{S}/us_csl_2023-11_subset/csl.csv",
    f"{S}/us_csl_2025-06_sample/consolidated.csv", f"{S}/bis_dpl_2023-11/dpl.txt",
    f"{S}/un_consolidated_2026-02/consolidated.xml", f"{EU}/32014R0833.csv",
    f"{EU}/32014R0269.csv", f"{EU}/32006R0765.csv", f"{EU}/32024R2642.csv",
    f"{S}/us_bis_mieu/mieu.csv", f"{S}/us_dod_1260h_chinese_military_companies/sanctions.csv",
]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "DESIGNATIONS.md"
COVERAGE = DOCS.with_name("COVERAGE_CN_HK.md")
SAMPLE = Path(__file__).parent / "data" / "name_links_checked.csv"


def _path(rel: str) -> Path:
    if "." in rel.rsplit("/", 1)[-1]:
        return shared_file(rel)
    return shared_file(rel + "/SOURCE.txt").parent


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    paths = [_path(f) for f in FILES]
    ws = Workspace(tmp_path_factory.mktemp("xref") / "ws.duckdb")
    for path in paths:
        load_list(ws, path)
    run_xref(ws, settings=XrefSettings())
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def cluster_of(world: Workspace) -> dict[str, str]:
    return {r["entity_id"]: r["cluster_id"] for r in store.query(
        world.engine, "SELECT entity_id, cluster_id FROM xref_members")}


@pytest.fixture(scope="module")
def row_entity(world: Workspace) -> dict[tuple[str, int], str]:
    """(resolved file, line where the record starts) -> the entity read from it."""
    import json

    out: dict[tuple[str, int], str] = {}
    for entity_id, data in world.engine.query("SELECT entity_id, data FROM entities"):
        for p in json.loads(data).get("provenance", []):
            if p.get("line"):
                out[(str(Path(p["file"]).resolve()), int(p["line"]))] = str(entity_id)
    return out


# --- identifiers, read from the raw files -------------------------------------------------------

def _key(scheme: str, raw: str) -> tuple[str, str] | None:
    """The key of a value a list types as ``scheme`` (GENERIC: a registry number of unstated
    kind, which counts as the OGRN, INN or USCC its check digits say)."""
    value = re.sub(r"[^0-9A-Z]", "", raw.upper())
    if scheme == "IMO":
        value = value.removeprefix("IMO")
    if scheme == "GENERIC":
        for kind, lengths in (("OGRN", (13, 15)), ("INN", (10, 12)), ("USCC", (18,))):
            if len(value) in lengths and (value.isdigit() or kind == "USCC") and \
                    validate(kind, value):
                return kind, value
        return None
    if scheme == "BIC":
        ok = re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?", value) is not None
        return ("BIC", value[:8] if value.endswith("XXX") and len(value) == 11 else value) \
            if ok else None
    if not validate(scheme, value):
        return None
    return ("OGRN" if scheme == "OGRNIP" else scheme), value


# OFAC / CSL labels of typed identifiers; Russian registry labels type a value only when it
# has the scheme's length (as the OFAC lists use them for other countries too).
TYPED = {"Unified Social Credit Code (USCC)": "USCC",
         "United Social Credit Code Certificate (USCCC)": "USCC", "SWIFT/BIC": "BIC",
         "Legal Entity Number": "LEI", "Vessel Registration Identification": "IMO"}
RUSSIAN = {"Tax ID No.": ("INN", (10, 12)), "Registration ID": ("OGRN", (13, 15)),
           "Registration Number": ("OGRN", (13, 15)),
           "Business Registration Number": ("OGRN", (13, 15)),
           "Public Registration Number": ("OGRN", (13, 15)),
           "Government Gazette Number": ("OKPO", (8, 10))}
GENERIC = {"Tax ID No.", "Registration ID", "Registration Number",
           "Business Registration Number", "Public Registration Number",
           "Identification Number", "National ID No.", "Company Number"}


def _labelled(label: str, value: str, person: bool) -> tuple[str, str] | None:
    if label in TYPED:
        return _key(TYPED[label], value)
    if label in RUSSIAN:
        scheme, lengths = RUSSIAN[label]
        digits = re.sub(r"\D", "", value)
        if len(digits) in lengths and (found := _key(scheme, digits)):
            return found
    if label in GENERIC and not person:  # a person's entry may carry its company's number
        return _key("GENERIC", value)
    return None


def _csv_rows(path: Path, **kwargs: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, fields) of a CSV file, gzip or not."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), **kwargs)  # type: ignore[arg-type]
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _dict_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    header: list[str] | None = None
    for line, row in _csv_rows(path):
        if header is None or row == header:
            header = row
            continue
        if len(row) == len(header):  # blank lines read as empty rows
            yield line, dict(zip(header, row, strict=True))


EU_TYPED = {"innCode": "INN", "ogrnCode": "OGRN", "okpoCode": "OKPO", "leiCode": "LEI",
            "swiftBic": "BIC", "imoNumber": "IMO"}


def eu_keys(path: Path) -> Iterator[tuple[int, tuple[str, str]]]:
    for line, row in _dict_rows(path):
        person = row["schema"] == "Person"
        for column, scheme in EU_TYPED.items():
            for value in filter(None, (v.split("(")[0].strip()
                                       for v in row[column].split(";"))):
                if found := _key(scheme, value):
                    yield line, found
        if not person:
            for column in ("registrationNumber", "taxNumber"):
                for value in filter(None, (v.split("(")[0].strip()
                                           for v in row[column].split(";"))):
                    if found := _key("GENERIC", value):
                        yield line, found


def csl_keys(path: Path) -> Iterator[tuple[int, tuple[str, str]]]:
    labels = set(TYPED) | set(RUSSIAN) | GENERIC
    for line, row in _dict_rows(path):
        person = row["type"] == "Individual"
        for entry in filter(None, (e.strip() for e in row["ids"].split(";"))):
            parts = [p.strip() for p in entry.split(",")]
            if parts[-1] in labels and len(parts) >= 3:  # 2022: country, value, label
                label, value = parts[-1], parts[-2]
            elif parts[0] in labels and len(parts) >= 2:  # 2023: label, value, country
                label, value = parts[0], parts[1]
            else:
                continue
            if found := _labelled(label, value, person):
                yield line, found


REMARK = re.compile(r"^(?P<label>[A-Za-z /().-]+?) (?P<value>[A-Z0-9][A-Z0-9 ./-]*?)"
                    r"(?: \((?P<country>[^)]*)\))?\.?$")


def ofac_keys(path: Path) -> Iterator[tuple[int, tuple[str, str]]]:
    for line, row in _csv_rows(path):
        if len(row) < 12 or row[11].strip() == "-0-":
            continue
        person = row[2].strip().lower() == "individual"
        for item in (i.strip() for i in row[11].split(";")):
            m = REMARK.match(item)
            if m and (found := _labelled(m["label"].strip(), m["value"], person)):
                yield line, found


def parsed_keys(entities: list) -> Iterator[tuple[str, tuple[str, str]]]:  # type: ignore[type-arg]
    generic = {"REG_NO", "TAX_ID", "ID", "NATIONAL_ID"}
    for e in entities:
        for i in e.identifiers:
            if i.scheme in generic:
                found = None if e.schema == "Person" else _key("GENERIC", i.value)
            elif i.scheme in {"INN", "OGRN", "OGRNIP", "OKPO", "USCC", "LEI", "IMO", "BIC"}:
                found = _key(i.scheme, i.value)
            else:
                found = None
            if found:
                yield e.id, found


def raw_identifier_holders(row_entity: dict[tuple[str, int], str]
                           ) -> dict[tuple[str, str], set[str]]:
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    unmapped: list[tuple[str, int]] = []

    def add(path: Path, found: Iterator[tuple[int, tuple[str, str]]]) -> None:
        resolved = str(path.resolve())
        for line, key in found:
            entity_id = row_entity.get((resolved, line))
            if entity_id is None:
                unmapped.append((path.name, line))
            else:
                holders[key].add(entity_id)

    for rel in FILES:
        path = _path(rel)
        if rel.startswith(EU):
            add(path, eu_keys(path))
        elif "us_csl" in rel:
            add(path, csl_keys(path))
        elif rel.endswith(("ofac_sdn_2019-01", "ofac_sdn_2021-07")):
            add(path / "sdn.csv", ofac_keys(path / "sdn.csv"))
        elif rel.endswith("ofac_consolidated_2025-12"):
            add(path / "cons_prim.csv", ofac_keys(path / "cons_prim.csv"))
    xml = ((f"{S}/ofac_consolidated_2025-01/CONS_ENHANCED.ZIP", OfacEnhancedXmlParser,
            "us_ofac_cons"),
           (f"{S}/un_consolidated_2026-02/consolidated.xml", UNConsolidatedParser, "un_sc"))
    for rel, parser, source in xml:
        entities, _, _ = run_parser(parser, _path(rel), source)
        for entity_id, key in parsed_keys(entities):
            holders[key].add(entity_id)
    assert not unmapped, f"raw rows with identifiers but no entity: {unmapped[:10]}"
    return holders


def test_entries_sharing_a_valid_identifier_are_one_party(
        row_entity: dict[tuple[str, int], str], cluster_of: dict[str, str]) -> None:
    holders = raw_identifier_holders(row_entity)
    shared = {k: ids for k, ids in holders.items() if len(ids) > 1}
    # Non-vacuous: the lists share hundreds of registry numbers across entries.
    assert len(shared) > 500
    assert {k[0] for k in shared} >= {"INN", "OGRN", "IMO", "USCC", "BIC"}
    split = {k: sorted(ids) for k, ids in shared.items()
             if len({cluster_of[i] for i in ids}) > 1}
    assert not split, f"{len(split)} identifiers held by several parties: " \
                      f"{list(split.items())[:5]}"


# --- coverage cells, recomputed from the raw files ---------------------------------------------

HONG_KONG = re.compile(r"hong\s*kong|kowloon|new territories|tsuen wan|kwun tong|wan chai|"
                       r"sheung wan|tsim sha tsui|mong kok|causeway bay|kwai chung", re.I)
TODAY = date.today().isoformat()


def annex_iv_hk(path: Path) -> int:
    """Firms on Annex IV of Reg. 833/2014 with an address in Hong Kong."""
    return sum(1 for _, row in _dict_rows(path)
               if row["annex"] == "IV" and row["schema"] not in ("Person", "Vessel")
               and HONG_KONG.search(" ".join((row["address"], row["country"]))))


def entity_list_cn(path: Path) -> int:
    """Entity List firms of the CSL with an address in mainland China (a CSL address ends in
    its country code, or is only the code; one in Hong Kong is written "…, Hong Kong, CN")."""
    found = set()
    for _, row in _dict_rows(path):
        if not row["source"].startswith("Entity List") or row["type"] == "Individual":
            continue
        if row["end_date"] and row["end_date"][:10] <= TODAY:
            continue
        for address in row["addresses"].split(";"):
            address = address.strip()
            if (address == "CN" or address.endswith(", CN")) and not HONG_KONG.search(address):
                found.add(row["_id"])
    return len(found)


def dod_1260h(path: Path) -> int:
    """Companies on the DoD 1260H list now (a row without an end date, or one to come)."""
    now = set()
    for _, row in _dict_rows(path):
        name = row["Clean Name"] or row["Name"]
        if not row["End date"] or row["End date"] > TODAY:
            now.add(re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))
    return len(now)


def _docs_entries() -> dict[str, dict[str, int]]:
    text = COVERAGE.read_text(encoding="utf-8")
    section = text.split("### List entries by country", 1)[1].split("###", 1)[0]
    out = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[4].isdigit():
            out[f"{cells[0]} [{cells[1]}]"] = {"CN": int(cells[4]), "HK": int(cells[5])}
    return out


def test_three_coverage_cells_from_the_raw_files(world: Workspace) -> None:
    raw = {
        ("EU 833/2014 Annex IV [eu_833_2014]", "HK"): annex_iv_hk(_path(f"{EU}/32014R0833.csv")),
        ("BIS Entity List [us_csl]", "CN"): entity_list_cn(
            _path(f"{S}/us_csl_2022-05/consolidated.csv.gz")),
        ("DoD 1260H Chinese military companies [us_dod_1260h]", "CN"): dod_1260h(
            _path(f"{S}/us_dod_1260h_chinese_military_companies/sanctions.csv")),
    }
    live = {f"{e.list} [{e.source}]": {c.upper(): n for c, n in e.counts.items()}
            for e in entries_by_list(world.engine, ["cn", "hk"])}
    docs = _docs_entries()
    for (row, country), want in raw.items():
        assert want > 0
        assert live[row][country] == want, (row, country)
        assert docs[row][country] == want, (
            f"docs/COVERAGE_CN_HK.md is stale for {row} {country}: regenerate it with the "
            "command it names")


# --- designation dates --------------------------------------------------------------------------

def test_designation_dates_are_the_lists_own(world: Workspace,
                                            row_entity: dict[tuple[str, int], str]) -> None:
    listed = {(r["entity_id"], r["list"]): r["listed_on"] for r in store.query(
        world.engine, "SELECT entity_id, list, listed_on FROM xref_designations")}
    eu = _path(f"{EU}/32014R0833.csv")
    checked = 0
    for line, row in _dict_rows(eu):
        if row["annex"] != "IV" or not row["startDate"]:
            continue
        day = datetime.strptime(row["startDate"], "%d.%m.%Y").date().isoformat()
        entity_id = row_entity[(str(eu.resolve()), line)]
        assert listed[(entity_id, "EU 833/2014 Annex IV")] == day, row["name"]
        checked += 1
    csl = _path(f"{S}/us_csl_2022-05/consolidated.csv.gz")
    for line, row in _dict_rows(csl):
        # Some start dates are typos ("0017-05-26"): not a listing date.
        day = row["start_date"]
        if row["source"].startswith("Entity List") and \
                re.match(r"\d{4}-\d\d-\d\d$", day) and "1900" <= day <= TODAY:
            entity_id = row_entity[(str(csl.resolve()), line)]
            assert listed[(entity_id, "BIS Entity List")] <= day, row["name"]
            checked += 1
    assert checked > 2000


# --- the hand-checked sample --------------------------------------------------------------------

def _sample() -> list[dict[str, str]]:
    lines = [ln for ln in SAMPLE.read_text(encoding="utf-8").splitlines()
             if not ln.startswith("#")]
    return list(csv.DictReader(lines))


def test_checked_sample_is_big_enough_and_documented() -> None:
    rows = [r for r in _sample() if r["sample"] in ("dev", "holdout")]
    assert len(rows) >= 200
    same = sum(r["verdict"] == "same" for r in rows)
    held = [r for r in rows if r["sample"] == "holdout"]
    text = DOCS.read_text(encoding="utf-8")
    assert f"{same} of {len(rows)}" in text
    assert f"{sum(r['verdict'] == 'same' for r in held)} of {len(held)}" in text


def test_checked_pairs_still_hold(world: Workspace, cluster_of: dict[str, str]) -> None:
    """Pairs checked as the same party are still one party (by name or otherwise); pairs
    checked as different are not joined."""
    rows = _sample()
    same = [r for r in rows if r["verdict"] == "same" and r["sample"] != "round1"]
    together = [r for r in same if cluster_of[r["entity_a"]] == cluster_of[r["entity_b"]]]
    assert len(together) >= 0.9 * len(same)
    for r in rows:
        if r["verdict"] == "different":
            assert cluster_of[r["entity_a"]] != cluster_of[r["entity_b"]], r

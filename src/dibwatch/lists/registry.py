"""The source registry: where each official list is published, in which format, under which
licence, and how often it changes. ``lists fetch`` reads URLs only from here."""

from __future__ import annotations

from dataclasses import dataclass, field

from dibwatch.errors import ConfigError


@dataclass(frozen=True)
class Download:
    url: str
    filename: str  # name on disk; multi-file sources (OFAC CSV) land in one folder


@dataclass(frozen=True)
class SourceSpec:
    name: str
    title: str
    authority: str
    format: str  # parser format of the downloaded files
    licence: str
    cadence: str
    downloads: tuple[Download, ...] = field(default_factory=tuple)
    note: str = ""

    @property
    def fetchable(self) -> bool:
        return bool(self.downloads)


_OFAC = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports"
_US_PD = "US government work, public domain"

SOURCES: dict[str, SourceSpec] = {s.name: s for s in (
    SourceSpec("us_ofac_sdn", "OFAC Specially Designated Nationals (SDN) list", "US OFAC",
               "ofac_csv", _US_PD, "several times a week",
               (Download(f"{_OFAC}/SDN.CSV", "sdn.csv"), Download(f"{_OFAC}/ADD.CSV", "add.csv"),
                Download(f"{_OFAC}/ALT.CSV", "alt.csv"),
                Download(f"{_OFAC}/SDN_COMMENTS.CSV", "sdn_comments.csv"))),
    SourceSpec("us_ofac_sdn_xml", "OFAC SDN list, Enhanced XML", "US OFAC", "ofac_xml", _US_PD,
               "several times a week", (Download(f"{_OFAC}/SDN_ENHANCED.ZIP", "SDN_ENHANCED.ZIP"),),
               note="loads into source us_ofac_sdn"),
    SourceSpec("us_ofac_cons", "OFAC Consolidated (non-SDN) list", "US OFAC", "ofac_csv",
               _US_PD, "as designated",
               (Download(f"{_OFAC}/CONS_PRIM.CSV", "cons_prim.csv"),
                Download(f"{_OFAC}/CONS_ADD.CSV", "cons_add.csv"),
                Download(f"{_OFAC}/CONS_ALT.CSV", "cons_alt.csv"),
                Download(f"{_OFAC}/CONS_COMMENTS.CSV", "cons_comments.csv"))),
    SourceSpec("us_csl", "Consolidated Screening List (trade.gov), incl. BIS Entity List, MEU, "
               "UVL, DPL", "US Commerce / State / Treasury", "csl_csv", _US_PD, "daily",
               (Download("https://data.trade.gov/downloadable_consolidated_screening_list/v1/"
                         "consolidated.csv", "consolidated.csv"),)),
    SourceSpec("us_bis_dpl", "BIS Denied Persons List", "US BIS", "bis_dpl", _US_PD,
               "as orders are issued",
               (Download("https://www.bis.doc.gov/dpl/dpl.txt", "dpl.txt"),)),
    SourceSpec("un_sc", "UN Security Council Consolidated List", "UN Security Council",
               "un_xml", "UN public information", "as designated",
               (Download("https://scsanctions.un.org/resources/xml/en/consolidated.xml",
                         "consolidated.xml"),)),
    SourceSpec("eu_fsf", "EU Financial Sanctions Files (consolidated list)", "EU", "eu_fsf_xml",
               "EU re-use notice (Commission Decision 2011/833/EU)", "daily",
               (Download("https://webgate.ec.europa.eu/fsd/fsf/public/files/"
                         "xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
                         "eu_fsf.xml"),)),
    SourceSpec("eu_journal", "EU regulation annexes (Reg. 833/2014, 269/2014, 765/2006, "
               "2024/2642) as parsed from EUR-Lex by OpenSanctions", "EU", "eu_journal_csv",
               "EU texts (c) European Union; parse MIT", "with each amending act",
               note="no official machine-readable URL: load the CSV files by path; each "
               "regulation loads as its own source (eu_833_2014, eu_269_2014, eu_765_2006, "
               "eu_2024_2642)"),
    SourceSpec("gb_fcdo", "UK Sanctions List (FCDO)", "UK FCDO", "uk_fcdo_xml",
               "Open Government Licence v3.0", "as designated",
               (Download("https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
                         "UK-Sanctions-List.xml"),)),
    SourceSpec("us_bis_mieu", "BIS Military-Intelligence End-User list", "US BIS", "mieu_csv",
               _US_PD, "rare (Federal Register rules)",
               note="published only in the Federal Register: load a hand-kept CSV by path"),
    SourceSpec("us_dod_1260h", "DoD Section 1260H Chinese military companies", "US DoD",
               "dod1260h_csv", _US_PD, "yearly",
               note="published as a Federal Register notice: load a hand-kept CSV by path"),
    SourceSpec("ftm", "FollowTheMoney JSON lines (e.g. OpenSanctions exports)", "various",
               "ftm_json", "OpenSanctions data: CC BY-NC 4.0 (commercial use needs a licence)",
               "daily",
               note="download from your licensed OpenSanctions URL and load by path"),
)}


def get_source(name: str) -> SourceSpec:
    try:
        return SOURCES[name]
    except KeyError:
        raise ConfigError(
            f"unknown source {name!r}; known: {', '.join(sorted(SOURCES))}") from None

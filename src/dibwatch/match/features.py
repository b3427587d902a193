"""The matcher's features and weights, declared once.

Everything that moves a score is a row of :data:`FEATURES`: the algorithm reads its weights
from here, and the documentation is generated from here — the algorithm's module docstring,
the ``/algorithms`` endpoint, the ``matcher`` block of ``/match`` responses and the table in
README.md (``python -m dibwatch.match --readme README.md`` rewrites it; a test fails
when it is stale).

Kinds:

- ``name``: parameters of the name comparison (token similarity and how words left over on
  either side count); they shape the ``name`` feature's value.
- ``rule``: decides what the name feature may be (the exact-name law, caps).
- ``adjust``: added to the score when it fires (negative: evidence against).
- ``floor`` / ``cap``: the score is raised to / limited to the weight.

The weights were chosen on the ``tune`` partition of ``benchmarks/screening_quality.py`` and
checked on its held-out partition and on the peers' benchmarks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    kind: str  # name | rule | adjust | floor | cap
    weight: float
    description: str


FEATURES: tuple[FeatureSpec, ...] = (
    # -- the name -----------------------------------------------------------------------
    FeatureSpec("name", "adjust", 1.0,
                "best agreement of the query's names with the entity's names: words aligned "
                "one to one in any order, each weighted by its rarity in the loaded lists and "
                "a table of generic words; value in [0, 1]"),
    FeatureSpec("exact_name", "rule", 1.0,
                "the query name has exactly the words of one of the entity's strong names "
                "(after transliteration, folding and legal-form removal): the name scores "
                "1.0 and no rarity cap applies — rarity only decides what an inexact "
                "agreement is worth"),
    FeatureSpec("token_edit", "name", 0.6,
                "a word within the allowed edits of another scores 1 − weight × edits / "
                "length (allowed: none up to 3 letters, then 1; organisations 2 from 8 "
                "letters and 3 from 12, persons 2 from 12 and 3 from 16)"),
    FeatureSpec("org_short_edit", "name", 1.0,
                "in an organisation's name, a word of up to 7 letters one edit from another "
                "scores 1 − weight / length (Markal / Markel 0.83): short words one letter "
                "apart are as often other names as typos; never when the first letter "
                "differs (Sater / Fater)"),
    FeatureSpec("short_token_edit", "name", 1.5,
                "in a person's name, words of up to 5 letters one edit apart score 1 − "
                "weight / length (Putin / Pudin 0.70); never when the first letter differs "
                "(Rost / Trost, Bing / Ging); syllables romanised from Han or Hangul must be "
                "equal"),
    FeatureSpec("unseen_word_typo", "name", 1.0,
                "a query word that no list name has, one letter struck for another or two "
                "swapped (its first letter included) in a list word of 5+ letters, scores "
                "1 − weight / length (Froup / GROUP 0.80, Shmed / AHMED) unless the other "
                "rules score it higher: a word no list knows is a slip of the keys, not "
                "another name the lists might hold; the rules for short words and first "
                "letters guard pairs of words the lists both use (Sater / Fater); never "
                "for syllables romanised from Han or Hangul, nor without a corpus"),
    FeatureSpec("han_loanword", "name", 0.85,
                "an organisation's name in Han against a Latin one: a word the Han side "
                "writes by sound (麦克维尔, mai ke wei er, with a syllable that carries a "
                "bare consonant: si, ke, te, de, er…) and a Latin word of 4+ letters with "
                "the same consonants by sound class (Makewell: both NKWL) score the weight "
                "unless the other rules score them higher; a transliteration is a reading, "
                "never an exact agreement"),
    FeatureSpec("abjad_vowel_conflict", "name", 0.0,
                "an organisation's name in Arabic script against a Latin one: where the "
                "Arabic word writes a vowel letter (ا و ي) between two consonants and the "
                "Latin word has no vowel there that letter can write, or the Latin word "
                "opens with a vowel the Arabic does not write, the words pair at this "
                "weight however equal their consonants (غارنيت is not GRANT, بولو is not "
                "BELL, ماونتين is not AMMUNITION): 0, two different words"),
    FeatureSpec("abjad_vowelled_partial", "name", 0.85,
                "the same, read as an English word in Arabic letters (v ف, g ج, soft c س: "
                "سيرفيسز is SERVICES): a word that writes a vowel after its first "
                "consonant, as Gulf registrations spell foreign words, whose consonants "
                "agree with a Latin word's less than this does not agree at all (ماتريالز is "
                "not MOTORS)"),
    FeatureSpec("short_vowel_edit", "name", 1.0,
                "the same for a vowel in place of a vowel, a spelling (Omar / Umar 0.75, "
                "Ahmed / Ahmad 0.80)"),
    FeatureSpec("initial", "name", 0.75,
                "an initial against a person's name starting with it (J. / John); it carries "
                "the initial's weight only"),
    FeatureSpec("prefix", "name", 0.85,
                "in an organisation's name, a word of 4+ letters that starts the other, up "
                "to 3 letters shorter (Tech / Technology); in a person's name Ming / Mingfu "
                "are two names"),
    FeatureSpec("truncation", "name", 0.75,
                "in an organisation's name, a word of 4+ letters that starts a word more than "
                "3 letters longer: a word cut short (Nano / Nanotechnology)"),
    FeatureSpec("acronym", "name", 0.9,
                "in an organisation's name, an acronym of 3 to 6 letters against the run of "
                "words it "
                "abbreviates (PLA / People's Liberation Army, НПП / Научно-Производственное "
                "Предприятие); in a person's name two letters are a syllable (Su, Li)"),
    FeatureSpec("feminine_form", "name", 0.0,
                "in a person's name, a word and its form with a final a (Ivanov / Ivanova, "
                "Martin / Martina) are different names"),
    FeatureSpec("query_extra", "name", 1.0,
                "weight of a query word the list name lacks (a word the party's name has "
                "and the listed name does not is evidence of another party)"),
    FeatureSpec("list_extra_person", "name", 0.4,
                "weight of a list word the query lacks, in a person's name (lists spell "
                "names out in full: a missing middle name or patronymic)"),
    FeatureSpec("list_extra_org", "name", 0.65,
                "weight of a list word the query lacks, in an organisation's name (Banco "
                "Santander Chile is not Banco Santander)"),
    FeatureSpec("unaligned_floor", "name", 0.5,
                "an organisation word left over on either side weighs at least this, however "
                "common it is"),
    FeatureSpec("syllable_missing", "name", 0.6,
                "the most a person's name written in syllables (Han, Hangul, Kana) can score "
                "against a romanised one when a syllable of either is left over: 강지민 "
                "(Kang Ji Min) is not KANG, Min"),
    FeatureSpec("person_conflict_floor", "name", 1.0,
                "words left over on both sides of a person's name are a different name in "
                "that slot: each weighs at least this; so is a full name on one side met "
                "only by an initial while the other side keeps a full name no one matched "
                "(Abena Okonkwo / OGUNGBUYI, Abeni O.)"),
    FeatureSpec("org_conflict", "name", 1.5,
                "words left over on both sides of an organisation's name are a different "
                "word in the same slot (Kamensk-Uralsky Metallurgical Works / … Drufenzet "
                "Works): they count this many times their weight"),
    FeatureSpec("digit_weight", "name", 0.3,
                "a number's weight as a word (numbers are judged by number_conflict)"),
    FeatureSpec("short_word_weight", "name", 0.5,
                "weight factor of words of one or two letters in an organisation's name (in "
                "a person's name they are syllables, Li, Wu, Do; particles have their own "
                "table)"),
    # -- caps and rules ------------------------------------------------------------------
    FeatureSpec("weak_alias", "cap", 0.65,
                "the best name is an alias the list marks weak: it never makes a match alone"),
    FeatureSpec("generic_only", "cap", 0.5,
                "the query name or the list name is made only of generic words (GLOBAL "
                "TRADING CO LTD, EAST TECH) and their agreement is inexact"),
    FeatureSpec("single_word_list_name", "cap", 0.6,
                "the matched list name is one word and the query has other words that are "
                "not generic (TOM, SANTOS inside a longer name)"),
    # -- attributes ----------------------------------------------------------------------
    FeatureSpec("identifier_match", "floor", 0.98,
                "the same identifier on both sides, validated where the scheme has check "
                "digits (INN, OGRN, USCC, LEI, IMO incl. company numbers, BIC on its first "
                "8 letters, MMSI…): it dominates the name"),
    FeatureSpec("call_sign_match", "adjust", 0.15,
                "a vessel or aircraft with the same call sign"),
    FeatureSpec("identifier_conflict", "adjust", -0.25,
                "both sides carry a valid identifier of the same unique scheme and the "
                "values differ"),
    FeatureSpec("registration_conflict", "adjust", -0.1,
                "both sides carry registration or tax numbers of the same scheme and "
                "country, and none agrees"),
    FeatureSpec("schema_conflict", "adjust", -0.4,
                "a person against an organisation, a vessel or aircraft against either (a "
                "query name with a legal form is an organisation's)"),
    FeatureSpec("number_conflict", "adjust", -0.35,
                "the names carry different numbers (Brigade 44 / Brigade 45, Snow Storm 1 / "
                "2)"),
    FeatureSpec("number_missing", "adjust", -0.3,
                "the query carries a number the list name lacks: a numbered unit of the "
                "listed body, or another one (Brigade 44 / Brigade)"),
    FeatureSpec("list_number_missing", "adjust", -0.1,
                "the list name carries a number the query leaves out, as a short name does "
                "(Qihoo Technology / Qihoo 360 Technology, Almacen Junior / ALMACEN JUNIOR NO. "
                "2): weaker evidence than a number of its own"),
    FeatureSpec("list_number_missing_one_word", "adjust", -0.2,
                "the same when the query's name is one word besides its legal form (Fund / "
                "Fund I, VATO EOOD / VATO 2002 EOOD): the number is half of the list's name"),
    FeatureSpec("extra_query_word", "adjust", -0.12,
                "the query's organisation name has a distinctive word (not generic, not a "
                "number) that the list name lacks: another body (Deutsche Bank Trust "
                "Company / Deutsche Bank)"),
    FeatureSpec("extra_list_word", "adjust", -0.15,
                "the list's organisation name has a rare distinctive word (rarity >= 0.8) "
                "that the query lacks between two words the query has, and the query no "
                "distinctive word the list lacks: another body named alike (Horizon Systems "
                "/ HORIZON RX SYSTEMS, Blue Industrial / BLUE SKY INDUSTRY); a short name "
                "keeping the head (Midco / MIDCO FINANCE) or dropping a common word "
                "(Gorgeous North Korea / GORGEOUS BANK OF NORTH KOREA) is not touched"),
    FeatureSpec("skipped_list_word", "adjust", -0.2,
                "the query leaves out a word inside the list's organisation name that is "
                "more than a filler and keeps a filler after it (generic weight <= 0.15: "
                "Trading, Group, Industrial; Pioneer Industrial / PIONEER ENERGY "
                "INDUSTRIES, Blue Industrial / BLUE SKY INDUSTRY): another firm made of the "
                "same words; a short name keeps the distinctive words and drops generic ones "
                "(Izhevsky Mekhanichesky / IZHEVSKY MEKHANICHESKY ZAVOD) or only fillers "
                "(Jincheng Imp Exp / JINCHENG GROUP IMP & EXP) and is not touched"),
    FeatureSpec("dropped_list_head", "adjust", -0.15,
                "the query's organisation name is one distinctive word and generic ones, and "
                "the list name has a distinctive word just before the first word the query "
                "has (Mountain Enterprises / IRON MOUNTAIN ENTERPRISES, Island International "
                "/ AQUAMARINA ISLAND INTERNATIONAL): another firm named alike; a short name "
                "keeps the head (Midco / MIDCO FINANCE) and drops places, pinyin ones "
                "included (Ruifeng New Materials / XINXIANG RUIFENG NEW MATERIALS), and "
                "descriptions (Vigstar / SCIENTIFIC PRODUCTION CENTER VIGSTAR)"),
    FeatureSpec("one_word_inexact", "adjust", -0.2,
                "the query's organisation name is one distinctive word and generic ones, and "
                "that word and the list's end differently: one starts the other or the last "
                "letter differs (Coral Technology / CORAD TECHNOLOGY, Galaxy Trade / GALAX "
                "TRADING): the whole name rests on a word that is not the list's; a slip "
                "inside the word keeps both ends (Tirgis / TIGRIS) and is not touched"),
    FeatureSpec("words_beyond_one_word_name", "adjust", -0.15,
                "the list name has one distinctive word and the query adds words around it "
                "that the list name lacks, generic ones included (Falcon Systems Engineering / "
                "FALCON SYSTEMS, Orion Engineering / NPO Orion): one shared word is thin "
                "evidence"),
    FeatureSpec("read_as_slip", "adjust", -0.03,
                "the query's name agrees as read with a mistyped word of the project's "
                "tables (legal forms, kinds of enterprise, abbreviations, number and generic "
                "words) read as that word — one letter struck for another, left out or "
                "added, or two swapped, in 5+ letters; one table word only; no list name has "
                "the word as written (Joibt Stock Company, "
                "Central Resrarch Institute, Fiest Branch): a step from what was written"),
    FeatureSpec("legal_form_conflict", "adjust", -0.2,
                "the names state legal forms of different kinds (LLC vs state enterprise, "
                "company vs partnership)"),
    FeatureSpec("legal_family_conflict", "adjust", -0.32,
                "the names state company forms of different families: joint-stock (AG, "
                "JSC, АО, SA, PLC) vs limited-liability (GmbH, LLC, ООО, Sp. z o.o.)"),
    FeatureSpec("country_mismatch", "adjust", -0.05,
                "both sides have countries and none is shared"),
    FeatureSpec("flag_mismatch", "adjust", -0.1,
                "a vessel query's country is not the listed vessel's flag"),
)

BY_NAME: dict[str, FeatureSpec] = {f.name: f for f in FEATURES}
if len(BY_NAME) != len(FEATURES):  # pragma: no cover - a declaration error
    raise ValueError("a feature is declared twice")


def weight(name: str) -> float:
    return BY_NAME[name].weight


def feature_table(style: str = "markdown") -> str:
    """The feature table for documentation: ``markdown`` or ``rst`` (a simple table)."""
    rows = [(f.name, f.kind, f"{f.weight:+.2f}" if f.kind == "adjust" else f"{f.weight:.2f}",
             f.description) for f in FEATURES]
    if style == "markdown":
        lines = ["| feature | kind | weight | what it means |", "|---|---|---|---|"]
        lines += [f"| `{a}` | {b} | {c} | {d} |" for a, b, c, d in rows]
        return "\n".join(lines)
    width = max(len(r[0]) for r in rows)
    rule = f"{'=' * width}  ======  ======  {'=' * 60}"
    out = [rule, f"{'feature':<{width}}  kind    weight  what it means", rule]
    for a, b, c, d in rows:
        out.append(f"{a:<{width}}  {b:<6}  {c:>6}  {d}")
    out.append(rule)
    return "\n".join(out)


README_START = "<!-- features:start (generated by python -m dibwatch.match) -->"
README_END = "<!-- features:end -->"


def render_readme(text: str) -> str:
    """``text`` with the block between the feature markers replaced by the current table."""
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.S)
    if not pattern.search(text):
        raise ValueError("README has no feature table markers")
    return pattern.sub(lambda _: f"{README_START}\n{feature_table()}\n{README_END}", text)

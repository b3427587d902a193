"""to_latin, han_segments and normalize: table-driven cases over the scripts the lists use."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from dibwatch.text import han_segments, normalize, to_latin
from dibwatch.text.translit import _HAN_RUN_RE, pinyin_word

TO_LATIN_CASES = [
    # Cyrillic: Russian, Ukrainian, Belarusian, Kazakh, Serbian
    ("ООО «Ромашка»", "ooo romashka"),
    ("Юрий Щукин", "yuriy shchukin"),
    ("Хабаров Цветков Жуков", "khabarov tsvetkov zhukov"),
    ("Ёлкин Объединённый", "elkin obedinennyy"),
    ("Чайковский Эдуард Ильич", "chaykovskiy eduard ilich"),
    ("Мария Наталья", "mariya natalya"),
    ("Путін Володимир", "putin volodimir"),
    ("Їжак Євген Ґудзь", "yizhak yevgen gudz"),
    ("Уладзімір Пуцін", "uladzimir putsin"),
    ("Нұрсұлтан Әбішұлы Назарбаев", "nursultan abishuly nazarbaev"),
    ("Қазақстан Өскемен Үржар", "kazakstan oskemen urzhar"),
    ("Ђорђе Џаја Љиљана Њого", "djordje dzhaja ljiljana njogo"),
    ("ПУ́ТИН Влади́мир", "putin vladimir"),  # combining acute accents dropped
    # Latin with diacritics (spec: ü→u, ß→ss, ø→o, ł→l, ç→c, ı→i, ş→s, ğ→g)
    ("Müller Straße Øresund Łódź", "muller strasse oresund lodz"),
    ("Çelik Işık Şahin Doğan", "celik isik sahin dogan"),
    ("İSTANBUL", "istanbul"),
    ("Ščukin Žukov Čechov", "shchukin zhukov chechov"),  # háček letters → digraphs
    ("Đorđević Þór Æsir", "djordjevic thor aesir"),
    ("Vladímír Pútín", "vladimir putin"),
    # Chinese
    ("深圳市华强电子有限公司", "shenzhen huaqiang electronics co ltd"),
    ("习近平", "xi jinping"),
    ("李明", "li ming"),
    ("欧阳明", "ouyang ming"),  # two-character surname
    ("单雄信", "shan xiongxin"),  # surname reading of a polyphone (单 = shan, not dan)
    ("曾国藩", "zeng guofan"),
    ("重庆", "chongqing"),
    ("中国石油天然气集团公司", "china petroleum natural gas group company"),
    ("華為技術有限公司", "huawei technology co ltd"),  # traditional characters
    ("香港恒通贸易有限公司", "hong kong hengtong trading co ltd"),
    ("广东省东莞市长安镇", "guangdong dongguan changanzhen"),
    # Traditional characters read through their simplified form: pypinyin knows the phrase
    # 长安 (chang'an), not 長安, whose 長 alone it reads zhang.
    ("長安海連技術有限公司", "changan hailian technology co ltd"),
    ("長城", "changcheng"),
    # Maximum matching from the end as well: forward alone cuts 陽/光電/子
    ("陽光電子科技有限公司", "yangguang electronic technology co ltd"),
    # Four unknown characters written by sound are one foreign word (ke, er carry consonants)
    ("麥克維爾工業貿易有限公司", "maikeweier industrial trading co ltd"),
    ("朝鲜联合机械贸易会社", "korea lianhe machinery trading company"),
    ("ABC 深圳 trading", "abc shenzhen trading"),
    ("株式会社", "kabushiki kaisha"),
    # scripts with an ICU transform (kana, Armenian, Georgian, Arabic, Hebrew, Devanagari)
    ("ウラジーミル・プーチン", "urajimiru puchin"),
    ("Վլադիմիր Պուտին", "vladimir putin"),
    ("ვლადიმერ პუტინი", "vladimer putini"),  # ejective marks dropped
    ("محمد علي", "mhmd aly"),
    ("رغد صدام حسين التكريتي", "rghd sdam hsyn al tkryty"),  # the article split off
    ("عبدالرحيم", "abdalrhym"),  # عبد ال… is one name (Abdul Rahim); ain is a
    ("حامد عبد الله", "hamd abdallh"),  # Abdallah; الله is no article
    ("حمزة", "hmza"),  # ta marbuta: a final a
    ("ولادیمیر پوتین", "wladymyr putyn"),  # Persian; waw inside a word is a vowel
    ("ולדימיר פוטין", "wldymyr putyn"),
    ("व्लादिमीर पुतिन", "vladimir putin"),  # Hindi final schwa dropped
    # Hangul: a Korean name syllable by syllable, as lists write it; longer words joined
    ("김정은", "kim jong un"),
    ("리창호", "ri chang ho"),
    ("김영복", "kim yong bok"),
    ("삼성전자", "samsongjonja"),
    # other scripts via anyascii
    ("Βλαντίμιρ Πούτιν", "vlantimir poutin"),
    ("ពូទីន", "ptn"),
    ("Ivan «Petrov» ’s", "ivan petrov 's"),  # non-ASCII punctuation: quotes → space/apostrophe
    ("", ""),
    ("   ", ""),
]


@pytest.mark.parametrize(("text", "expected"), TO_LATIN_CASES)
def test_to_latin(text: str, expected: str) -> None:
    assert to_latin(text) == expected


def test_to_latin_output_is_lower_ascii() -> None:
    for text, _ in TO_LATIN_CASES:
        out = to_latin(text)
        assert out.isascii() and out == out.lower(), text


HAN_SEGMENT_CASES = [
    (
        "深圳市华强电子有限公司",
        [("深圳市", "shenzhen"), ("华强", "huaqiang"), ("电子", "electronics"),
         ("有限公司", "co ltd")],
    ),
    ("习近平", [("习", "xi"), ("近平", "jinping")]),
    ("诸葛亮", [("诸葛", "zhuge"), ("亮", "liang")]),
    ("中国", [("中国", "china")]),  # a dictionary word, not "zhong guo" as a person
    ("华强电子", [("华强", "huaqiang"), ("电子", "electronics")]),
    # Not a surname first: no personal-name split; four unknown characters are two words
    # (the matcher joins them again against "Haikangweishi").
    ("海康威视", [("海康", "haikang"), ("威视", "weishi")]),
    ("兴华恒成科技", [("兴华", "xinghua"), ("恒成", "hengcheng"), ("科技", "technology")]),
    ("芯时空", [("芯时空", "xinshikong")]),
    ("和德宇航技术", [("和德", "hede"), ("宇航", "aerospace"), ("技术", "technology")]),
    ("李宇航", [("李", "li"), ("宇航", "yuhang")]),  # a given name that is also a word
    (
        "北京航天控股有限公司",
        [("北京", "beijing"), ("航天", "aerospace"), ("控股有限公司", "holdings ltd")],
    ),
    (
        "上海微电子装备有限公司",
        [("上海", "shanghai"), ("微电子", "microelectronics"), ("装备", "equipment"),
         ("有限公司", "co ltd")],
    ),
    ("Romashka", []),
    ("深圳 trading 有限公司", [("深圳", "shenzhen"), ("有限公司", "co ltd")]),
]


@pytest.mark.parametrize(("text", "expected"), HAN_SEGMENT_CASES)
def test_han_segments(text: str, expected: list[tuple[str, str]]) -> None:
    segments = han_segments(text)
    assert segments == expected
    # The segments cover every Han character of the text exactly once, in order.
    assert "".join(original for original, _ in segments) == "".join(_HAN_RUN_RE.findall(text))


def test_chinese_and_english_registrations_meet() -> None:
    english = "Shenzhen Huaqiang Electronics Co., Ltd."
    assert normalize("深圳市华强电子有限公司") == normalize(english)
    assert normalize("華為技術有限公司") == normalize("Huawei Technology Co Ltd")


NORMALIZE_CASES = [
    ("ООО «Ромашка»", "ooo romashka"),
    ("O.O.O. Romashka", "ooo romashka"),
    ("Alpha S.A.", "alpha sa"),
    ("A.B.C. Trading", "abc trading"),
    ("Int'l Trading", "intl trading"),
    ("O'Brien", "obrien"),
    ("O’Brien", "obrien"),
    ("Johnson & Johnson", "johnson and johnson"),
    ("Abdel-Fattah el-Sisi", "abdel fattah el sisi"),
    ("CNOOC ENERGY TECH & SRVCES LTD", "cnooc energy tech and srvces ltd"),
    ("Shenzhen Huaqiang Electronics Co.,Ltd.", "shenzhen huaqiang electronics co ltd"),
    ("“Alpha”  —  „Beta“", "alpha beta"),
    ("PUTIN, Vladimir Vladimirovich", "putin vladimir vladimirovich"),
    ("Sp. z o.o.", "sp z oo"),
    ("GmbH & Co. KG", "gmbh and co kg"),
    ("ＡＢＣ（深圳）有限公司", "abc shenzhen co ltd"),  # full-width forms via NFKC
    ("J. R. Smith", "j r smith"),  # spaced initials stay separate
    ("'quoted'", "quoted"),
    ("No. 1 Factory", "no 1 factory"),
    ("Société Générale", "societe generale"),
    ("ŞAHİN", "sahin"),
    ("ﬁnance", "finance"),  # ligature via NFKC
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), NORMALIZE_CASES)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_normalize_real_benchmark_names(shared: Callable[[str], Path]) -> None:
    """Every name of the nomenklatura name benchmark normalises to [a-z0-9 ] words, and the
    Cyrillic and Han rows the benchmark README counts (19 Cyrillic, 3 Han pairs) are there."""
    path = shared("name_matching/nomenklatura/name_bench_cases.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 826
    names = {row[key] for row in rows for key in ("name1", "name2")}
    for name in names:
        out = normalize(name)
        assert all(c.islower() or c.isdigit() or c == " " for c in out), name
        assert out == " ".join(out.split())
    cyrillic = [r for r in rows if any("\u0400" <= c <= "\u04ff" for c in r["name1"] + r["name2"])]
    han = [r for r in rows if _HAN_RUN_RE.search(r["name1"] + r["name2"])]
    assert (len(cyrillic), len(han)) == (19, 3)
    for row in cyrillic + han:
        assert normalize(row["name1"]) and normalize(row["name2"])


@pytest.mark.parametrize(("word", "expected"), [
    ("Dalian", True), ("Xinxiang", True), ("Zhongguancun", True), ("HUAQIANG", True),
    ("Xi", False),  # one syllable
    ("Iron", False), ("Wealthy", False), ("Aquamarina", False), ("Scientific", False),
    ("Zhongguancunyi", False),  # four syllables
    ("Дальян", False),
])
def test_pinyin_word(word: str, expected: bool) -> None:
    assert pinyin_word(word) is expected

"""Classify one customs line: declared HS code, CHPL tier, what the description and part
numbers say the goods are, who made them, and whether the declared code hides them.

A line is *misdeclared* when its description or part number names CHPL goods but the declared
code is missing, unreadable, or outside the CHPL and disagrees with the description at the
precision the description allows: "микросхема STM32F407" under 392690 (plastic articles) is
misdeclared; "capacitor" under 853222 (aluminium electrolytic, same heading) is not, because
"capacitor" alone does not say which kind; "tantalum capacitor" under 853222 is.
"""

from __future__ import annotations

from dataclasses import dataclass

from dibwatch.goods.brands import Brand, ModelMatch, brand_by_name, model_of
from dibwatch.goods.chpl import chpl_tier
from dibwatch.goods.hs import HsCode, normalize_hs
from dibwatch.goods.terms import TermMatch, best_term, find_terms


@dataclass(frozen=True)
class LineClass:
    hs: HsCode | None
    declared_tier: str | None
    inferred_hs: str | None
    """What the description or part number says the goods are: HS-6, or HS-4 / HS-2 when the
    evidence is no more precise."""
    inferred_tier: str | None
    brand: Brand | None
    model: str | None
    coalition_brand: bool
    misdeclared: bool
    reasons: tuple[str, ...]

    @property
    def tier(self) -> str | None:
        """The effective CHPL tier: the declared code's, else the inferred one."""
        return self.declared_tier or self.inferred_tier

    @property
    def inferred_hs6(self) -> str | None:
        return self.inferred_hs if self.inferred_hs and len(self.inferred_hs) == 6 else None


def _tier_text(tier: str | None) -> str:
    return f"CHPL tier {tier}" if tier else "not on the CHPL"


def _infer(
    term: TermMatch | None, model: ModelMatch | None
) -> tuple[str | None, str | None]:
    if term is not None:
        hs, tier = term.term.hs, term.term.tier
        # "микросхема STM32F407": the term says 8542, the part number says 854231.
        if model is not None and model.hs and model.hs.startswith(hs) and len(model.hs) > len(hs):
            return model.hs, model.tier or chpl_tier(model.hs) or tier
        return hs, tier
    if model is not None and model.hs:
        return model.hs, model.tier
    return None, None


def _find_brand(
    brand: str | None, manufacturer: str | None, description: str | None,
    part: ModelMatch | None,
) -> Brand | None:
    """Declared brand or manufacturer names first, then the part number, then a brand named
    in the description; short tokens ("TI", "ST") last, as in :func:`brand_of`."""
    declared = (brand, manufacturer)
    for text in declared:
        if found := brand_by_name(text, exact=False):
            return found
    if part is not None:
        return part.brand
    for text in declared:
        if found := brand_by_name(text, exact=True):
            return found
    return brand_by_name(description, exact=True)


def classify_line(
    hs_code: str | int | float | None,
    description: str | None,
    manufacturer: str | None = None,
    brand: str | None = None,
    model: str | None = None,
) -> LineClass:
    reasons: list[str] = []
    hs = normalize_hs(hs_code)
    if hs is None:
        blank = hs_code is None or not str(hs_code).strip()
        reasons.append("no HS code declared" if blank else f"HS code {hs_code!r} is unreadable")
    else:
        known = "" if hs.valid else " (not in HS 2022)"
        reasons.append(f"declared {hs.digits}{known}: {_tier_text(hs.chpl_tier)}")

    matches = find_terms(description)
    term = best_term(matches)
    if term is not None:
        reasons.append(
            f"description term {term.text!r} ({term.term.language}) -> {term.term.hs}, "
            f"{_tier_text(term.term.tier)}"
        )
    part = model_of(model) or model_of(description)
    if part is not None:
        reasons.append(
            f"part number {part.model} ({part.brand.name})"
            + (f" -> {part.hs}, {_tier_text(part.tier)}" if part.hs else "")
        )
    inferred_hs, inferred_tier = _infer(term, part)

    found = _find_brand(brand, manufacturer, description, part)
    if found is not None:
        member = "coalition" if found.coalition else "not coalition"
        reasons.append(f"brand {found.name} ({found.manufacturer}, {found.country}, {member})")

    declared_tier = hs.chpl_tier if hs else None
    misdeclared = False
    if inferred_tier is not None and inferred_hs is not None and declared_tier is None:
        if hs is None or not hs.valid:
            misdeclared = True
        else:
            width = min(len(hs.digits), len(inferred_hs))
            misdeclared = hs.digits[:width] != inferred_hs[:width]
        if misdeclared:
            declared = hs.digits if hs else "no valid code"
            reasons.append(
                f"misdeclared: goods look like {inferred_hs} (CHPL tier {inferred_tier}) "
                f"but declared {declared}"
            )
    elif declared_tier and inferred_tier and declared_tier != inferred_tier:
        reasons.append(
            f"declared tier {declared_tier} but the goods look like tier {inferred_tier}"
        )

    return LineClass(
        hs=hs,
        declared_tier=declared_tier,
        inferred_hs=inferred_hs,
        inferred_tier=inferred_tier,
        brand=found,
        model=part.model if part else (model or None),
        coalition_brand=bool(found and found.coalition),
        misdeclared=misdeclared,
        reasons=tuple(reasons),
    )

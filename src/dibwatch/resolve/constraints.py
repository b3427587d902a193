"""Clustering the model's links into firms under constraints.

Connected components of every link over the threshold let one weak link chain two legal
persons together (two companies at one registered agent's address). Links are taken instead
strongest first (single-linkage with cannot-link constraints), and a link is refused when
it would put into one firm:

- two different registry numbers of the same scheme (USCC, INN, OGRN, HK CR, LEI, …) that
  are valid (a number failing its check digits is a typing slip and constrains nothing):
  two legal persons, whatever else they share;
- mentions an analyst split apart;
- names that do not agree at all, joined only by an address or country: a shared address is
  a network edge between firms, not evidence that they are one.

Analysts' merges are applied last and win over the rules (the analyst may know that a firm
re-registered): the firms holding the two mentions become one. Every link used and every
link refused is kept with its evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dibwatch.model.identifiers import make_identifier
from dibwatch.resolve.normalise import normalise_id

NAMES_DIFFER = "All other comparisons"  # Splink's label of the name comparison's else level
SAME_ID = "Exact match on id_norm"


@dataclass(frozen=True)
class Registration:
    scheme: str
    value: str

    def __str__(self) -> str:
        return f"{self.scheme} {self.value}"


def registration(id_value: str | None) -> Registration | None:
    """The registry number a mention carries, when its scheme is known and the number does
    not fail its check digits."""
    scheme, value = normalise_id(id_value)
    if scheme is None or value is None:
        return None
    ident = make_identifier(scheme, value)
    if ident.valid is False:
        return None
    return Registration(ident.scheme, ident.value)


@dataclass(frozen=True, slots=True)  # tens of millions of them at national scale
class Link:
    """One pair the model scored at or over the threshold, with its evidence: the level each
    comparison reached and the match weight (log2 Bayes factor)."""

    left: int
    right: int
    probability: float
    weight: float
    levels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    link: Link
    reason: str


@dataclass(frozen=True)
class Corrections:
    """Analysts' corrections to firms, as pairs of mention keys (a mention as written, which
    survives re-resolution where firm ids and mention ids do not): ``together`` pairs end in
    one firm, ``apart`` pairs never do."""

    together: tuple[tuple[str, str], ...] = ()
    apart: tuple[tuple[str, str], ...] = ()


@dataclass
class Clustering:
    firm_of: dict[int, int]  # mention -> firm (the smallest mention id of its cluster)
    used: list[Link]
    refused: list[Refusal]
    forced: list[tuple[int, int]]  # analysts' merges applied


class _Components:
    """Union-find over the mentions. Only what the constraints need is kept per component:
    its size, its registry numbers and, when an analyst split mentions apart, its members
    (at 10M lines: 3.35M mentions, where a list of members each cost 0.5 GB)."""

    def __init__(self, mentions: Iterable[int], registrations: Mapping[int, Registration],
                 *, track_members: bool = False) -> None:
        self.parent = {int(m): int(m) for m in mentions}
        self.size: dict[int, int] = {}  # roots of more than one mention
        self.members: dict[int, list[int]] | None = \
            {m: [m] for m in self.parent} if track_members else None
        self.regs: dict[int, dict[str, str]] = {
            m: {r.scheme: r.value} for m, r in registrations.items() if m in self.parent}

    def find(self, m: int) -> int:
        root = m
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[m] != root:
            self.parent[m], m = root, self.parent[m]
        return root

    def conflict(self, a: int, b: int) -> str | None:
        left, right = self.regs.get(a, {}), self.regs.get(b, {})
        for scheme, value in left.items():
            other = right.get(scheme)
            if other is not None and other != value:
                return f"different {scheme} numbers: {value} and {other}"
        return None

    def union(self, a: int, b: int) -> None:
        size_a, size_b = self.size.get(a, 1), self.size.get(b, 1)
        if size_a < size_b:
            a, b = b, a
        self.parent[b] = a
        self.size[a] = size_a + size_b
        self.size.pop(b, None)
        if self.members is not None:
            self.members[a] += self.members.pop(b)
        merged = self.regs.pop(b, {})
        if merged:
            self.regs.setdefault(a, {}).update({k: v for k, v in merged.items()
                                                if k not in self.regs[a]})

    def firms(self) -> dict[int, int]:
        """Mention -> firm: the smallest mention id of its component."""
        smallest: dict[int, int] = {}
        roots = [self.find(m) for m in self.parent]
        for m, root in zip(self.parent, roots, strict=True):
            if m < smallest.get(root, m + 1):
                smallest[root] = m
        return {m: smallest[root] for m, root in zip(self.parent, roots, strict=True)}


def cluster(mentions: Iterable[int], links: Iterable[Link], *,
            registrations: Mapping[int, Registration],
            keys: Mapping[int, str] | None = None,
            corrections: Corrections | None = None, ordered: bool = False) -> Clustering:
    """Firms from ``links`` under the constraints in the module docstring. ``ordered``: the
    links already come strongest first (probability down, then left, right), so they are
    consumed as they come and never all held at once."""
    corrections = corrections or Corrections()
    comps = _Components(mentions, registrations, track_members=bool(corrections.apart))
    by_key: dict[str, list[int]] = {}
    if corrections.apart or corrections.together:  # else 3.35M keys held for nothing
        for mention, key in (keys or {}).items():
            by_key.setdefault(key, []).append(mention)
    apart: dict[int, set[int]] = {}
    for a, b in corrections.apart:
        for x in by_key.get(a, ()):
            for y in by_key.get(b, ()):
                apart.setdefault(x, set()).add(y)
                apart.setdefault(y, set()).add(x)
    def kept_apart(ra: int, rb: int) -> bool:
        if not apart or comps.members is None:
            return False
        members = comps.members
        small, large = sorted((ra, rb), key=lambda r: len(members[r]))
        others = set(members[large])
        return any(apart.get(m, set()) & others for m in members[small])

    used: list[Link] = []
    refused: list[Refusal] = []
    for link in links if ordered else sorted(links, key=lambda k: (-k.probability, k.left,
                                                                    k.right)):
        ra, rb = comps.find(link.left), comps.find(link.right)
        if ra == rb:
            continue
        reason = comps.conflict(ra, rb)
        if reason is None and kept_apart(ra, rb):
            reason = "an analyst split these mentions apart"
        if reason is None and link.levels.get("norm_name") == NAMES_DIFFER \
                and link.levels.get("id_norm") != SAME_ID:
            reason = "the names differ: a shared address or country is a network edge"
        if reason is not None:
            refused.append(Refusal(link, reason))
            continue
        comps.union(ra, rb)
        used.append(link)
    # Merges last, whatever the links and registry numbers say: the analyst saw both firms
    # (as the mentions they hold) and decided they are one.
    forced: list[tuple[int, int]] = []
    for a, b in corrections.together:
        for x in by_key.get(a, ()):
            for y in by_key.get(b, ()):
                ra, rb = comps.find(x), comps.find(y)
                if ra != rb:
                    comps.union(ra, rb)
                    forced.append((x, y))
    return Clustering(comps.firms(), used, refused, forced)

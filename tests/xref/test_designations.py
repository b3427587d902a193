"""Designation dates: the list's own date first, else the snapshot window; delistings from
complete snapshots only, or from the list's own end date."""

from __future__ import annotations

from datetime import date

from dibwatch.model.entity import Sanction
from dibwatch.xref.designations import designations_of, listings
from dibwatch.xref.universe import Member, SnapshotView
from tests.xref.helpers import entity

TODAY = date(2026, 12, 1)
# Four snapshots of one source: two complete ones a month apart, a partial sample, a later
# complete one.
HISTORY = [
    SnapshotView(1, "src", 1000, "2024-01-31", "published", False, 0),
    SnapshotView(2, "src", 1010, "2024-02-29", "published", False, 1),
    SnapshotView(3, "src", 40, "2024-06-30", "published", True, 2),
    SnapshotView(4, "src", 1030, "2025-03-31", "published", False, 3),
]
UNDATED = Sanction("US OFAC", "RUSSIA-EO14024", "SDN List")


def _member(snapshots: tuple[int, ...], *sanctions: Sanction) -> Member:
    e = entity("src-1", "Firm", sanctions=sanctions or (UNDATED,))
    return Member(e, snapshots[-1], e.content_hash(), snapshots)


def test_the_lists_own_date_wins() -> None:
    listed = Sanction("EU", "833/2014 Annex IV", "Annex IV", listing_date="2023-06-23")
    [d] = designations_of(_member((2, 4), listed), HISTORY, TODAY)
    assert (d.listed_on, d.date_basis, d.month, d.listed_now) == ("2023-06-23", "list",
                                                                  "2023-06", True)


def test_first_seen_between_two_complete_snapshots() -> None:
    [d] = designations_of(_member((2, 3, 4)), HISTORY, TODAY)
    assert (d.listed_on, d.listed_after, d.listed_by) == (None, "2024-01-31", "2024-02-29")
    assert d.month == "2024-02" and d.date == "2024-02-29"


def test_in_the_first_snapshot_means_listed_before_it() -> None:
    [d] = designations_of(_member((1, 2, 4)), HISTORY, TODAY)
    assert (d.listed_after, d.listed_by, d.month, d.date) == (None, "2024-01-31", None, None)


def test_a_wide_window_gives_no_month() -> None:
    # First seen in snapshot 4; the last complete one before it is snapshot 2, 13 months
    # earlier (the partial sample in between does not count either way).
    [d] = designations_of(_member((4,)), HISTORY, TODAY)
    assert (d.listed_after, d.listed_by, d.month) == ("2024-02-29", "2025-03-31", None)


def test_missing_from_a_partial_snapshot_is_not_a_delisting() -> None:
    [d] = designations_of(_member((1, 2, 4)), HISTORY, TODAY)
    assert d.listed_now


def test_missing_from_a_later_complete_snapshot_is_a_delisting() -> None:
    [d] = designations_of(_member((1, 2)), HISTORY, TODAY)
    assert not d.listed_now
    assert (d.delisted_after, d.delisted_by, d.delisted_basis) == ("2024-02-29", "2025-03-31",
                                                                   "snapshots")


def test_an_order_past_its_end_date_ended() -> None:
    order = Sanction("US BIS", None, "Denied Persons List", listing_date="2023-10-31",
                     end_date="2024-10-30")
    [d] = designations_of(_member((1, 2, 4), order), HISTORY, TODAY)
    assert (d.listed_now, d.delisted_on, d.delisted_basis) == (False, "2024-10-30",
                                                               "list end date")
    renewed = Sanction("US BIS", None, "Denied Persons List", listing_date="2024-10-30",
                       end_date="2027-10-30")
    [d] = designations_of(_member((1, 2, 4), order, renewed), HISTORY, TODAY)
    assert d.listed_now and d.listed_on == "2023-10-31"


def test_a_party_counts_once_per_body_at_its_earliest_list_date() -> None:
    early = Sanction("EU", "269/2014 Annex I", "Annex I", listing_date="2022-12-16")
    late = Sanction("EU", "833/2014 Annex IV", "Annex IV", listing_date="2024-02-23")
    a = _member((4,), late)
    b = _member((4,), early)
    b.entity.id = "src-2"
    ds = designations_of(a, HISTORY, TODAY) + designations_of(b, HISTORY, TODAY)
    [row] = listings(ds, {"src-1": "x1", "src-2": "x1"})
    assert (row.body.body, row.first_listed, row.month) == ("EU", "2022-12-16", "2022-12")
    assert row.lists == ("EU 269/2014 Annex I", "EU 833/2014 Annex IV")
    assert row.families == ("russia",)

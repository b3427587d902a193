"""Screening: match any party against all loaded lists, with explained scores.

Public surface: :class:`DibwatchV1` (the default algorithm), :func:`compare_names`,
:class:`Query`, :class:`Match`.
"""

from dibwatch.match.algorithm import (
    Algorithm,
    Candidate,
    CandidateName,
    DibwatchV1,
    Feature,
    Match,
    Query,
    compare_names,
)

__all__ = ["Algorithm", "Candidate", "CandidateName", "DibwatchV1", "Feature", "Match",
           "Query", "compare_names"]

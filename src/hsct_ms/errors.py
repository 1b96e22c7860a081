"""The one exception an analysis raises when a valid cohort cannot give a result.

A chapter that cannot compute something on a user's cohort (too few patients in a
group, no event in a period the analysis needs) raises :class:`CannotCompute`. The
build driver turns it into one message naming the chapter, what could not be
computed, why, and what the user can do, instead of a stack trace; the strict build
still fails. Rules a file can be checked against before any chapter runs belong in the
validator (:mod:`hsct_ms.inputs.cohort_validation`), not here.
"""

from __future__ import annotations


class CannotCompute(ValueError):
    """A valid cohort on which one analysis cannot give a result.

    ``what``: the result that could not be computed ("the tipping-point table");
    ``why``: the reason in the cohort's terms; ``remedy``: what the user can do.
    """

    def __init__(self, what: str, why: str, remedy: str):
        self.what, self.why, self.remedy = what, why, remedy
        super().__init__(f"cannot compute {what}: {why}. {remedy}")

"""Tests of hsct_ms.chapter.context: what every chapter starts from.

Oracle: data/cohort.csv (the shipped reconstruction, 210 patients) and a copy of it,
which is a user's file as far as the book can tell."""

import shutil

from hsct_ms import chapter, terms
from hsct_ms.display import disclosure
from hsct_ms.paths import SHIPPED_COHORT


def test_shipped_cohort_context(monkeypatch):
    monkeypatch.delenv("COHORT_CSV", raising=False)
    ctx = chapter.context()
    assert ctx.is_shipped and ctx.cohort.n_patients == 210 == len(ctx.patients)
    assert ctx.min_count == 0 and ctx.count(3) == "3"
    assert list(ctx.groups) == list(terms.SURVIVAL_GROUPS)
    assert ctx.verb == terms.comparison_verb(True)
    # What no published number pins down is shown over the ensemble's members.
    assert len(ctx.members) >= 50 and ctx.ensemble_note.strip().startswith("Cells computed")
    low, high = ctx.cutoff_range
    assert 2020.0 <= low < high <= 2020.9


def test_a_user_file_withholds_small_counts(monkeypatch, tmp_path):
    copy = tmp_path / "registry.csv"
    shutil.copy(SHIPPED_COHORT, copy)
    monkeypatch.setenv("COHORT_CSV", str(copy))
    ctx = chapter.context()
    assert not ctx.is_shipped and ctx.cohort.file_name == "registry.csv"
    assert ctx.min_count == disclosure.DEFAULT_MIN_COUNT
    assert ctx.count(3) == "<5" and ctx.count(12) == "12"
    assert ctx.verb == "compares with"
    assert ctx.members is None and ctx.cutoff_range is None and ctx.ensemble_note == ""

"""Tests of hsct_ms.stats.proportions. Oracle: R ``binom.test`` (tests/fixtures/r/binom.csv)."""

from __future__ import annotations

import pytest
from r_fixtures import fixture

from hsct_ms import stats as sv

def test_clopper_pearson_against_r():
    # Oracle: R binom.test(k, n, conf.level = level)$conf.int (fixtures/r/binom.csv).
    for row in fixture("binom.csv").itertuples():
        lower, upper = sv.clopper_pearson(row.k, row.n, row.level)
        assert lower == pytest.approx(row.lower, abs=1e-9)
        assert upper == pytest.approx(row.upper, abs=1e-9)


def test_clopper_pearson_rejects_impossible_counts():
    with pytest.raises(ValueError, match="0 <= k <= n"):
        sv.clopper_pearson(3, 2)
    with pytest.raises(ValueError, match="level"):
        sv.clopper_pearson(1, 2, level=95)
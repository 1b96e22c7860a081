"""Small-count suppression for a user's cohort (hsct_ms.display.disclosure).

Oracle: hand-made counts and step tables, and the rule stated in the module: counts
from 1 to the threshold minus one are not shown; 0 and larger counts are.
"""

import pandas as pd
import pytest

from hsct_ms.display import disclosure


def test_small_counts_read_below_the_threshold():
    assert [disclosure.show_count(n, 5) for n in (0, 1, 4, 5, 120)] == ["0", "<5", "<5", "5", "120"]
    assert disclosure.show_count(3, 0) == "3"  # the shipped reconstruction: nothing hidden
    assert not disclosure.is_small(pd.NA, 5)


def test_threshold_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(disclosure.ENV_VARIABLE, raising=False)
    assert disclosure.threshold_for(is_shipped=False) == 5
    assert disclosure.threshold_for(is_shipped=True) == 0
    monkeypatch.setenv(disclosure.ENV_VARIABLE, "10")
    assert disclosure.threshold_for(is_shipped=False) == 10
    monkeypatch.setenv(disclosure.ENV_VARIABLE, "ten")
    with pytest.raises(ValueError, match="HSCT_MS_MIN_COUNT"):
        disclosure.min_count()


def test_curves_stop_before_few_remain_at_risk():
    # With threshold 5 the curve keeps the steps up to, not including, the first one
    # with 4 at risk (later steps too, even with more at risk); threshold 0 keeps all.
    steps = pd.DataFrame({"time": [0.0, 1.0, 2.0, 3.0, 4.0], "at_risk": [9, 7, 5, 4, 6]})
    assert disclosure.cut_where_few_at_risk(steps, 5)["time"].tolist() == [0.0, 1.0, 2.0]
    assert disclosure.cut_where_few_at_risk(steps, 0).equals(steps)

"""Tests of the medians: hsct_ms.stats.kaplan_meier.km_median and
hsct_ms.stats.follow_up.reverse_km_median_followup.

Oracles: the 5-patient example worked by hand (r_fixtures.py) and R survival 3.5-3
(tests/fixtures/r/median.csv).
"""

from __future__ import annotations

import math

import pytest
from r_fixtures import FIVE_E, FIVE_T, assert_close_with_nan, dataset, fixture

from hsct_ms import stats as sv

def test_median_and_reverse_km_hand_computed_five_patients():
    # Oracle: the hand computation in r_fixtures.py.
    median = sv.km_median(FIVE_T, FIVE_E)
    assert median["median"] == 5.0
    assert median["lower"] == 2.0
    assert math.isnan(median["upper"])
    followup = sv.reverse_km_median_followup(FIVE_T, 1 - FIVE_E)
    # died = 1 - event here, so 1 - died = the original events: forward median 5.
    assert followup["median"] == 5.0
    followup = sv.reverse_km_median_followup(FIVE_T, FIVE_E)
    assert math.isnan(followup["median"])

@pytest.mark.parametrize("name", ["five", "aml", "aml_maintained", "aml_nonmaintained", "lung"])
def test_medians_against_r(name):
    # Oracle: R summary(survfit(Surv(time, status) ~ 1, conf.type = "plain"))$table
    # [c("median", "0.95LCL", "0.95UCL")] and the same with Surv(time, 1 - status)
    # for the reverse Kaplan-Meier (fixtures/r/median.csv). NA -> NaN.
    expected = fixture("median.csv").query("dataset == @name").set_index("direction")
    data = dataset(name)
    forward = sv.km_median(data["time"], data["status"])
    reverse = sv.reverse_km_median_followup(data["time"], data["status"])  # died = status
    for got, direction in [(forward, "forward"), (reverse, "reverse")]:
        row = expected.loc[direction]
        assert_close_with_nan(
            [got["median"], got["lower"], got["upper"]], [row["median"], row["lower"], row["upper"]]
        )


def test_invalid_died_raises():
    with pytest.raises(ValueError, match="died"):
        sv.reverse_km_median_followup(FIVE_T, [0, 1, 2, 0, 0])
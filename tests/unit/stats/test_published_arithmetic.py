"""Arithmetic on published numbers. Oracles: hand computation (written out in each test)
and invariances."""

import math

import pytest

from hsct_ms.stats import published_arithmetic as pa


def test_se_from_interval_by_hand():
    # (94.1 - 76.9) / (2 * 1.959964) = 17.2 / 3.919928 = 4.387836
    assert pa.se_from_interval(76.9, 94.1) == pytest.approx(4.387836, abs=1e-6)
    with pytest.raises(ValueError):
        pa.se_from_interval(2.0, 1.0)


def test_difference_by_hand_rrms_minus_progressive_at_5_years():
    # se_a = 17.2 / 3.919928 = 4.387836; se_b = 23.2 / 3.919928 = 5.918476
    # se = sqrt(4.387836^2 + 5.918476^2) = sqrt(19.25311 + 35.02836) = 7.367596
    # z = 14.5 / 7.367596 = 1.968078; p = 2 * (1 - Phi(1.968078)) = 0.049057
    out = pa.difference_from_intervals(85.5, 76.9, 94.1, 71.0, 59.4, 82.6)
    assert out["difference"] == pytest.approx(14.5)
    assert out["se"] == pytest.approx(7.367596, abs=1e-5)
    assert out["z_statistic"] == pytest.approx(1.968078, abs=1e-5)
    assert out["p"] == pytest.approx(0.049057, abs=1e-5)
    assert out["lower"] == pytest.approx(14.5 - 1.959964 * 7.367596, abs=1e-4)


def test_difference_is_antisymmetric():
    ab = pa.difference_from_intervals(0.7, 0.6, 0.8, 0.5, 0.3, 0.7)
    ba = pa.difference_from_intervals(0.5, 0.3, 0.7, 0.7, 0.6, 0.8)
    assert ab["difference"] == pytest.approx(-ba["difference"])
    assert ab["p"] == pytest.approx(ba["p"])
    assert ab["lower"] == pytest.approx(-ba["upper"])


def test_conditional_survival_and_average_hazard_by_hand():
    # 0.713 / 0.855 = 0.833918; -ln(0.833918) / 5 = 0.036325
    assert pa.conditional_survival(0.855, 0.713) == pytest.approx(0.833918, abs=1e-6)
    assert pa.average_hazard(0.855, 0.713, 5) == pytest.approx(0.036325, abs=1e-6)
    # from 1 to exp(-0.5) over 5 years: hazard 0.1 per year
    assert pa.average_hazard(1.0, math.exp(-0.5), 5) == pytest.approx(0.1)
    with pytest.raises(ValueError):
        pa.conditional_survival(0.5, 0.6)


def test_rmst_bounds_by_hand():
    # lower 5 * 0.855 + 5 * 0.713 = 7.84; upper 5 * 1 + 5 * 0.855 = 9.275
    assert pa.rmst_bounds([5, 10], [0.855, 0.713], 10) == pytest.approx((7.84, 9.275))
    # a flat curve at 1 leaves no room: both bounds are tau
    assert pa.rmst_bounds([5, 10], [1.0, 1.0], 10) == pytest.approx((10.0, 10.0))
    with pytest.raises(ValueError):
        pa.rmst_bounds([5, 10], [0.7, 0.8], 10)


def test_difference_bounds_and_sign():
    # RRMS (7.84, 9.275), progressive 5 * 0.71 + 5 * 0.572 = 6.41 to 5 + 3.55 = 8.55
    rrms = pa.rmst_bounds([5, 10], [0.855, 0.713], 10)
    prog = pa.rmst_bounds([5, 10], [0.71, 0.572], 10)
    out = pa.difference_bounds(rrms, prog)
    assert out["lower"] == pytest.approx(7.84 - 8.55)
    assert out["upper"] == pytest.approx(9.275 - 6.41)
    assert out["sign_determined"] is False
    assert pa.difference_bounds((5.0, 6.0), (3.0, 4.5))["sign_determined"] is True

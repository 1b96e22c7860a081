"""Tests of hsct_ms.display.stored: numbers kept at a fixed precision in the record.

Oracle: the decimal expansions written out by hand below."""

import math

import numpy as np
import pytest

from hsct_ms.display.stored import SIGNIFICANT_DIGITS, stored


def test_last_bit_noise_is_removed():
    # The two doubles of issue 8: one machine stored ...393, another recomputed ...395.
    assert stored(1.7133113831108393) == stored(1.7133113831108395) == 1.71331


def test_a_change_a_reader_could_see_is_kept():
    # A change in the fourth significant digit (what a page could show) survives rounding.
    assert stored(1.7133) != stored(1.7143)
    assert stored(0.054321) == 0.054321


@pytest.mark.parametrize("value, expected", [
    (np.float64(0.12345678), 0.123457),
    (123456789.0, 123457000.0),
    (-2.0000004, -2.0),
    (1e-12 / 3, 3.33333e-13),
])
def test_significant_digits(value, expected):
    assert SIGNIFICANT_DIGITS == 6
    assert stored(value) == expected


def test_integers_text_and_specials_pass_unchanged():
    assert stored(np.int64(7)) == 7 and type(stored(np.int64(7))) is int
    assert stored(True) is True
    assert stored("85.5%") == "85.5%"
    assert stored(0.0) == 0.0
    assert math.isnan(stored(float("nan")))
    assert stored(float("inf")) == float("inf")


def test_nested_structures_are_rounded():
    spec = {"datasets": {"d": [{"time": 1 / 3, "n": 3, "group": "RRMS"}]}, "width": 600}
    assert stored(spec) == {"datasets": {"d": [{"time": 0.333333, "n": 3, "group": "RRMS"}]}, "width": 600}
    assert stored((0.1 + 0.2, 2)) == (0.3, 2)


def test_chart_datasets_are_named_by_their_stored_values():
    # Two specs whose data differ only in the last bits: Altair names their datasets
    # differently; the stored spec must be the same.
    from hsct_ms.display.charts import stored_spec

    def spec(value):
        name = f"data-{hash(value)}"
        return {"data": {"name": name}, "datasets": {name: [{"survival": value}]}, "mark": "line"}

    a, b = stored_spec(spec(0.8573327514000001)), stored_spec(spec(0.8573327514000002))
    assert a == b
    (name,) = a["datasets"]
    assert a["data"]["name"] == name and a["datasets"][name] == [{"survival": 0.857333}]

"""The disability charts' layouts (display/disability_charts.py)."""

import re

import pandas as pd

from hsct_ms import terms
from hsct_ms.display import charts
from hsct_ms.display import disability_charts as figures
from hsct_ms.stats.disability import SENSITIVITY_RULES


def _sensitivity_frame() -> pd.DataFrame:
    rows = []
    for rule in SENSITIVITY_RULES:
        for group in terms.COMPARED_GROUPS:
            for year in (5.0, 10.0):
                rows.append((rule.label, rule.confirmation_months, rule.baseline, group, year,
                             0.8, 0.7, 0.9, 40))
    return pd.DataFrame(rows, columns=["rule", "confirmation_months", "baseline", "group", "year",
                                       "survival", "lower", "upper", "at_risk"])


def test_sensitivity_chart_has_a_phone_layout_on_the_same_data():
    frame = _sensitivity_frame()
    spec = charts.figure(figures.sensitivity_chart(frame), "alt").spec
    narrow = spec["usermeta"][charts.NARROW_LAYOUT_KEY]
    # Laptop: the years side by side; phone: one above the other.
    assert "column" in spec["facet"] and "row" in narrow["facet"]
    # The phone names each definition short, one name per rule, in the rules' order.
    shorts = narrow["spec"]["layer"][0]["encoding"]["y"]["sort"]
    assert shorts == ["3 mo, fixed", "6 mo, fixed", "12 mo, fixed", "3 mo, roving", "6 mo, roving", "12 mo, roving"]
    assert shorts == [r.short_label for r in SENSITIVITY_RULES]
    assert max(len(s) for s in shorts) < min(len(r.label) for r in SENSITIVITY_RULES)
    # Both layouts draw one dataset, published (and counted) once.
    assert "datasets" not in narrow
    used = set(re.findall(r"data-[0-9a-f]{32}", str(narrow)))
    assert used and used <= set(spec["datasets"])
    assert sum(len(v) for v in spec["datasets"].values()) == len(frame)

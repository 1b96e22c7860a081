"""Tests of hsct_ms.stats.disability.

Oracle: pymsprog's own toy data (shipped with the package), run through our visits
input and derivation, against ``pymsprog.MSprog`` called directly on the same data with
the rule's recorded keyword arguments; and hand-made trajectories whose events are
worked out from the rule by hand.
"""

import dataclasses
import io
import sys

import numpy as np
import pandas as pd
import pymsprog
import pytest

from hsct_ms.inputs.visits import read_relapses, read_visits
from hsct_ms.stats import disability
from hsct_ms.stats.disability import DEFAULT_RULE, SENSITIVITY_RULES, DisabilityRule, derive_endpoints


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv(disability.CACHE_VARIABLE, str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """pymsprog's toy visits and relapses as a cohort, a visits file and a relapses file."""
    visits, relapses = pymsprog.load_toy_data()
    visits["id"] = visits["id"].astype(str)
    relapses["id"] = relapses["id"].astype(str)
    first = visits.sort_values("visit_day").groupby("id").first()
    cohort = pd.DataFrame({"patient_id": first.index.astype(str), "baseline_edss": first["EDSS"].to_numpy()})
    d = tmp_path_factory.mktemp("toy")
    vfile = d / "visits.csv"
    pd.DataFrame({"patient_id": visits["id"], "years_since_transplant": visits["visit_day"] / 365.25,
                  "edss": visits["EDSS"]}).to_csv(vfile, index=False)
    rfile = d / "relapses.csv"
    pd.DataFrame({"patient_id": relapses["id"],
                  "years_since_transplant": relapses["visit_day"] / 365.25}).to_csv(rfile, index=False)
    return visits, relapses, cohort, read_visits(vfile, cohort), read_relapses(rfile, cohort)


def direct(visits, relapses, rule, event):
    """pymsprog.MSprog called directly on the toy data with the rule's recorded settings."""
    kwargs = rule.msprog_kwargs(event)
    r = None if relapses is None else relapses.rename(columns={"visit_day": "day"})[["id", "day"]]
    v = visits.rename(columns={"visit_day": "day"})[["id", "day", "EDSS"]]
    _, results = pymsprog.MSprog(v, "id", "EDSS", "day", relapse=r, **kwargs)
    return results.assign(id=results["id"].astype(str)).set_index("id")


@pytest.mark.parametrize("rule", SENSITIVITY_RULES, ids=lambda r: r.label)
@pytest.mark.parametrize("with_relapses", [False, True])
def test_toy_data_events_equal_msprog_called_directly(toy, rule, with_relapses):
    visits, relapses, cohort, our_visits, our_relapses = toy
    derived = derive_endpoints(our_visits, cohort, rule, our_relapses if with_relapses else None,
                               processes=1).set_index("patient_id")
    for event, flag, time in (("firstCDW", "worsening", "dwfs_years"),
                              ("firstCDI", "improvement", "improvement_years")):
        ref = direct(visits, relapses if with_relapses else None, rule, event)
        kind = event[-3:]
        assert derived[flag].to_dict() == (ref["event_type"] == kind).astype(int).to_dict()
        np.testing.assert_allclose(derived[time].reindex(ref.index) * 365.25, ref["time2event"], atol=1e-6)


def test_toy_data_has_both_kinds_of_event(toy):
    # The comparison above must not be vacuous.
    _, _, cohort, v, _ = toy
    derived = derive_endpoints(v, cohort, processes=1)
    assert 0 < derived["worsening"].sum() < len(derived)
    assert derived["improvement"].sum() > 0


def test_parallel_equals_serial_and_rule_is_recorded(toy, monkeypatch):
    _, _, cohort, v, _ = toy
    monkeypatch.setattr(disability, "MIN_PARALLEL_PATIENTS", 1)  # the toy data has 7 patients
    serial = derive_endpoints(v, cohort, processes=1, use_cache=False)
    parallel = derive_endpoints(v, cohort, processes=2, use_cache=False)
    pd.testing.assert_frame_equal(serial, parallel)
    assert parallel.attrs["rule"] == DEFAULT_RULE.record()
    assert parallel.attrs["rule"]["confirmation_days"] == 183


def test_cache_is_used_for_the_same_input_and_not_for_another_rule(toy, monkeypatch):
    _, _, cohort, v, _ = toy
    first = derive_endpoints(v, cohort, content_hash="abc", processes=1)
    calls = []
    monkeypatch.setattr(disability, "_derive_chunk", lambda task: calls.append(task) or pytest.fail("derived again"))
    again = derive_endpoints(v, cohort, content_hash="abc", processes=1)
    pd.testing.assert_frame_equal(first, again)
    monkeypatch.undo()
    other = derive_endpoints(v, cohort, dataclasses.replace(DEFAULT_RULE, confirmation_months=12),
                             content_hash="abc", processes=1)
    assert len(other) == len(first)


def hand_cohort():
    cohort = pd.DataFrame({"patient_id": ["A", "B", "C", "D"], "baseline_edss": [3.0, 6.0, 2.0, 5.5]})
    rows = [
        # A: 3.0 -> 4.0 at 1 y, held at 1.5 and 2 y: worsening +1.0 confirmed at 6 months, onset 1 y.
        ("A", 0.5, 3.0), ("A", 1.0, 4.0), ("A", 1.5, 4.0), ("A", 2.0, 4.0),
        # B: 6.0 -> 6.5 at 0.5 y, but back to 6.0 at 1 y: not confirmed; censored at 2 y.
        ("B", 0.5, 6.5), ("B", 1.0, 6.0), ("B", 2.0, 6.0),
        # C: improves 2.0 -> 1.0 at 1 y and stays: confirmed improvement, onset 1 y.
        ("C", 1.0, 1.0), ("C", 1.5, 1.0), ("C", 3.0, 1.0),
        # D: 5.5 -> 6.0 (+0.5, below the +1.0 needed from 5.5), held: no worsening.
        ("D", 0.5, 6.0), ("D", 1.0, 6.0), ("D", 2.0, 6.0),
    ]
    visits = pd.DataFrame(rows, columns=["patient_id", "years_since_transplant", "edss"])
    return cohort, visits


def test_hand_worked_trajectories():
    cohort, visits = hand_cohort()
    out = derive_endpoints(visits, cohort, processes=1, use_cache=False).set_index("patient_id")
    assert out["worsening"].to_dict() == {"A": 1, "B": 0, "C": 0, "D": 0}
    assert out["dwfs_years"].to_dict() == pytest.approx({"A": 1.0, "B": 2.0, "C": 3.0, "D": 2.0})
    assert out["improvement"].to_dict() == {"A": 0, "B": 0, "C": 1, "D": 0}
    assert out.loc["C", "improvement_years"] == pytest.approx(1.0)


def test_threshold_settings_change_the_result():
    cohort, visits = hand_cohort()
    lower = dataclasses.replace(DEFAULT_RULE, threshold=disability.EdssThreshold(cutoff=5.0))
    out = derive_endpoints(visits, cohort, lower, processes=1, use_cache=False).set_index("patient_id")
    assert out.loc["D", "worsening"] == 1  # from 5.5 the step is +0.5 when the cutoff is 5.0


def test_rule_table_lists_every_setting():
    table = DEFAULT_RULE.table()
    assert list(table.columns) == ["setting", "value", "meaning"]
    text = " ".join(table["value"])
    assert "fixed" in text and "6 months" in text and "+1" in text and "+0.5" in text and "730.5" in text
    assert DEFAULT_RULE.threshold(5.5) == 1.0 and DEFAULT_RULE.threshold(6.0) == 0.5
    assert DEFAULT_RULE.threshold(0) == 1.5


def test_progress_bar_only_on_a_terminal(monkeypatch):
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buffer)
    cohort, visits = hand_cohort()
    derive_endpoints(visits, cohort, processes=1, use_cache=False)
    assert buffer.getvalue() == ""

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    derive_endpoints(visits, cohort, processes=1, use_cache=False)
    assert "4/4 patients" in tty.getvalue()

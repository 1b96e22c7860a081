"""Tests of hsct_ms.reconstruction.visits and the shipped data/visits.csv.

Oracles: the shipped cohort's own dwfs_years/worsening (the visits must reproduce them
under the default rule, to the visit); the published RRMS EDSS change interval
(data/published/values.csv); the committed files themselves (regeneration is
byte-identical).
"""

import re

import pytest

from hsct_ms.inputs import published
from hsct_ms.inputs.visits import SHIPPED_VISITS, load_visits
from hsct_ms.reconstruction import visits as reconstruction
from hsct_ms.stats import disability
from hsct_ms.stats.disability import derive_endpoints
from hsct_ms.stats.edss_change import annualised_change, with_baseline


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv(disability.CACHE_VARIABLE, str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def shipped_visits(shipped):
    mp = pytest.MonkeyPatch()
    mp.delenv("VISITS_CSV", raising=False)
    mp.delenv("RELAPSES_CSV", raising=False)
    try:
        yield load_visits(shipped)
    finally:
        mp.undo()


def test_regeneration_is_byte_identical(shipped):
    assert reconstruction.visits_text(reconstruction.generate_visits(shipped)) == \
        SHIPPED_VISITS.read_text(encoding="utf-8")
    assert reconstruction.assumptions_text() == \
        reconstruction.ASSUMPTIONS_PATH.read_text(encoding="utf-8")


def test_shipped_visits_are_valid_and_the_default_for_the_shipped_cohort(shipped, shipped_visits):
    assert shipped_visits is not None and shipped_visits.is_shipped
    assert shipped_visits.path == SHIPPED_VISITS
    assert set(shipped_visits.visits["patient_id"]) == set(shipped["patient_id"])


def test_derived_endpoint_equals_the_shipped_cohort_to_the_visit(shipped, shipped_visits):
    derived = derive_endpoints(shipped_visits.visits, shipped, processes=2).set_index("patient_id")
    cohort = shipped.set_index("patient_id")
    assert (derived["worsening"] == cohort["worsening"]).all()
    assert (derived["dwfs_years"] - cohort["dwfs_years"]).abs().max() < 1e-9
    assert derived["worsening"].sum() == 41  # not vacuous: the shipped cohort's 41 worsenings


def test_rrms_slope_is_inside_the_published_interval(shipped, shipped_visits):
    rrms = set(shipped.loc[shipped["subtype"] == "RRMS", "patient_id"])
    visits = shipped_visits.visits
    fit = annualised_change(with_baseline(visits[visits["patient_id"].isin(rrms)], shipped))
    lower = published.value("boffa2021_edss_change_rate_rrms_ci_lower")
    upper = published.value("boffa2021_edss_change_rate_rrms_ci_upper")
    assert fit.converged
    assert lower <= fit.slope <= upper


def test_every_assumption_carries_a_tier_mark():
    marks = {a[2] for a in reconstruction.ASSUMPTIONS}
    assert marks == {"assumed", "matched by construction"}
    assert all(len(a) == 4 and all(a) for a in reconstruction.ASSUMPTIONS)


def test_no_visit_before_transplant_and_valid_steps(shipped_visits):
    v = shipped_visits.visits
    assert (v["years_since_transplant"] > 0).all()
    assert set(v["edss"]) <= {0.0} | {k / 2 for k in range(2, 21)}


def test_visits_for_a_synthetic_cohort_reproduce_its_endpoint(tmp_path):
    # The same construction serves benchmarks and the privacy canary: times with 6 decimals.
    from hsct_ms.inputs.cohort import load_cohort
    from hsct_ms.reconstruction import synthetic

    synthetic.write_cohort(synthetic.resampled_cohort(40, seed=3, time_decimals=6), tmp_path / "c.csv")
    cohort = load_cohort(tmp_path / "c.csv")
    reconstruction.write_visits_for(cohort, tmp_path / "v.csv", time_decimals=6)
    data = load_visits(cohort, tmp_path / "v.csv")
    assert re.search(r"^SYN\w+,\d+\.\d{6},\d+\.\d$", (tmp_path / "v.csv").read_text(), re.M)
    derived = derive_endpoints(data.visits, cohort, processes=1).set_index("patient_id")
    file = cohort.set_index("patient_id")
    assert (derived["worsening"] == file["worsening"]).all() and file["worsening"].sum() > 0
    # Days are rounded to 1e-6 before pymsprog (see msprog_input): about 1e-9 years.
    assert (derived["dwfs_years"] - file["dwfs_years"]).abs().max() < 1e-8

"""Live check of the outcomes chapter's sensitivity analyses against R.

Oracle: R's survival package, run now by ``Rscript tests/r_oracle/r/outcomes_oracle.R <csv>``
(the R calls are written in that script): the composite outcome (worsening or death)
by ``survfit(conf.type = "plain")`` and the Aalen-Johansen cumulative incidence of
worsening with death competing by ``survfit(Surv(time, factor(status, 0:2)) ~ 1)``, at 5
and 10 years, for all patients, RRMS and progressive MS, and DWFS by transplant era at 5
years (survfit, conf.type = "plain"). The chapter shows these values
to 0.1 percentage point; the tolerance here (1e-9) is far tighter, since both sides
compute the same closed forms.

Two cohorts are checked: the shipped one (or ``$COHORT_CSV``) and a synthetic cohort
with times on a monthly grid, so that worsenings, deaths and censorings tie (the case
where lifelines would jitter). R is a test requirement: without Rscript these tests fail.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from r_scripts import R_DIR, oracle_cohort_path, run_r_script

from hsct_ms import terms
from hsct_ms.analysis import outcomes_sensitivity as sensitivity

ORACLE_SCRIPT = R_DIR / "outcomes_oracle.R"
TOLERANCE = 1e-9
R_GROUP = {terms.ALL: "all", terms.RRMS: "rrms", terms.PROGRESSIVE: "progressive"}


def run_r_oracle(cohort_csv: Path) -> dict[str, float]:
    return run_r_script(ORACLE_SCRIPT, cohort_csv)


def tied_cohort(seed: int = 20211209, n: int = 240) -> pd.DataFrame:
    """Monthly times, 8% deaths (a death without worsening ends follow-up there)."""
    rng = np.random.default_rng(seed)
    subtype = rng.choice(["RRMS", "SPMS", "PPMS"], size=n, p=[0.58, 0.37, 0.05])
    followup = np.ceil(rng.uniform(1.0, 15.0, n) * 12) / 12
    worsening_time = np.ceil(rng.exponential(1 / np.where(subtype == "RRMS", 0.04, 0.09)) * 12) / 12
    worsening = (worsening_time <= followup).astype(int)
    died = ((rng.uniform(size=n) < 0.08) & (worsening == 0)).astype(int)
    dwfs = np.where(worsening == 1, worsening_time, followup)
    return pd.DataFrame({"subtype": subtype, "transplant_year": rng.integers(1997, 2020, n),
                         "followup_years": followup, "dwfs_years": dwfs, "worsening": worsening, "died": died})


@pytest.fixture(scope="module", params=["tied", "shipped"])
def cohort_and_r(request, tmp_path_factory):
    path = oracle_cohort_path(request.param, {"tied": tied_cohort}, tmp_path_factory)
    return pd.read_csv(path), run_r_oracle(path)


def test_the_tied_cohort_has_ties_between_worsening_and_death():
    codes = sensitivity.event_codes(tied_cohort())
    worsening_times = set(codes.loc[codes["code"] == 1, "time"])
    assert worsening_times & set(codes.loc[codes["code"] == 2, "time"])


def test_composite_and_competing_risk_equal_r(cohort_and_r):
    cohort, r = cohort_and_r
    table = sensitivity.sensitivity_table(terms.group_members(cohort, tuple(R_GROUP)))
    for row in table.itertuples(index=False):
        key = f"{R_GROUP[row.group]}_{row.year}"
        assert row.composite == pytest.approx(r[f"composite_{key}_surv"], abs=TOLERANCE), key
        assert row.composite_lower == pytest.approx(r[f"composite_{key}_lower"], abs=TOLERANCE), key
        assert row.composite_upper == pytest.approx(r[f"composite_{key}_upper"], abs=TOLERANCE), key
        assert row.competing == pytest.approx(1 - r[f"cif_{key}"], abs=TOLERANCE), key


def test_era_estimates_equal_r(cohort_and_r):
    cohort, r = cohort_and_r
    eras = sensitivity.era_table(cohort, split_year=2007, year=5.0)
    for era, row in zip(("early", "late"), eras.itertuples(index=False)):
        assert row.survival == pytest.approx(r[f"era_{era}_surv"], abs=TOLERANCE), era
        assert row.lower == pytest.approx(r[f"era_{era}_lower"], abs=TOLERANCE), era
        assert row.upper == pytest.approx(r[f"era_{era}_upper"], abs=TOLERANCE), era
        assert row.at_risk == r[f"era_{era}_at_risk"], era

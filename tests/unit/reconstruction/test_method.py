"""The shipped cohort against the published targets, and the reconstruction's determinism.

Oracles: the published values in data/published/ (abstract and press release of
Boffa et al. 2021), and the reconstruction function itself (byte-identical rerun).
The same targets are checked independently in R by tests/test_against_r.py.
"""

import hashlib
import re

import numpy as np
import pytest

from hsct_ms import terms
from hsct_ms.inputs import cohort
from hsct_ms.reconstruction import method as reconstruction
from hsct_ms.reconstruction import calibration
from hsct_ms.paths import DATA_DIR, SHIPPED_COHORT


@pytest.fixture(scope="module")
def shipped():
    return cohort.read_cohort(SHIPPED_COHORT)


@pytest.fixture(scope="module")
def targets(shipped):
    return reconstruction.target_table(shipped)


def test_regenerating_the_cohort_is_byte_identical():
    # Oracle: the committed data/cohort.csv and data/reconstruction.json, made by `make cohort`.
    cohort_frame, summary = reconstruction.reconstruct(with_calibration=True)
    assert reconstruction.to_csv_bytes(cohort_frame) == SHIPPED_COHORT.read_bytes()
    assert reconstruction.summary_json_bytes(summary) == reconstruction.CALIBRATION_FILE.read_bytes()


def test_every_published_target_is_met(targets):
    failed = targets[~targets["met"]]
    assert failed.empty, f"targets not met:\n{failed.to_string()}"


def test_target_table_covers_the_issue_list(targets):
    names = set(targets["target"])
    assert {"patients", "follow-up mean", "follow-up SD", "age mean", "baseline EDSS median",
            "baseline EDSS minimum", "baseline EDSS maximum", "deaths within 100 days"} <= names
    dwfs = targets[targets["target"].str.startswith("DWFS") & targets["group"].isin(["RRMS", "progressive"])]
    assert len(dwfs) == 12  # 2 groups x 2 times x (estimate + 2 bounds)
    assert (dwfs[dwfs["target"].str.contains("estimate")]["tolerance"] == terms.tolerance("dwfs", "estimate")).all()
    assert (dwfs[dwfs["target"].str.contains("CI")]["tolerance"] == terms.tolerance("dwfs", "ci_lower")).all()


def test_whole_cohort_press_release_values_are_targets(targets):
    # The calibration rejects configurations beyond this tolerance, so the rows are
    # targets (never called a check or "not calibrated").
    whole = targets[targets["target"].str.contains("press release")]
    assert list(whole["group"]) == ["all", "all"]
    assert (whole["tolerance"] == terms.tolerance(*calibration.PRESS_RELEASE_DWFS)).all()
    assert not targets["target"].str.contains("not calibrated|check").any()


def test_target_table_can_fail(shipped):
    # A target table that always said "met" would prove nothing: drop the RRMS
    # patients' worsening events and the RRMS estimates must fail.
    broken = shipped.copy()
    broken.loc[broken["subtype"] == "RRMS", "worsening"] = 0
    table = reconstruction.target_table(broken)
    rrms = table[(table["group"] == "RRMS") & table["target"].str.startswith("DWFS estimate")]
    assert not rrms["met"].any()


def test_counts_and_schema(shipped):
    assert len(shipped) == 210
    assert shipped["subtype"].value_counts().to_dict() == {"RRMS": 122, "SPMS": 86, "PPMS": 2}
    assert list(shipped.columns) == reconstruction.COLUMNS
    assert shipped["patient_id"].is_unique


def test_early_deaths_are_before_2008(shipped):
    deaths = shipped[shipped["died"] == 1]
    assert len(deaths) == 3
    assert (deaths["followup_years"] <= 100 / 365.25).all()
    assert (deaths["transplant_year"] <= 2007).all()
    assert (deaths["worsening"] == 0).all()


def test_followup_fits_between_transplant_and_cutoff(shipped):
    settings = reconstruction.DEFAULT_SETTINGS
    room = settings.data_cutoff - (shipped["transplant_year"] + settings.transplant_month_fraction)
    assert (shipped["followup_years"] <= room + 1e-9).all()


def test_worsening_time_never_after_followup(shipped):
    assert (shipped["dwfs_years"] <= shipped["followup_years"]).all()
    censored = shipped[shipped["worsening"] == 0]
    assert np.allclose(censored["dwfs_years"], censored["followup_years"])


def test_worsening_times_invert_the_cumulative_hazard():
    # Oracle: hand computation. Rate 0.1 before 5 y, 0.2 after: H(5) = 0.5, H(10) = 1.5.
    # u with -log(1-u) = 0.25 -> t = 2.5; = 1.0 -> t = 5 + 0.5/0.2 = 7.5; = 2.0 -> 10 + 0.5/0.2 = 12.5
    u = 1 - np.exp(-np.array([0.25, 1.0, 2.0]))
    assert np.allclose(reconstruction.worsening_times(u, 0.1, 0.2), [2.5, 7.5, 12.5])


def test_early_hazard_slope_keeps_the_5_year_cumulative_hazard():
    # Oracle: hand computation. Slope s, mean rate r: H(t) = r((s/5) t^2 + (1 - s) t) before 5 y.
    # r = 0.1, s = 0.5: H(2) = 0.1 (0.4 + 1.0) = 0.14; H(5) = 0.5 whatever s.
    u = 1 - np.exp(-np.array([0.14, 0.5 - 1e-12, 1.0]))
    times = reconstruction.worsening_times(u, 0.1, 0.2, early_hazard_slope=0.5)
    assert np.allclose(times, [2.0, 5.0, 7.5])
    flat = reconstruction.worsening_times(u[:1], 0.1, 0.2)
    rising = reconstruction.worsening_times(u[:1], 0.1, 0.2, early_hazard_slope=0.5)
    falling = reconstruction.worsening_times(u[:1], 0.1, 0.2, early_hazard_slope=-0.5)
    # A rising hazard is low early, so a given cumulative hazard is reached later.
    assert falling[0] < flat[0] < rising[0]


def test_flat_early_hazard_is_exactly_the_constant_rate():
    # Slope 0 must give exactly H / r (the shipped cohort stays byte-identical).
    u = np.linspace(0.01, 0.25, 50)  # cumulative hazard below 5 x 0.07
    assert np.array_equal(reconstruction.worsening_times(u, 0.07, 0.03, early_hazard_slope=0.0),
                          -np.log1p(-u) / 0.07)


def test_early_hazard_slope_outside_minus_one_to_one_is_refused():
    with pytest.raises(ValueError):
        reconstruction.worsening_times(np.array([0.5]), 0.1, 0.1, early_hazard_slope=1.5)


def test_method_modules_stay_short():
    # Issue 8: no module over about 400 lines.
    from pathlib import Path

    for path in Path(reconstruction.__file__).parent.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, path.name


def test_allocation_tilt_shortens_rrms_followup():
    followup = np.linspace(0.5, 20, 200)
    plain = reconstruction.allocate_subtypes(followup, 120, tilt=0.0, seed=1)
    tilted = reconstruction.allocate_subtypes(followup, 120, tilt=3.0, seed=1)
    assert plain.sum() == tilted.sum() == 120
    assert followup[tilted].mean() < followup[plain].mean()


def test_every_assumption_has_a_reason():
    table = reconstruction.assumptions_table()
    assert len(table) >= 10
    assert table["Why"].str.len().min() > 20


@pytest.mark.parametrize("name", ["cohort.csv", "reconstruction.json", "ensemble.csv"])
def test_data_readme_checksums_are_current(name):
    # Oracle: the checksums recorded in data/README.md.
    readme = (DATA_DIR / "README.md").read_text()
    digest = hashlib.sha256((DATA_DIR / name).read_bytes()).hexdigest()
    assert re.search(rf"{digest}\s+{re.escape(name)}", readme), f"data/README.md checksum of {name} is stale"

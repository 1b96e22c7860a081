"""The registry-shaped cohort of ``make bench`` (synthetic.registry_cohort): the shape the
issue describes, the same file for the same seed, worsening in every month of follow-up,
and a file the validator accepts.

Oracles: the generator's stated shape (its constants), the validator itself
(``cohort.load_cohort`` and ``python -m hsct_ms validate``), a second generation with the
same seed (byte-identical CSV), and counts of events per calendar month of follow-up.
"""

import hashlib
import subprocess
import sys

import numpy as np
import pytest

from hsct_ms.inputs import cohort
from hsct_ms.reconstruction import synthetic

N = 100_000


@pytest.fixture(scope="module")
def registry():
    return synthetic.registry_cohort(N, seed=2020)


def test_subtypes_are_mostly_relapsing_and_secondary_with_a_few_primary_progressive(registry):
    shares = registry["subtype"].value_counts(normalize=True)
    assert set(shares.index) == {"RRMS", "SPMS", "PPMS"}
    assert shares["RRMS"] > shares["SPMS"] > shares["PPMS"]
    assert 0.01 < shares["PPMS"] < 0.05
    for subtype, share in synthetic.REGISTRY_SUBTYPES.items():
        assert shares[subtype] == pytest.approx(share, abs=0.01)


def test_transplants_span_1997_to_2019_and_follow_up_ends_by_mid_2020(registry):
    years = registry["transplant_year"]
    assert sorted(years.unique()) == list(range(1997, 2020)), "every transplant year from 1997 to 2019"
    assert years.value_counts().min() > N / 23 * 0.8, "spread over the years, not bunched"
    # transplant_year is the year's start, so a follow-up may end up to a year after its sum.
    end = years + registry["followup_years"]
    assert end.max() <= synthetic.REGISTRY_DATA_CUT + 1e-9
    assert registry["followup_years"].max() > 23, "the first transplants are followed for over 23 years"
    assert (registry["followup_years"] > 0).all()
    assert (registry["dwfs_years"] <= registry["followup_years"]).all()


def test_worsening_falls_in_every_month_of_follow_up(registry):
    events = registry.loc[registry["worsening"] == 1, "dwfs_years"]
    months = np.floor(events * 12).astype(int)
    last_month = int(np.floor(registry["followup_years"].max() * 12))
    covered = set(months)
    # Every month from the first to within 6 months of the longest follow-up has an event.
    assert set(range(last_month - 6)) <= covered, sorted(set(range(last_month - 6)) - covered)[:10]
    assert events.nunique() > 10_000, "events at distinct times, not a few repeated ones"


def test_both_groups_worsen_and_some_patients_die(registry):
    progressive = registry["subtype"] != "RRMS"
    assert registry.loc[progressive, "worsening"].mean() > registry.loc[~progressive, "worsening"].mean() > 0
    deaths = registry["died"] == 1
    assert 0.01 < deaths.mean() < 0.1
    assert (registry.loc[deaths, "followup_years"] < 100 / 365.25).sum() > 0, "early, transplant-related deaths"
    assert (registry.loc[deaths, "worsening"] == 1).any(), "some die after a worsening"


def test_ages_and_edss_are_within_the_schema(registry):
    assert registry["age"].between(18, 65).all()
    assert set(registry["baseline_edss"]) <= set(cohort.EDSS_SCALE)


def test_same_seed_same_file_other_seed_other_file(tmp_path):
    paths = [tmp_path / f"{name}.csv" for name in ("a", "b", "c")]
    synthetic.write_cohort(synthetic.registry_cohort(5_000, seed=11), paths[0])
    synthetic.write_cohort(synthetic.registry_cohort(5_000, seed=11), paths[1])
    synthetic.write_cohort(synthetic.registry_cohort(5_000, seed=12), paths[2])
    digests = [hashlib.sha256(path.read_bytes()).hexdigest() for path in paths]
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


def test_the_validator_accepts_it(registry, tmp_path):
    path = tmp_path / "registry_export.csv"
    synthetic.write_cohort(registry, path)
    loaded = cohort.load_cohort(path)
    assert loaded.attrs["cohort"].n_patients == N
    assert list(loaded["patient_id"][:2]) == ["REG000001", "REG000002"]
    result = subprocess.run([sys.executable, "-m", "hsct_ms", "validate", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

"""The visits of ``make bench``'s registry-shaped cohort (synthetic.registry_visits).

Oracles: a second generation with the same seed (identical file), the visits validator
itself (``inputs.visits.load_visits``), the schedule's own arithmetic (at most
``followup_years + 7`` visits a patient: 4 in the first two years, one a year after,
plus the worsening, confirmation and last visits), and pymsprog's default rule, which
must find each patient's ``worsening`` at ``dwfs_years`` (the construction's promise).
"""

import numpy as np
import pytest

from hsct_ms.inputs.cohort import load_cohort
from hsct_ms.inputs.visits import load_visits
from hsct_ms.reconstruction import synthetic
from hsct_ms.stats import disability
from hsct_ms.stats.disability import derive_endpoints

N = 300


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("registry_visits")
    synthetic.write_cohort(synthetic.registry_cohort(N, seed=7), folder / "cohort.csv")
    cohort = load_cohort(folder / "cohort.csv")
    visits = synthetic.registry_visits(cohort, seed=11)
    synthetic.write_visits(visits, folder / "visits.csv")
    return folder, cohort, visits


def test_same_seed_same_file_other_seed_other_visits(files):
    folder, cohort, visits = files
    again = folder / "again.csv"
    synthetic.write_visits(synthetic.registry_visits(cohort, seed=11), again)
    assert again.read_bytes() == (folder / "visits.csv").read_bytes()
    other = synthetic.registry_visits(cohort, seed=12)
    assert not other.equals(visits)


def test_the_file_is_valid_and_covers_every_patient(files):
    folder, cohort, visits = files
    data = load_visits(cohort, folder / "visits.csv")
    assert data is not None and len(data.visits) == len(visits)
    assert set(data.visits["patient_id"]) == set(cohort["patient_id"])


def test_size_is_bounded_by_the_schedule(files):
    _, cohort, visits = files
    per_patient = visits.groupby("patient_id").size()
    bound = (cohort.set_index("patient_id")["followup_years"] + 7).reindex(per_patient.index)
    assert (per_patient >= 1).all() and (per_patient <= bound).all()
    # Not vacuous: long follow-up gives many visits, and the bound is reached closely.
    assert per_patient.max() >= 15 and (bound - per_patient).min() <= 3


def test_pymsprog_finds_each_patients_endpoint(files, tmp_path, monkeypatch):
    monkeypatch.setenv(disability.CACHE_VARIABLE, str(tmp_path / "cache"))
    _, cohort, visits = files
    sample = cohort.iloc[:80]
    derived = derive_endpoints(visits[visits["patient_id"].isin(set(sample["patient_id"]))], sample,
                               processes=1, use_cache=False).set_index("patient_id")
    expected = sample.set_index("patient_id")
    assert (derived["worsening"] == expected["worsening"]).all() and expected["worsening"].sum() >= 5
    assert np.abs(derived["dwfs_years"] - expected["dwfs_years"]).max() < 1e-8

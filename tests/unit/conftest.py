"""Cohorts shared by the unit tests."""

import pandas as pd
import pytest

from hsct_ms.inputs import cohort
from hsct_ms.paths import SHIPPED_COHORT


@pytest.fixture
def five():
    """Five patients, small enough that every summary tested on them was worked out by hand."""
    return pd.DataFrame({
        "patient_id": ["P1", "P2", "P3", "P4", "P5"],
        "subtype": ["RRMS", "RRMS", "SPMS", "SPMS", "PPMS"],
        "age": [30.0, 40.0, 50.0, 36.0, 44.0],
        "baseline_edss": [2.0, 4.0, 6.0, 6.5, 7.0],
        "transplant_year": [2000, 2010, 2005, 2012, 2008],
        "followup_years": [1.0, 3.0, 0.1, 5.0, 2.0],
        "dwfs_years": [1.0, 3.0, 0.1, 5.0, 2.0],
        "worsening": [0, 0, 0, 0, 0],
        "died": [0, 0, 1, 0, 0],
    })


@pytest.fixture(scope="session")
def shipped():
    """The shipped reconstructed cohort, loaded as a chapter loads it."""
    return cohort.load_cohort(SHIPPED_COHORT)

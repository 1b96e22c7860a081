"""make bench's description of the cohorts it builds on.

Oracle: a hand-made four-patient cohort whose event months are counted by hand.
"""

import pandas as pd

from hsct_ms.build import bench


def test_describe_cohort_counts_months_with_a_worsening():
    frame = pd.DataFrame({
        "subtype": ["RRMS", "RRMS", "SPMS", "PPMS"],
        "transplant_year": [2001, 2010, 2005, 2019],
        # months 0 and 0 (same month, distinct times), 13; follow-up spans months 0..24
        "dwfs_years": [0.01, 0.05, 1.1, 2.0],
        "followup_years": [0.5, 1.0, 2.0, 2.0],
        "worsening": [1, 1, 1, 0],
        "died": [0, 1, 0, 0],
    })
    assert bench.describe_cohort(frame) == (
        "RRMS 2, SPMS 1, PPMS 1; transplants 2001-2019; 1 deaths; 3 worsenings at 3 distinct times, "
        "in 2 of the 25 months of follow-up")

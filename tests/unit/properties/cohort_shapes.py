"""Cohort files of extreme but valid shapes, written as a registry or a centre would.

Plain numpy generators (deterministic for a seed), shared by the generated-cohort tests
of this folder and the whole-book builds of tests/book/test_extreme_cohorts.py:

- :func:`registry_cohort`: transplants spread over many years, a data cut-off, worsening
  spread over the whole follow-up, so events fall in (nearly) every month of the period;
- :func:`centre_cohort`: a handful of RRMS and SPMS patients, one worsening in each group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["patient_id", "subtype", "age", "baseline_edss", "transplant_year", "followup_years",
           "dwfs_years", "worsening", "died"]


def registry_cohort(n: int = 100_000, first_year: int = 1997, last_year: int = 2019, cutoff: float = 2020.5,
                    seed: int = 13, time_decimals: int = 4) -> pd.DataFrame:
    """``n`` patients transplanted uniformly over ``first_year``..``last_year``, followed to
    ``cutoff`` (or earlier loss to follow-up or death), worsening at an exponential time
    (so events fall in every month of follow-up); RRMS, SPMS and a few PPMS."""
    rng = np.random.default_rng(seed)
    subtype = rng.choice(["RRMS", "SPMS", "PPMS"], size=n, p=[0.6, 0.35, 0.05])
    year = rng.integers(first_year, last_year + 1, size=n)
    start = year + rng.uniform(0, 1, size=n)
    admin = np.maximum(cutoff - start, 0.05)
    lost = rng.exponential(60.0, size=n)
    followup = np.minimum(admin, lost)
    died = (rng.uniform(size=n) < 0.03)
    followup = np.where(died, followup * rng.uniform(0.05, 1, size=n), followup)
    scale = np.where(subtype == "RRMS", 18.0, 9.0)
    # Four in ten patients worsen at an exponential time, the others at a time uniform
    # over 1.2 times their follow-up: events in every month, up to the longest follow-up.
    worsening_time = np.where(rng.uniform(size=n) < 0.4, rng.exponential(scale),
                              rng.uniform(0, 1.2 * followup))
    worsening = worsening_time <= followup
    dwfs = np.where(worsening, worsening_time, followup)
    smallest = 10.0 ** -time_decimals
    followup = np.maximum(np.round(followup, time_decimals), smallest)
    dwfs = np.minimum(np.maximum(np.round(dwfs, time_decimals), smallest), followup)
    edss = np.array([0.0] + [k / 2 for k in range(2, 21)])
    return pd.DataFrame({
        "patient_id": [f"REG{i:06d}" for i in range(1, n + 1)],
        "subtype": subtype,
        "age": rng.integers(18, 66, size=n),
        "baseline_edss": rng.choice(edss[2:14], size=n),
        "transplant_year": year,
        "followup_years": followup,
        "dwfs_years": dwfs,
        "worsening": worsening.astype(int),
        "died": died.astype(int),
    })[COLUMNS]


def centre_cohort() -> pd.DataFrame:
    """12 patients of a small centre: 6 RRMS and 6 SPMS transplanted 2010-2015, one
    worsening in each group, no deaths, follow-up 3.5 to 8 years."""
    rows = []
    for i in range(12):
        subtype = "RRMS" if i < 6 else "SPMS"
        followup = round(3.5 + 0.9 * (i % 6), 2)
        worsened = i in (1, 8)
        rows.append({"patient_id": f"C{i + 1:02d}", "subtype": subtype, "age": 24 + (7 * i) % 31,
                     "baseline_edss": [2.5, 3.0, 4.0, 5.5, 6.0, 6.5][(5 * i) % 6],
                     "transplant_year": 2010 + (i * 5) % 6, "followup_years": followup,
                     "dwfs_years": round(followup / 2, 2) if worsened else followup,
                     "worsening": int(worsened), "died": 0})
    return pd.DataFrame(rows)[COLUMNS]


def small_cohort(n: int = 30, seed: int = 30) -> pd.DataFrame:
    """``n`` patients (about two thirds RRMS), a few worsenings in each group, one death."""
    frame = registry_cohort(n=n, first_year=2005, last_year=2018, cutoff=2021.0, seed=seed)
    frame["subtype"] = ["RRMS" if i % 3 else ("SPMS" if i % 2 else "PPMS") for i in range(n)]
    for subtype in ("RRMS", "SPMS"):
        i = frame.index[frame["subtype"] == subtype][0]
        frame.loc[i, ["dwfs_years", "worsening"]] = [min(1.5, frame.loc[i, "followup_years"]), 1]
    frame["patient_id"] = [f"S{i:03d}" for i in range(1, n + 1)]
    return frame

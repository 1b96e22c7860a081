"""Hypothesis strategies for valid cohort files across the space the schema allows.

:func:`cohorts` draws a cohort as a user would export it (one row per patient, the
columns of :data:`hsct_ms.inputs.cohort_schema.SCHEMA`): from a handful of patients to
a few hundred, transplants over 1 to 25 years, and one of several time shapes that
analyses find hard (no events in a period, all events early, all censored late, all
events on one day), with ages and EDSS scores at their limits, with and without deaths,
sometimes a single PPMS patient. Every drawn frame follows the schema; most also meet
what the book needs to compare subtypes (RRMS and progressive patients, a worsening in
each), and a few on purpose do not, so the validator's refusal is exercised too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from hsct_ms.inputs.cohort_schema import (
    AGE_MAX,
    AGE_MIN,
    EDSS_SCALE,
    FIRST_TRANSPLANT_YEAR,
    REQUIRED_COLUMNS,
    current_year,
    max_followup_years,
)

#: Time shapes: how worsening and censoring times are spread over follow-up.
SHAPES = ("spread", "gap", "early", "censored_late", "one_day")
TIME_DECIMALS = 4


def _times(rng, shape, followup, progressive):
    """Time to worsening (or censoring) and the worsening flag, for one shape."""
    n = followup.size
    if shape == "early":  # every worsening within the first three months
        worsening_time = np.where(rng.uniform(size=n) < 0.4, rng.uniform(0.001, 0.25, n), np.inf)
    elif shape == "one_day":  # every worsening on the same day
        day = float(rng.choice([0.5, 1.0, 2.0]))
        worsening_time = np.where(rng.uniform(size=n) < 0.4, day, np.inf)
    else:
        worsening_time = rng.exponential(np.where(progressive, 6.0, 14.0))
        if shape == "gap":  # no worsening between 1 and 6 years
            in_gap = (worsening_time > 1) & (worsening_time < 6)
            worsening_time = np.where(in_gap, worsening_time + 5, worsening_time)
    worsening = worsening_time <= followup
    dwfs = np.where(worsening, worsening_time, followup)
    return dwfs, worsening


def build_cohort(n: int, span: int, last_year: int, shape: str, deaths: bool, single_ppms: bool,
                 edge_values: bool, force_events: bool, seed: int) -> pd.DataFrame:
    """A cohort of ``n`` patients (deterministic for its arguments); see :func:`cohorts`."""
    rng = np.random.default_rng(seed)
    first_year = last_year - span + 1
    year = rng.integers(first_year, last_year + 1, size=n)
    cutoff = min(current_year() + 1.0, last_year + 1.0 + rng.uniform(0.1, 6.0))
    start = year + rng.uniform(0.0, 1.0, size=n)
    followup = np.maximum(cutoff - start, 0.05)
    if shape != "censored_late":  # some patients lost early, unless everyone is followed to the cut-off
        followup = np.minimum(followup, rng.exponential(15.0, size=n) + 0.05)
    subtype = rng.choice(["RRMS", "SPMS"], size=n, p=[0.6, 0.4]).astype(object)
    subtype[0], subtype[1 % n] = "RRMS", "SPMS"
    if single_ppms and n >= 3:
        subtype[2] = "PPMS"
    progressive = subtype != "RRMS"
    dwfs, worsening = _times(rng, shape, followup, progressive)
    if force_events:  # at least one worsening in each compared group
        for group in (~progressive, progressive):
            if not worsening[group].any():
                i = np.flatnonzero(group)[0]
                worsening[i] = True
                dwfs[i] = min(followup[i], 0.5)
    died = np.zeros(n, dtype=int)
    if deaths:
        died = (rng.uniform(size=n) < 0.1).astype(int)
        # Death ends follow-up: at the worsening or later, or at the censoring time.
        followup = np.where(died == 1, np.maximum(dwfs, followup * rng.uniform(0.3, 1.0, n)), followup)
    if edge_values:
        age = rng.choice([float(AGE_MIN), float(AGE_MAX), 34.5], size=n)
        edss = rng.choice([EDSS_SCALE[0], EDSS_SCALE[-1], 6.5], size=n)
    else:
        age = np.round(rng.uniform(18, 65, size=n), 1)
        edss = rng.choice(np.array(EDSS_SCALE[2:15]), size=n)
    smallest = 10.0 ** -TIME_DECIMALS
    followup = np.clip(np.round(followup, TIME_DECIMALS), smallest, max_followup_years())
    dwfs = np.minimum(np.maximum(np.round(dwfs, TIME_DECIMALS), smallest), followup)
    frame = pd.DataFrame({
        "patient_id": [f"G{i:06d}" for i in range(1, n + 1)],
        "subtype": subtype,
        "age": age,
        "baseline_edss": edss,
        "transplant_year": year,
        "followup_years": followup,
        "dwfs_years": dwfs,
        "worsening": worsening.astype(int),
        "died": died,
    })
    return frame[list(REQUIRED_COLUMNS)]


@st.composite
def cohorts(draw, min_n: int = 4, max_n: int = 400, force_events: bool | None = None) -> pd.DataFrame:
    """A valid cohort file's frame (see the module docstring)."""
    span = draw(st.integers(1, 25))
    last_year = draw(st.integers(FIRST_TRANSPLANT_YEAR + span - 1, current_year()))
    return build_cohort(
        n=draw(st.integers(min_n, max_n)),
        span=span,
        last_year=last_year,
        shape=draw(st.sampled_from(SHAPES)),
        deaths=draw(st.booleans()),
        single_ppms=draw(st.booleans()),
        edge_values=draw(st.booleans()),
        # One cohort in ten may lack a worsening in a group: the validator must refuse it.
        force_events=draw(st.integers(0, 9)) > 0 if force_events is None else force_events,
        seed=draw(st.integers(0, 2**32 - 1)),
    )

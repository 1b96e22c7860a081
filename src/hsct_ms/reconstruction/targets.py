"""Every published number the reconstruction must meet, beside what a cohort gives.

:func:`target_table` is the one list of calibration targets: each row has the published
value, its source, the match tolerance (:data:`hsct_ms.terms.TOLERANCE`), the value the
cohort gives and a verdict. On the shipped cohort every target is met because the
reconstruction was fitted to them (matched by construction, not reproduced).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from hsct_ms import terms
from hsct_ms.inputs import published
from hsct_ms.reconstruction.calibration import PRESS_RELEASE_DWFS
from hsct_ms.reconstruction.settings import N_BY_SUBTYPE
from hsct_ms.stats import km_at

#: Target name of the press release's rounded whole-cohort DWFS at ``year`` years.
PRESS_RELEASE_TARGET = "DWFS estimate at {year} y (press release, rounded)"
_DWFS_LABELS = {"estimate": "DWFS estimate", "ci_lower": "DWFS 95% CI lower", "ci_upper": "DWFS 95% CI upper"}
_YEARS = np.array([5.0, 10.0])


def _km(frame: pd.DataFrame):
    return km_at(frame["dwfs_years"].to_numpy(float), frame["worsening"].to_numpy(int), _YEARS)


def _dwfs_rows(cohort: pd.DataFrame) -> list[tuple]:
    """(target, group, published, tolerance, achieved, source, unit) of the DWFS targets."""
    rows = []
    members = terms.group_members(cohort, (terms.RRMS, terms.PROGRESSIVE), keep_empty=True)
    z = stats.norm.ppf(0.975)
    for key, frame in members.items():
        group = terms.PUBLISHED_GROUP[key]
        surv, se = _km(frame)
        for i, year in enumerate((5, 10)):
            achieved = {"estimate": surv[i], "ci_lower": surv[i] - z * se[i], "ci_upper": surv[i] + z * se[i]}
            for kind, label in _DWFS_LABELS.items():
                rows.append((f"{label} at {year} y", group, published.dwfs_value(group, year, kind),
                             terms.tolerance("dwfs", kind), 100 * achieved[kind], "abstract", "%"))
    surv, _ = _km(cohort)
    whole = terms.PUBLISHED_GROUP[terms.ALL]
    for i, year in enumerate((5, 10)):
        rows.append((PRESS_RELEASE_TARGET.format(year=year), whole, published.dwfs_value(whole, year, "estimate"),
                     terms.tolerance(*PRESS_RELEASE_DWFS), 100 * surv[i], "press release (rounded)", "%"))
    return rows


def _cohort_rows(cohort: pd.DataFrame) -> list[tuple]:
    """(target, group, published, tolerance, achieved, source, unit) of the cohort targets."""
    value, tol = published.cohort_value, terms.tolerance
    counts = cohort["subtype"].value_counts()
    rows = [("patients", "all", value("patients", "count"), 0, len(cohort), "abstract", "patients")]
    rows += [("patients", subtype, published.subtype_count(subtype), 0, int(counts.get(subtype, 0)),
              published.subtype_count_source(subtype), "patients") for subtype in N_BY_SUBTYPE]
    followup = cohort["followup_years"]
    first, last = value("transplant_year", "year_min"), value("transplant_year", "year_max")
    early = cohort[(cohort["died"] == 1) & (cohort["followup_years"] <= 100 / 365.25)]
    rows += [
        ("follow-up mean", "all", value("followup", "mean"), tol("followup", "mean"), followup.mean(),
         "abstract", "years"),
        ("follow-up SD", "all", value("followup", "sd"), tol("followup", "sd"), followup.std(ddof=1),
         "abstract", "years"),
        ("earliest transplant year (not before)", "all", first, 0, max(first, cohort["transplant_year"].min()),
         "press release", "year"),
        ("latest transplant year (not after)", "all", last, 0, min(last, cohort["transplant_year"].max()),
         "press release", "year"),
        ("age mean", "all", value("age", "mean"), tol("age", "mean"), cohort["age"].mean(), "press release", "years"),
    ]
    for kind, label, achieved in (("median", "baseline EDSS median", cohort["baseline_edss"].median()),
                                  ("min", "baseline EDSS minimum", cohort["baseline_edss"].min()),
                                  ("max", "baseline EDSS maximum", cohort["baseline_edss"].max())):
        rows.append((label, "all", value("baseline_edss", kind), 0, achieved, "abstract", "EDSS"))
    rows += [("deaths within 100 days", "all", value("early_deaths", "count"), 0, len(early), "abstract", "patients"),
             ("early deaths transplanted after 2007", "all", 0, 0, int((early["transplant_year"] > 2007).sum()),
              "abstract", "patients")]
    return rows


def target_table(cohort: pd.DataFrame) -> pd.DataFrame:
    """Every published target beside what ``cohort`` gives, with tolerance and verdict.

    Columns ``target, group, published, tolerance, achieved, difference, met, unit,
    source``. Kaplan-Meier values are percentages with the plain Greenwood 95% interval.
    The whole-cohort DWFS (the press release's rounded 80% and 66%) is a calibration
    target like the others: :func:`~hsct_ms.reconstruction.calibration.calibrate`
    rejects configurations that miss it.
    """
    counts, dwfs = _cohort_rows(cohort), _dwfs_rows(cohort)
    # Display order: counts, then DWFS, then the other cohort summaries.
    rows = counts[:1 + len(N_BY_SUBTYPE)] + dwfs + counts[1 + len(N_BY_SUBTYPE):]
    frame = pd.DataFrame(rows, columns=["target", "group", "published", "tolerance", "achieved", "source", "unit"])
    frame["difference"] = frame["achieved"] - frame["published"]
    frame["met"] = [bool(abs(d) <= t + 1e-9) for d, t in zip(frame["difference"], frame["tolerance"])]
    return frame[["target", "group", "published", "tolerance", "achieved", "difference", "met", "unit", "source"]]

"""EDSS visits for the shipped reconstructed cohort: ``data/visits.csv``.

The study's visits are not public. This module writes, deterministically, one assumed
visit history per reconstructed patient such that

- pymsprog's default confirmed-worsening rule (:data:`hsct_ms.stats.disability.DEFAULT_RULE`)
  finds each patient's shipped ``worsening`` at the shipped ``dwfs_years`` (the event
  visit is placed at ``dwfs_years``, the confirmation visit 6 months later; patients
  without worsening are seen last at ``dwfs_years``, never at or above the threshold);
- the RRMS mixed-model slope lands inside the published interval, through one assumed
  drift of EDSS among RRMS patients who do not worsen (:class:`VisitSettings`).

Both are **matched by construction**: the visits say nothing about the study's patients.
Every choice is listed in ``data/visits_assumptions.csv`` (:data:`ASSUMPTIONS`).

Run ``python -m hsct_ms.reconstruction.visits`` to regenerate both files byte-identically.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from hsct_ms import paths
from hsct_ms.inputs.cohort import load_cohort
from hsct_ms.stats.disability import DEFAULT_RULE

__all__ = ["VisitSettings", "SETTINGS", "ASSUMPTIONS", "VISITS_PATH", "ASSUMPTIONS_PATH",
           "generate_visits", "visits_text", "assumptions_text", "write_visits", "write_visits_for"]

VISITS_PATH = paths.DATA_DIR / "visits.csv"
ASSUMPTIONS_PATH = paths.DATA_DIR / "visits_assumptions.csv"
TIME_DECIMALS = 3


@dataclass(frozen=True)
class VisitSettings:
    """The assumed visit schedule and EDSS course (see :data:`ASSUMPTIONS`)."""

    seed: int = 20210120
    six_monthly_until_years: float = 2.0
    yearly_after: float = 1.0
    jitter_years: float = 0.06
    miss_probability: float = 0.15
    min_gap_years: float = 0.1
    confirmation_years: float = 0.5
    rrms_drift_per_year: float = -0.17
    progressive_drift_per_year: float = 0.0
    drift_sd_per_year: float = 0.08
    visit_noise_sd: float = 0.35
    later_step_per_year: float = 0.1


SETTINGS = VisitSettings()


def _assumptions(s: VisitSettings) -> list[tuple[str, str, str, str]]:
    conf = f"{DEFAULT_RULE.confirmation_months:g} months"
    return [
        ("schedule", f"every 6 months up to {s.six_monthly_until_years:g} years, then every "
                     f"{s.yearly_after:g} year", "assumed",
         "a common follow-up schedule after aHSCT; the paper's is not in the abstract"),
        ("timing", f"each scheduled visit moved by up to +/-{s.jitter_years:g} years (uniform)",
         "assumed", "clinic visits do not fall on the exact anniversary"),
        ("missed visits", f"each scheduled visit missed with probability {s.miss_probability:g}, "
                          "except the visits the endpoint needs", "assumed", "realistic gaps"),
        ("baseline", "the cohort file's baseline_edss at transplant (time 0); the visits file "
                     "lists follow-up visits only", "assumed", "one baseline value per patient"),
        ("last visit", "at dwfs_years for patients without worsening (= followup_years in the "
                       "shipped cohort)", "matched by construction",
         "so that the derived censoring time equals the shipped dwfs_years"),
        ("worsening visit", "at dwfs_years, EDSS = baseline + the rule's threshold; no earlier "
                            "visit reaches the threshold", "matched by construction",
         "so that the derived first confirmed worsening is the shipped one, to the visit"),
        ("confirmation visit", f"{s.confirmation_years:g} years after the worsening visit, EDSS "
                               "still at or above the threshold, and so at every later visit",
         "matched by construction", f"confirms the worsening under the {conf} rule"),
        ("confirmation after followup_years",
         "when followup_years - dwfs_years is shorter than the confirmation period, the "
         "confirmation visit lies after followup_years", "assumed",
         "the shipped cohort was drawn without a visit schedule; the alternative was not to "
         "reproduce those patients' worsening"),
        ("RRMS drift without worsening", f"{s.rrms_drift_per_year:g} EDSS points per year on "
                                         f"average (SD {s.drift_sd_per_year:g} between patients)",
         "matched by construction", "chosen so that the RRMS mixed-model slope falls inside the "
                                    "published interval"),
        ("progressive drift without worsening", f"{s.progressive_drift_per_year:g} EDSS points per "
                                                "year on average", "assumed",
         "stable disability in those without confirmed worsening"),
        ("visit-to-visit variation", f"normal, SD {s.visit_noise_sd:g} EDSS points, rounded to the "
                                     "scale's 0.5 steps and kept below the worsening threshold "
                                     "before any worsening", "assumed",
         "measurement variation of the EDSS between visits"),
        ("course after worsening", f"further +0.5 steps at about {s.later_step_per_year:g} per year, "
                                   "never back below the threshold", "assumed",
         "sustained worsening"),
        ("relapses", "none recorded (no relapses file)", "assumed",
         "relapse dates are not published; the rule's relapse windows are unused"),
        ("random numbers", f"numpy default_rng(seed {s.seed}), patients in cohort-file order",
         "assumed", "deterministic regeneration"),
    ]


ASSUMPTIONS = _assumptions(SETTINGS)


def _threshold(b: float) -> float:
    return DEFAULT_RULE.threshold(b)


def _edss(value: float, low: float, high: float) -> float:
    """Nearest valid EDSS step within [low, high] (the scale has no 0.5)."""
    v = min(max(np.round(value * 2) / 2, low), high)
    if 0 < v < 1.0:
        v = 1.0 if high >= 1.0 else 0.0
    return float(v)


def _schedule(end: float, s: VisitSettings, rng: np.random.Generator,
              decimals: int = TIME_DECIMALS) -> list[float]:
    times = list(np.arange(0.5, s.six_monthly_until_years + 1e-9, 0.5))
    t = s.six_monthly_until_years + s.yearly_after
    while t < end + 1:
        times.append(t)
        t += s.yearly_after
    jitter = rng.uniform(-s.jitter_years, s.jitter_years, size=len(times))
    missed = rng.uniform(size=len(times)) < s.miss_probability
    return [round(float(x + j), decimals) for x, j, m in zip(times, jitter, missed) if not m]


def _patient(row, s: VisitSettings, rng: np.random.Generator,
             decimals: int = TIME_DECIMALS) -> list[tuple[float, float]]:
    b = float(row.baseline_edss)
    d = float(row.dwfs_years)
    f = float(row.followup_years)
    delta = _threshold(b)
    below = b + delta - 0.5  # highest value that is no worsening
    floor = 1.0 if b >= 1.0 else 0.0
    drift_mean = s.rrms_drift_per_year if row.subtype == "RRMS" else s.progressive_drift_per_year
    drift = rng.normal(drift_mean, s.drift_sd_per_year)
    scheduled = _schedule(d, s, rng, decimals)
    noise = rng.normal(0.0, s.visit_noise_sd, size=len(scheduled) + 1)
    visits = []
    before = [t for t in scheduled if 0 < t <= d - s.min_gap_years]
    # A worsening patient stays stable before the event; the drift applies to those without.
    slope = 0.0 if row.worsening == 1 else drift
    for t, e in zip(before, noise):
        visits.append((t, _edss(b + slope * t + e, floor, below)))
    if row.worsening == 1:
        level = min(b + delta, 9.5)
        visits.append((round(d, decimals), level))
        conf = round(d + s.confirmation_years, decimals)
        after = [conf] + [round(conf + k * s.yearly_after, decimals)
                          for k in range(1, int((f - conf) / s.yearly_after) + 1)]
        if f - after[-1] >= s.min_gap_years:
            after.append(round(f, decimals))
        steps = rng.uniform(size=len(after)) < s.later_step_per_year * s.yearly_after
        for t, step in zip(after, steps):
            level = min(level + 0.5 * step, 9.5)
            visits.append((t, level))
    else:
        visits.append((round(d, decimals), _edss(b + slope * d + noise[-1], floor, below)))
    return visits


def generate_visits(cohort: pd.DataFrame | None = None, settings: VisitSettings = SETTINGS,
                    time_decimals: int = TIME_DECIMALS) -> pd.DataFrame:
    """Assumed visits: ``patient_id``, ``years_since_transplant``, ``edss``.

    By default for the shipped cohort; any cohort with the cohort file's columns works
    (synthetic cohorts for benchmarks, the canary cohort of the privacy test, whose
    times carry more decimals: ``time_decimals``).
    """
    cohort = load_cohort(paths.SHIPPED_COHORT) if cohort is None else cohort
    rng = np.random.default_rng(settings.seed)
    rows = []
    for row in cohort.itertuples(index=False):
        for t, e in _patient(row, settings, rng, time_decimals):
            rows.append((row.patient_id, t, e))
    return pd.DataFrame(rows, columns=["patient_id", "years_since_transplant", "edss"])


def visits_text(visits: pd.DataFrame, time_decimals: int = TIME_DECIMALS) -> str:
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow(["patient_id", "years_since_transplant", "edss"])
    for p, t, e in visits.itertuples(index=False):
        w.writerow([p, f"{t:.{time_decimals}f}", f"{e:.1f}"])
    return buffer.getvalue()


def write_visits_for(cohort: pd.DataFrame, path, time_decimals: int = TIME_DECIMALS) -> None:
    """Write assumed visits for ``cohort`` (e.g. a synthetic or canary cohort) to ``path``."""
    text = visits_text(generate_visits(cohort, time_decimals=time_decimals), time_decimals)
    Path(path).write_text(text, encoding="utf-8", newline="")


def assumptions_text(assumptions=ASSUMPTIONS) -> str:
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow(["topic", "value", "tier_mark", "reason"])
    w.writerows(assumptions)
    return buffer.getvalue()


def write_visits() -> None:
    """Write ``data/visits.csv`` and ``data/visits_assumptions.csv``."""
    VISITS_PATH.write_text(visits_text(generate_visits()), encoding="utf-8", newline="")
    ASSUMPTIONS_PATH.write_text(assumptions_text(), encoding="utf-8", newline="")


if __name__ == "__main__":
    write_visits()

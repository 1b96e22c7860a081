"""What the study's limitations could do to its estimates: the limitations chapter's logic.

Sensitivity analyses, each a stated model, not a finding:

* **Unrecorded worsening** (unblinded raters). If a share ``f`` of true worsening events
  went unrecorded, and unrecorded events were spread like recorded ones, the observed
  cumulative hazard is ``(1 - f)`` times the true one, so

      S_true(t) = S_obs(t) ** (1 / (1 - f))            (:func:`inflate`)

  The *tipping point* is the ``f`` at which S_true at a time point falls to a reference
  level c: ``f = 1 - ln S_obs / ln c`` (:func:`tipping_point`), shown as a curve over the
  published 95% interval (:func:`tipping_curve`). No external comparator shares the
  endpoint and population (:func:`comparator_candidates` says why each is not used), so
  c is a stated level of DWFS itself (:data:`REFERENCE_LEVEL`).
  :func:`km_with_unrecorded_events` applies the same model step by step to a Kaplan-Meier
  curve (a discretised version of the same model, not an independent check).
* **Censoring** (retrospective follow-up). Bounds for S(t) that make no assumption
  about patients censored before ``t``: all worsening-free at ``t`` (best case) or all
  worsened at their censoring time (worst case) (:func:`censoring_bounds`).
* **Late deaths** (an assumption of the reconstruction: nobody dies after day 100).
  With deaths at a peer cohort's overall survival, independent of worsening, the share
  alive and worsening-free is DWFS times overall survival (:func:`late_death_alternative`).
* **Reconstructed data**: the ensemble of alternative reconstructions
  (:mod:`hsct_ms.reconstruction.ensemble`): its distributions, the settings that drive
  them and the failed draws (:func:`ensemble_conclusions`, :func:`spread_table`,
  :func:`failure_counts`).

Charts are in :mod:`hsct_ms.display.limitations_charts`, table formatting in
:mod:`hsct_ms.display.limitations_tables`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from hsct_ms import stats, terms
from hsct_ms.errors import CannotCompute
from hsct_ms.inputs import cohort, published
from hsct_ms.paths import SHIPPED_COHORT
from hsct_ms.reconstruction import ensemble

__all__ = [
    "inflate",
    "tipping_point",
    "km_with_unrecorded_events",
    "censoring_bounds",
    "censoring_bounds_table",
    "REFERENCE_LEVEL",
    "published_points",
    "tipping_curve",
    "tipping_summary",
    "COMPARATOR_VERDICTS",
    "comparator_candidates",
    "LATE_DEATH_SOURCE",
    "late_death_alternative",
    "shipped_longest_followup",
    "failure_counts",
    "ENSEMBLE_COLUMNS",
    "ensemble_conclusions",
    "spread_table",
    "definition_range",
]


def inflate(observed_survival, unrecorded_share):
    """True survival if a share of worsening events went unrecorded: ``S ** (1 / (1 - f))``.

    Parameters
    ----------
    observed_survival : float or array-like
        Observed S(t), proportions in [0, 1].
    unrecorded_share : float or array-like
        f, the share of true events not recorded, in [0, 1).

    Notes
    -----
    Assumes unrecorded events are spread over time like recorded ones (the observed
    hazard is ``1 - f`` times the true hazard at every time), and that an unrecorded
    event does not change who stays in follow-up.
    """
    s = np.asarray(observed_survival, dtype=float)
    f = np.asarray(unrecorded_share, dtype=float)
    if np.any((s < 0) | (s > 1)):
        raise ValueError("observed survival must be within [0, 1]")
    if np.any((f < 0) | (f >= 1)):
        raise ValueError("the unrecorded share must be within [0, 1)")
    out = s ** (1.0 / (1.0 - f))
    return float(out) if out.ndim == 0 else out


def tipping_point(observed_survival: float, comparator: float, group: str | None = None) -> float:
    """The unrecorded share f at which :func:`inflate` brings ``observed_survival`` down to ``comparator``.

    ``f = 1 - ln(S_obs) / ln(c)``, always in [0, 1), the domain of :func:`inflate`.
    Returns 0 when the observed value is already at or below the comparator (no
    unrecorded events are needed).

    Raises
    ------
    hsct_ms.errors.CannotCompute
        When ``observed_survival`` is 1 (no worsening recorded by then) or not a number
        (no patient followed that long): under the model unrecorded events are a share
        of all events, so a curve with no recorded event stays at 1 whatever the share
        (the formula would give f = 1, outside the model). ``group`` names the group in
        the message.

    Examples
    --------
    >>> round(tipping_point(0.713, 0.41), 4)
    0.6206
    """
    s, c = float(observed_survival), float(comparator)
    if not (0 < c < 1):
        raise ValueError(f"comparator must be strictly between 0 and 1, got {c!r}")
    where = f" in the {terms.GROUP_LABELS.get(group, group)} group" if group else ""
    if math.isnan(s):
        raise CannotCompute(
            "the tipping point of unrecorded worsening",
            f"no worsening-free proportion is estimated at the time point{where}: no patient is followed "
            "that long", "A cohort with follow-up reaching the time point gives it.")
    if s == 1:
        raise CannotCompute(
            "the tipping point of unrecorded worsening",
            f"no worsening is recorded by the time point{where} (100% worsening-free); under the model "
            "unrecorded events are a share of all events, so no share brings a curve without recorded "
            f"events down to {c:.0%}", "The tipping point exists once at least one worsening is recorded "
            "by the time point.")
    if not (0 < s <= 1):
        raise ValueError(f"observed survival must be in (0, 1], got {s!r}")
    if s <= c:
        return 0.0
    return 1.0 - math.log(s) / math.log(c)


def km_with_unrecorded_events(durations, events, unrecorded_share: float, times) -> np.ndarray:
    """Kaplan-Meier S(t) with the events at each step scaled up by ``1 / (1 - f)``.

    A direct cross-check of :func:`inflate`: each factor ``1 - d / n`` of the product
    becomes ``1 - min(1, d / ((1 - f) n))``, as if every recorded worsening stood for
    ``1 / (1 - f)`` true ones among the same patients at risk.
    """
    f = float(unrecorded_share)
    if not 0 <= f < 1:
        raise ValueError("the unrecorded share must be within [0, 1)")
    table = stats.km_table(durations, events)
    factor = 1.0 - np.minimum(1.0, table["events"].to_numpy(float) / ((1.0 - f) * table["at_risk"].to_numpy(float)))
    curve = np.cumprod(factor)
    q = np.atleast_1d(np.asarray(times, dtype=float))
    idx = np.searchsorted(table["time"].to_numpy(), q, side="right") - 1
    return np.where(idx < 0, 1.0, curve[np.maximum(idx, 0)])


def censoring_bounds(durations, events, time: float) -> dict[str, float]:
    """Best- and worst-case S(time) for patients censored before ``time``.

    Parameters
    ----------
    durations, events : array-like
        Time to worsening or censoring, and 1 = worsening, 0 = censored.
    time : float
        The time point (years).

    Returns
    -------
    dict
        ``km`` (Kaplan-Meier S(time); NaN when nobody was followed to ``time``, where
        the curve would only carry its last value forward); ``best`` (every patient censored before
        ``time`` counted worsening-free at ``time``: 1 - D / N); ``worst`` (every
        patient censored before ``time`` counted as worsened at censoring:
        1 - (D + C) / N), where N is all patients, D those with worsening at or
        before ``time`` and C those censored strictly before ``time``; and ``n``,
        ``events``, ``censored_before`` (N, D, C).

    Notes
    -----
    The bounds hold whatever happened to censored patients, so they bracket the
    Kaplan-Meier estimate, which assumes censoring unrelated to worsening.
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=int)
    n = t.size
    d = int(((e == 1) & (t <= time)).sum())
    c = int(((e == 0) & (t < time)).sum())
    # Nobody followed to ``time``: the curve would only carry its last value forward.
    km = float(stats.km_at(t, e, [time])[0][0]) if n and t.max() >= time else np.nan
    return {"km": km, "best": 1 - d / n, "worst": 1 - (d + c) / n, "n": n, "events": d, "censored_before": c}


def censoring_bounds_table(frames: Mapping[str, pd.DataFrame], years: Sequence[float] = (5, 10),
                           duration_col: str = "dwfs_years", event_col: str = "worsening") -> pd.DataFrame:
    """:func:`censoring_bounds` for each group and year: ``group, year`` + its keys."""
    rows = []
    for label, frame in frames.items():
        for year in years:
            bounds = censoring_bounds(frame[duration_col].to_numpy(float), frame[event_col].to_numpy(int), year)
            rows.append({"group": label, "year": year, **bounds})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- tipping point

#: The reference level of the tipping point: one half worsening-free at 10 years, the
#: level below which "more than half" (the press release's wording) would fail. A level
#: of DWFS itself, so endpoint and population are the study's own (no external comparator
#: shares them: :data:`COMPARATOR_VERDICTS`).
REFERENCE_LEVEL = 0.5


def published_points(years=(10,), groups=terms.COMPARED_GROUPS) -> pd.DataFrame:
    """The published DWFS of each group at each of ``years`` (proportions).

    Columns ``group, year, estimate, lower, upper`` (the 95% interval), from
    ``data/published/values.csv`` (abstract).
    """
    rows = []
    for group in groups:
        name = terms.PUBLISHED_GROUP[group]
        for year in years:
            rows.append({"group": group, "year": year,
                         **{key: published.dwfs_value(name, year, kind) / 100
                            for key, kind in (("estimate", "estimate"), ("lower", "ci_lower"),
                                              ("upper", "ci_upper"))}})
    return pd.DataFrame(rows)


def tipping_curve(points: pd.DataFrame, level: float = REFERENCE_LEVEL, steps: int = 41) -> pd.DataFrame:
    """The tipping point over each group's published 95% interval.

    For ``steps`` values of the observed S from ``lower`` to ``upper`` of ``points``
    (:func:`published_points`), the unrecorded share f that brings S down to ``level``
    (:func:`tipping_point`). Columns ``group, observed, tipping_point``. Published
    numbers and the model alone: valid whatever the patients were.
    """
    rows = []
    for point in points.itertuples(index=False):
        for observed in np.linspace(point.lower, point.upper, steps):
            rows.append({"group": point.group, "observed": float(observed),
                         "tipping_point": tipping_point(observed, level, point.group)})
    return pd.DataFrame(rows)


def tipping_summary(points: pd.DataFrame, level: float = REFERENCE_LEVEL) -> pd.DataFrame:
    """Tipping point at the published lower bound, estimate and upper bound of each group.

    Columns ``group, estimate, lower, upper`` (published S) and ``f_lower, f_estimate,
    f_upper`` (the share f at each of them).
    """
    out = points[["group", "estimate", "lower", "upper"]].copy()
    for kind in ("lower", "estimate", "upper"):
        out[f"f_{kind}"] = [tipping_point(s, level, group) for s, group in zip(out[kind], out["group"])]
    return out


# --------------------------------------------------------------------------- comparators

#: Study key -> why its result cannot serve as the comparator of the tipping point (the
#: same endpoint, DWFS, in a comparable population is required).
COMPARATOR_VERDICTS = {
    "cree2016": "not used: EDSS stable or improved at the last visit is not DWFS (a patient who "
                "worsened and recovered counts as stable), and a clinic population on treatment "
                "is not a population selected for transplant",
    "burt2019": "not used: progression in RRMS within an EDSS range over a short median "
                "follow-up; another endpoint definition, population and time",
    "boffa2023": "not used: confirmed progression in active SPMS only; another endpoint "
                 "confirmation rule and population",
}


def comparator_candidates() -> pd.DataFrame:
    """The external results considered as comparators, from ``data/published/studies.csv``.

    Columns ``key, study, design, population, endpoint, verdict`` (:data:`COMPARATOR_VERDICTS`).
    """
    studies = published.load_studies().set_index("key")
    rows = [{"key": key, "study": studies.loc[key, "label"], "design": studies.loc[key, "design"],
             "population": studies.loc[key, "population"], "endpoint": studies.loc[key, "endpoint"],
             "verdict": verdict} for key, verdict in COMPARATOR_VERDICTS.items()]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- late deaths

#: The published overall survival used for the late-death alternative (Muraro 2017, EBMT).
LATE_DEATH_SOURCE = "muraro2017_os_all_5y_estimate"


def late_death_alternative(points: pd.DataFrame, overall_survival_5y: float,
                           years=(5, 10)) -> pd.DataFrame:
    """Worsening-free and alive, if deaths followed a peer cohort's overall survival.

    Parameters
    ----------
    points : pandas.DataFrame
        ``group, year, estimate`` (published DWFS, proportions), for ``years``.
    overall_survival_5y : float
        Overall survival at 5 years (proportion), e.g. Muraro 2017's 93%.

    Returns
    -------
    pandas.DataFrame
        ``group, year, dwfs, overall_survival, alive_and_worsening_free, difference``:
        ``overall_survival = OS5 ** (year / 5)`` (a constant death hazard, an
        assumption), and ``alive_and_worsening_free = dwfs * overall_survival``.

    Notes
    -----
    The product holds if death is independent of worsening and DWFS is read as
    worsening in a world without death (deaths censored, as in the book). The peer
    cohort's deaths include transplant-related ones; applied on top of the study's own
    early deaths this is a pessimistic alternative, not an estimate.
    """
    rows = []
    for point in points.itertuples(index=False):
        if point.year not in years:
            continue
        alive = overall_survival_5y ** (point.year / 5)
        rows.append({"group": point.group, "year": point.year, "dwfs": point.estimate,
                     "overall_survival": alive, "alive_and_worsening_free": point.estimate * alive,
                     "difference": point.estimate * alive - point.estimate})
    return pd.DataFrame(rows)


def shipped_longest_followup() -> float:
    """The longest follow-up (years) in the shipped reconstruction: how long its
    no-late-death assumption runs."""
    return float(cohort.read_cohort(SHIPPED_COHORT)["followup_years"].max())


# --------------------------------------------------------------------------- the ensemble

#: Failure text of :mod:`hsct_ms.reconstruction` -> the reason the chapter names.
FAILURE_REASONS = {
    "data cut-off": "follow-up did not fit between the transplant years and the data cut-off",
    "no configuration met": "no calibration configuration met the published targets",
}


def failure_counts(draws: pd.DataFrame) -> pd.DataFrame:
    """Draws that are not members, by status and reason: ``status, reason, draws``.

    A failure text matching no entry of :data:`FAILURE_REASONS` is counted as
    ``other``; for ``targets_not_met`` the reason is the first missed target.
    """
    failed = draws[(draws["status"] != "member") & (draws["block"] == ensemble.VARIED)]
    reasons = []
    for status, failure in zip(failed["status"], failed["failure"]):
        if status == "targets_not_met":
            reasons.append(f"missed: {failure.split(';')[0]}")
            continue
        reasons.append(next((reason for pattern, reason in FAILURE_REASONS.items() if pattern in failure), "other"))
    frame = pd.DataFrame({"status": failed["status"].to_numpy(), "reason": reasons})
    return frame.value_counts().rename("draws").reset_index().sort_values(
        ["status", "draws", "reason"], ascending=[True, False, True], ignore_index=True)


#: Ensemble column -> (what it is, spread measured on the log scale).
ENSEMBLE_COLUMNS = {
    "dwfs_all_10y": ("whole-cohort DWFS at 10 years", False),
    "logrank_p": ("log-rank p, RRMS vs progressive", True),
    "cox_hr": ("Cox hazard ratio, progressive vs RRMS", True),
    "rmst_difference_10y": ("restricted mean worsening-free years to 10, RRMS minus progressive", False),
}


def ensemble_conclusions(ensemble_members: pd.DataFrame) -> pd.DataFrame:
    """Conclusions about the subtype difference and the share of the reconstructions where each holds.

    Columns ``conclusion, share, by_construction``. The hazard ratio is above 1 in every
    member by construction: every member meets the published estimates, which are lower
    for progressive MS than for RRMS at 5 and 10 years.
    """
    rows = [
        ("hazard ratio of progressive MS against RRMS above 1", (ensemble_members["cox_hr"] > 1).mean(), True),
        ("log-rank test of RRMS against progressive MS below 0.05", (ensemble_members["logrank_p"] < 0.05).mean(),
         False),
        ("95% interval of the hazard ratio excludes 1", (ensemble_members["cox_lower"] > 1).mean(), False),
    ]
    return pd.DataFrame(rows, columns=["conclusion", "share", "by_construction"]).astype({"share": float})


def spread_table(draws: pd.DataFrame, columns=tuple(ENSEMBLE_COLUMNS)) -> pd.DataFrame:
    """For each statistic: the setting that drives its spread most, and the seed noise.

    Columns ``statistic, top_setting, top_share, all_settings_share, seed_share,
    chance_share`` (shares of the variance over the members,
    :func:`hsct_ms.reconstruction.ensemble.spread_drivers`; p-values and hazard ratios on
    the log scale). ``seed_share`` is the variance between seeds at fixed settings over
    the variance between members: near or above 1, the seed alone spreads the statistic as
    much as the whole ensemble does. ``chance_share`` is what a setting with no effect
    explains on average by chance, ``1 / (members - 1)``, and ``chance_all_share`` what
    all settings together explain by chance, ``k / (members - 1)`` for ``k`` terms.
    """
    n_members = len(ensemble.members(draws))
    n_terms = len(ensemble.RANGES) + len(ensemble.DEATH_SUBTYPE_ORDERS) - 1
    rows = []
    for column in columns:
        drivers = ensemble.spread_drivers(draws, column, log=ENSEMBLE_COLUMNS[column][1])
        settings = drivers[drivers["kind"] == "setting"].sort_values("share_of_variance", ascending=False)
        by_kind = drivers.set_index("kind")["share_of_variance"]
        rows.append({"statistic": column, "top_setting": settings["source"].iloc[0],
                     "top_share": float(settings["share_of_variance"].iloc[0]),
                     "all_settings_share": float(by_kind["all settings"]), "seed_share": float(by_kind["seed"]),
                     "chance_share": 1 / (n_members - 1), "chance_all_share": n_terms / (n_members - 1)})
    return pd.DataFrame(rows)


def definition_range(sensitivity: pd.DataFrame | None, group: str = terms.RRMS, year: float = 10.0,
                     min_count: int = 0) -> tuple[float, float] | None:
    """Lowest and highest DWFS at ``year`` in ``group`` over the definitions of worsening of
    :func:`hsct_ms.analysis.disability.sensitivity_table` (``sensitivity``).

    Estimates with fewer than ``min_count`` patients at risk are left out, as the table
    withholds them. None without visits, or when no definition gives a shown estimate.
    """
    if sensitivity is None:
        return None
    at = sensitivity[(sensitivity["group"] == group) & (sensitivity["year"] == year)]
    if min_count > 0:
        at = at[at["at_risk"] >= min_count]
    at = at[at["survival"].notna()]
    if at.empty:
        return None
    return float(at["survival"].min()), float(at["survival"].max())

"""Disability-worsening-free survival by subtype: the analyses of the outcomes chapter.

The chapter calls these functions and shows their results; the logic lives here so it
is tested (``tests/unit/analysis/test_outcomes.py``). Groups, group keys and the
tolerances of published targets come from :mod:`hsct_ms.terms`. The sensitivity
analyses, the comparison from published numbers alone and the follow-up checks are in
:mod:`hsct_ms.analysis.outcomes_sensitivity`.

Main estimand: time from transplant to confirmed EDSS worsening; a patient who dies
without worsening is censored at death (``dwfs_years``, ``worsening`` of the cohort file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from scipy.stats import norm

from hsct_ms import stats, terms
from hsct_ms.errors import CannotCompute
from hsct_ms.inputs import published
from hsct_ms.terms import progressive_mask

__all__ = [
    "reproduction_table",
    "interval_comparison",
    "model_frame",
    "cox_models",
    "ph_tests",
    "restricted_means",
    "logrank",
    "ENSEMBLE_STATISTICS",
    "ensemble_statistics",
    "cohort_statistics",
    "subtype_statistics",
    "SPREAD_STATISTICS",
    "spread_sources",
]

#: Reproduction-table quantity -> the ``kind`` of :func:`hsct_ms.inputs.published.dwfs_value`.
_PUBLISHED_KIND = {"estimate": "estimate", "lower": "ci_lower", "upper": "ci_upper"}


def reproduction_table(
    patients: pd.DataFrame,
    years=(5, 10),
    published_value: Callable[[str, float, str], float] = published.dwfs_value,
    duration_col: str = "dwfs_years",
    event_col: str = "worsening",
) -> pd.DataFrame:
    """Published DWFS estimates and plain 95% bounds beside those of ``patients``.

    Parameters
    ----------
    patients : DataFrame
        Cohort, one row per patient.
    years : sequence of float
        Time points (the paper publishes 5 and 10 years).
    published_value : callable
        ``(group, year, kind) -> percent``; :func:`hsct_ms.inputs.published.dwfs_value` by default.

    Returns
    -------
    pandas.DataFrame
        One row per group, year and quantity (``estimate``, ``lower``, ``upper``):
        ``published`` and ``computed`` in percent, ``difference`` (computed -
        published, points), ``tolerance`` (:data:`hsct_ms.terms.TOLERANCE`), ``within``
        (bool) and ``at_risk`` at that year.
    """
    frames = terms.group_members(patients, terms.COMPARED_GROUPS)
    rows = []
    for group, frame in frames.items():
        at = stats.survival_at(frame[duration_col].to_numpy(float), frame[event_col].to_numpy(int),
                               np.asarray(years, dtype=float))
        for i, year in enumerate(years):
            for quantity, kind in _PUBLISHED_KIND.items():
                pub = float(published_value(terms.PUBLISHED_GROUP[group], year, kind))
                computed = 100 * float(at["survival" if quantity == "estimate" else quantity].iloc[i])
                tol = terms.tolerance("dwfs", kind)
                rows.append({
                    "group": group, "year": year, "quantity": quantity, "published": pub,
                    "computed": computed, "difference": computed - pub, "tolerance": tol,
                    "within": bool(abs(computed - pub) <= tol + 1e-9),
                    "at_risk": int(at["at_risk"].iloc[i]),
                })
    return pd.DataFrame(rows)


def interval_comparison(frames: Mapping[str, pd.DataFrame], years=(5, 10),
                        duration_col: str = "dwfs_years", event_col: str = "worsening") -> pd.DataFrame:
    """Plain and log-log Greenwood 95% intervals at ``years``, as proportions.

    Read off :func:`hsct_ms.stats.km_table` (the row of the last distinct time at or
    before each year). Columns: ``group, year, survival, lower, upper, lower_loglog,
    upper_loglog``.
    """
    rows = []
    for label, frame in frames.items():
        table = stats.km_table(frame[duration_col].to_numpy(float), frame[event_col].to_numpy(int))
        for year in years:
            idx = int(np.searchsorted(table["time"].to_numpy(), year, side="right")) - 1
            if idx < 0:
                values = dict(survival=1.0, lower=1.0, upper=1.0, lower_loglog=np.nan, upper_loglog=np.nan)
            else:
                values = table.iloc[idx][["survival", "lower", "upper", "lower_loglog", "upper_loglog"]].to_dict()
            rows.append({"group": label, "year": year, **{k: float(v) for k, v in values.items()}})
    return pd.DataFrame(rows)


def model_frame(patients: pd.DataFrame) -> pd.DataFrame:
    """The patients with ``progressive`` coded 1 (SPMS or PPMS) or 0 (RRMS)."""
    return patients.assign(progressive=progressive_mask(patients).astype(int))


#: Model name -> covariates.
MODELS = {
    "unadjusted": ["progressive"],
    "adjusted for age and baseline EDSS": ["progressive", "age", "baseline_edss"],
}


def _for_each_model(analysis, patients: pd.DataFrame, duration_col: str, event_col: str) -> pd.DataFrame:
    """``analysis(frame, duration, event, covariates)`` for each model of :data:`MODELS`,
    stacked with ``model`` and ``covariate`` first."""
    frame = model_frame(patients)
    parts = [analysis(frame, duration_col, event_col, covariates).reset_index().assign(model=name)
             for name, covariates in MODELS.items()]
    out = pd.concat(parts, ignore_index=True)
    return out[["model", "covariate", *[c for c in out.columns if c not in ("model", "covariate")]]]


def cox_models(patients: pd.DataFrame, duration_col: str = "dwfs_years",
               event_col: str = "worsening") -> pd.DataFrame:
    """Cox models of :data:`MODELS`, stacked: ``model, covariate`` + :func:`hsct_ms.stats.cox_model` columns."""
    return _for_each_model(stats.cox_model, patients, duration_col, event_col)


def ph_tests(patients: pd.DataFrame, duration_col: str = "dwfs_years",
             event_col: str = "worsening") -> pd.DataFrame:
    """Grambsch-Therneau tests of proportional hazards (lifelines; R ``cox.zph`` before 3.0, KM time scale) per model of :data:`MODELS`."""
    return _for_each_model(stats.cox_ph_test, patients, duration_col, event_col)


def restricted_means(frames: Mapping[str, pd.DataFrame], tau: float = 10.0,
                     duration_col: str = "dwfs_years", event_col: str = "worsening") -> pd.DataFrame:
    """Restricted mean worsening-free time up to ``tau`` per group, with plain 95% interval.

    Columns ``group, rmst, se, lower, upper, last_followup`` (years); a group whose
    last follow-up is before ``tau`` has its curve carried flat to ``tau``.
    """
    rows = []
    for label, frame in frames.items():
        t = frame[duration_col].to_numpy(float)
        result = stats.restricted_mean(t, frame[event_col].to_numpy(int), tau)
        rows.append({"group": label, **result, "last_followup": float(t.max())})
    return pd.DataFrame(rows)


def logrank(patients: pd.DataFrame, duration_col: str = "dwfs_years", event_col: str = "worsening") -> dict:
    """Log-rank test of RRMS against progressive MS (:func:`hsct_ms.stats.logrank_test`).

    Groups are labelled ``"RRMS"`` and ``"Progressive"`` in ``observed`` and ``expected``.
    """
    labels = np.where(progressive_mask(patients), terms.PROGRESSIVE, terms.RRMS)
    return stats.logrank_test(patients[duration_col].to_numpy(float), patients[event_col].to_numpy(int), labels)


# --------------------------------------------------------------------------- RRMS vs progressive

#: Statistics of the subtype comparison that no published number pins down, in display
#: order: the columns of ``data/ensemble.csv`` that hold them (the RMST columns appear
#: once the ensemble records them).
ENSEMBLE_STATISTICS = ("logrank_chi2", "logrank_p", "cox_hr", "cox_lower", "cox_upper", "cox_p",
                       "rmst_rrms_10y", "rmst_progressive_10y", "rmst_difference_10y")


def ensemble_statistics(members: pd.DataFrame) -> pd.DataFrame:
    """Median and range of each statistic of :data:`ENSEMBLE_STATISTICS` over the members.

    Returns columns ``statistic, value`` (median), ``lower``, ``upper`` (minimum and
    maximum) and ``n`` (members), for the statistics the ensemble file holds.
    """
    rows = [{"statistic": name, "value": float(members[name].median()), "lower": float(members[name].min()),
             "upper": float(members[name].max()), "n": int(members[name].notna().sum())}
            for name in ENSEMBLE_STATISTICS if name in members.columns]
    return pd.DataFrame(rows)


def cohort_statistics(patients: pd.DataFrame, tau: float = 10.0) -> pd.DataFrame:
    """The same statistics as :func:`ensemble_statistics`, estimated on ``patients``.

    ``value`` is the estimate, ``lower``/``upper`` its 95% interval (Wald for hazard
    ratios, plain for restricted means; the RMST difference treats the groups as
    independent). The adjusted Cox terms and the global proportional-hazards test are
    added (``cox_adj_hr``, ``cox_adj_age``, ``cox_adj_edss``, ``ph_global_p``).

    A Cox model or test that cannot be estimated on this cohort
    (:class:`hsct_ms.errors.CannotCompute` from :mod:`hsct_ms.stats.cox`) leaves its rows
    empty (NaN) with the reason in ``note``; the other statistics are still given.
    """
    test = logrank(patients)
    rmst = restricted_means(terms.group_members(patients, terms.COMPARED_GROUPS), tau).set_index("group")
    rows = [("logrank_chi2", test["chi2"], np.nan, np.nan, ""), ("logrank_p", test["p"], np.nan, np.nan, "")]
    frame = model_frame(patients)

    def attempt(analysis, model: str):
        try:
            return analysis(frame, "dwfs_years", "worsening", MODELS[model]), ""
        except CannotCompute as refusal:
            return None, refusal.why

    unadjusted, note = attempt(stats.cox_model, "unadjusted")
    if unadjusted is None:
        rows += [("cox_hr", np.nan, np.nan, np.nan, note), ("cox_p", np.nan, np.nan, np.nan, note)]
    else:
        row = unadjusted.loc["progressive"]
        rows += [("cox_hr", row["hazard_ratio"], row["lower"], row["upper"], ""), ("cox_p", row["p"], np.nan, np.nan, "")]
    for group, key in ((terms.RRMS, "rrms"), (terms.PROGRESSIVE, "progressive")):
        rows.append((f"rmst_{key}_10y", rmst.loc[group, "rmst"], rmst.loc[group, "lower"], rmst.loc[group, "upper"], ""))
    difference = rmst.loc[terms.RRMS, "rmst"] - rmst.loc[terms.PROGRESSIVE, "rmst"]
    half_width = norm.ppf(0.975) * float(np.hypot(rmst.loc[terms.RRMS, "se"], rmst.loc[terms.PROGRESSIVE, "se"]))
    rows.append(("rmst_difference_10y", difference, difference - half_width, difference + half_width, ""))
    adjusted_name = "adjusted for age and baseline EDSS"
    adjusted, note = attempt(stats.cox_model, adjusted_name)
    for covariate, key in (("progressive", "cox_adj_hr"), ("age", "cox_adj_age"), ("baseline_edss", "cox_adj_edss")):
        if adjusted is None:
            rows.append((key, np.nan, np.nan, np.nan, note))
        else:
            row = adjusted.loc[covariate]
            rows.append((key, row["hazard_ratio"], row["lower"], row["upper"], ""))
    ph, note = attempt(stats.cox_ph_test, adjusted_name) if adjusted is not None else (None, note)
    rows.append(("ph_global_p", np.nan if ph is None else float(ph.loc["GLOBAL", "p"]), np.nan, np.nan, note))
    out = pd.DataFrame(rows, columns=["statistic", "value", "lower", "upper", "note"])
    return out.astype({"value": float, "lower": float, "upper": float}).assign(n=1)


def subtype_statistics(patients: pd.DataFrame, is_shipped: bool, members: pd.DataFrame | None = None) -> pd.DataFrame:
    """RRMS against progressive MS, shown the way the evidence allows (the one switch).

    On the shipped reconstruction these statistics are not pinned down by any published
    number, so they are shown as their median and range over the reconstruction ensemble
    (``members``, by default the members of ``data/ensemble.csv``), never as one draw's
    estimate. On a user's cohort they are that cohort's estimates with 95% intervals.
    Columns: ``statistic, value, lower, upper, n, basis`` (``ensemble`` or ``cohort``).
    """
    if not is_shipped:
        return cohort_statistics(patients).assign(basis="cohort")
    if members is None:
        # Imported here: the ensemble module computes its rows with this module's analyses.
        from hsct_ms.reconstruction import ensemble as reconstruction_ensemble

        members = reconstruction_ensemble.members(reconstruction_ensemble.load_ensemble())
    return ensemble_statistics(members).assign(basis="ensemble")


#: Statistic -> whether its spread is read on a log scale (p-values and hazard ratios
#: vary multiplicatively).
SPREAD_STATISTICS = {"logrank_p": True, "cox_hr": True, "rmst_difference_10y": False}


def spread_sources(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """How much of each statistic's spread over the ensemble the varied settings explain.

    Reads :func:`hsct_ms.reconstruction.ensemble.spread_drivers` for the statistics of
    :data:`SPREAD_STATISTICS` that the ensemble holds. Returns columns ``statistic``,
    ``settings_share`` (all varied settings together, linear model), ``top_setting``
    and ``top_share`` (the single setting that explains most). What the settings leave
    unexplained is the random seed of each reconstruction and non-linear effects.
    """
    from hsct_ms.reconstruction import ensemble as reconstruction_ensemble  # see subtype_statistics

    if frame is None:
        frame = reconstruction_ensemble.load_ensemble()
    rows = []
    for statistic, log in SPREAD_STATISTICS.items():
        if statistic not in frame.columns:
            continue
        drivers = reconstruction_ensemble.spread_drivers(frame, statistic, log=log)
        settings = drivers[drivers["kind"] == "setting"].sort_values("share_of_variance", ascending=False)
        rows.append({"statistic": statistic,
                     "settings_share": float(drivers.loc[drivers["kind"] == "all settings", "share_of_variance"].iloc[0]),
                     "top_setting": settings["source"].iloc[0], "top_share": float(settings["share_of_variance"].iloc[0])})
    return pd.DataFrame(rows, columns=["statistic", "settings_share", "top_setting", "top_share"])

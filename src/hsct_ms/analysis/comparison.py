"""The study among its peers: headline estimates, what differs, and when pooling is allowed.

Everything here is read from ``data/published/`` through :mod:`hsct_ms.inputs.published`;
no estimate is typed, nothing comes from the cohort file. The chapter
(chapters/comparison.md) only orchestrates; the chart is
:mod:`hsct_ms.display.forest_chart`.

- :func:`headline_estimates` is the tidy table: one row per published headline
  estimate (a percentage or a hazard ratio) of this study and of the peers, with its
  interval, design, population and the studies it may share patients with.
- :func:`pooling_groups` decides which estimates may be pooled: only those that agree
  on design, population, endpoint, time point and interval type, from at least
  :data:`MIN_STUDIES` studies that share no patients.
- :func:`dersimonian_laird` is the random-effects pooling (checked against R's
  ``metafor::rma(yi, vi, method = "DL")``); :func:`pool` applies it to the groups
  that qualify, if any.

Scales
------
Percentages are pooled on the logit scale, hazard ratios on the log scale; the
standard error of each estimate is recovered from its published interval on that
scale, ``(g(upper) - g(lower)) / (2 z)``. See :func:`analysis_scale`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special, stats

from hsct_ms import terms
from hsct_ms.inputs import published

__all__ = [
    "ENDPOINTS", "MIN_STUDIES", "POOLING_ATTRIBUTES",
    "headline_estimates", "pooling_groups", "not_pooled_reasons", "dersimonian_laird",
    "analysis_scale", "pool", "printed_values", "overlap_labels", "citation_keys", "headline_counts",
]

#: values.csv ``quantity`` -> endpoint as shown to readers, in display order.
ENDPOINTS = {
    "dwfs": "DWFS: free of EDSS worsening",
    "pfs": "PFS: progression-free",
    "efs": "EFS: event-free",
    "rfs": "RFS: relapse-free",
    "activity_free_survival": "MS-activity-free survival",
    "neda": "NEDA: no evidence of disease activity",
    "os": "OS: alive",
    "progression": "progressed (pooled in a meta-analysis)",
    "trm": "transplant-related mortality",
    "progression_hr": "HR of progression, aHSCT vs DMT",
    "neda3_failure_hr": "HR of NEDA-3 failure, BEAM+ATG vs other protocols",
}
#: Short endpoint names for the chart's row labels.
SHORT_ENDPOINTS = {"progression": "progressed", "trm": "TRM", "progression_hr": "HR progression",
                   "neda3_failure_hr": "HR NEDA-3 failure", "activity_free_survival": "MS-activity-free"}
#: Kinds of values.csv that are a headline point estimate, and the units they may have.
POINT_KINDS = ("estimate", "hazard_ratio")
HEADLINE_UNITS = {"percent": "Percentage at a time point", "ratio": "Hazard ratio"}
ROLES = ("this_study", "peer")
NO_INTERVAL = "no interval reported"
#: Fewer studies than this are never pooled: with two, the between-study variance is
#: not estimable and one study's weight decides the result.
MIN_STUDIES = 3
#: What estimates must share to be pooled (column of :func:`headline_estimates` -> words).
POOLING_ATTRIBUTES = {"design": "design", "population": "population", "endpoint": "endpoint",
                      "time": "time point", "interval_type": "interval type"}
#: values.csv ``group`` of an estimate -> its population, where the group names one.
GROUP_POPULATIONS = {terms.PUBLISHED_GROUP[terms.RRMS]: terms.RRMS, "relapsing MS": "relapsing MS",
                     terms.PUBLISHED_GROUP[terms.PROGRESSIVE]: terms.GROUP_LABELS[terms.PROGRESSIVE]}


def _interval_type(level: float) -> str:
    return NO_INTERVAL if pd.isna(level) else f"{100 * level:g}% CI"


def _fmt(x: float) -> str:
    return f"{x:g}"


def printed_values() -> pd.Series:
    """key -> value as transcribed in values.csv (the published digits: "0.50", "2.0")."""
    text = pd.read_csv(published.VALUES_CSV, dtype=str, keep_default_na=False, encoding="utf-8")
    return text.set_index("key")["value"]


def overlap_labels(studies: pd.DataFrame) -> pd.Series:
    """study key (index of ``studies``) -> the studies it may share patients or centres with.

    Labels of ``overlap_with``; where that is blank, "none known" when the
    ``overlap_note`` says so, else "cannot be ruled out" (a meta-analysis of unnamed studies).
    """
    labels = studies["label"]
    named = studies["overlap_with"].fillna("").map(
        lambda cell: ", ".join(labels[k.strip()] for k in cell.split(";") if k.strip()))
    unnamed = studies["overlap_note"].fillna("").str.startswith("none known").map(
        {True: "none known", False: "cannot be ruled out"})
    return named.where(named != "", unnamed)


def _group_n(values: pd.DataFrame, study: str, group: str, study_n) -> tuple[str, float]:
    """Patients behind an estimate: the group's published count, else the study's n."""
    counts = values[(values["study"] == study) & (values["quantity"] == "patients")
                    & (values["kind"] == "count")]
    exact = counts[counts["group"].str.lower() == group.lower()]
    if len(exact) == 1:
        n = float(exact["value"].iloc[0])
        return f"{n:,.0f}", n
    if " vs " in group:
        # a comparison: the published size of each arm ("HSCT arm", "DMT arm")
        arms = [counts[counts["group"].str.lower() == f"{arm.strip().lower()} arm"] for arm in group.split(" vs ")]
        if all(len(arm) == 1 for arm in arms):
            return " vs ".join(f"{float(arm['value'].iloc[0]):,.0f}" for arm in arms), float(
                sum(float(arm["value"].iloc[0]) for arm in arms))
    if group == "progressive":
        # SPMS + PPMS, each published (Boffa 2021): a sum of published counts.
        parts = counts[counts["group"].isin(["SPMS", "PPMS"])]
        if len(parts) == 2:
            n = float(parts["value"].sum())
            return f"{n:,.0f} (SPMS + PPMS)", n
    if pd.notna(study_n):
        return f"{int(study_n):,} (whole study)", float(study_n)
    return "not published as one number", np.nan


def headline_estimates(values: pd.DataFrame | None = None, studies: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per published headline estimate of this study and the peer cohorts.

    A headline estimate is a row of ``values.csv`` whose ``kind`` is ``estimate`` or
    ``hazard_ratio`` and whose unit is ``percent`` or ``ratio``, for a study whose
    role is ``this_study`` or ``peer``. Aggregates only: never patient rows.

    Returns
    -------
    pandas.DataFrame
        ``key, study, label, role, quantity, endpoint, group, time_years, time,
        scale, estimate, estimate_text`` (the published digits), ``lower, upper,
        ci_level, interval_type, interval, n, n_text, population`` (of the estimate:
        its group's where the group names one, else the study's), ``design``,
        ``overlap`` (studies it may share patients with), ``study_population,
        source``; ``lower``/``upper`` NaN when no interval is published.
        Percent values stay percent numbers. Sorted by scale, endpoint, time, study
        (this study first); ``row`` is the y label "study — endpoint, time".
    """
    values = published.load_values() if values is None else values
    studies = published.load_studies() if studies is None else studies
    studies = studies.set_index("key")
    keep = (values["kind"].isin(POINT_KINDS) & values["unit"].isin(list(HEADLINE_UNITS))
            & values["study"].map(studies["role"]).isin(ROLES))
    keyed = values.set_index("key")
    printed = printed_values()
    overlaps = overlap_labels(studies)
    rows = []
    for point in values[keep].itertuples(index=False):
        stem = point.key.removesuffix(f"_{point.kind}")
        lower = keyed["value"].get(f"{stem}_ci_lower", np.nan)
        upper = keyed["value"].get(f"{stem}_ci_upper", np.nan)
        study = studies.loc[point.study]
        n_text, n = _group_n(values, point.study, point.group, study["n"])
        time = "no time point" if pd.isna(point.time_years) else f"{point.time_years:g} y"
        interval_type = _interval_type(point.ci_level if pd.notna(lower) else np.nan)
        rows.append({
            "key": point.key,
            "study": point.study,
            "label": study["label"],
            "role": study["role"],
            "quantity": point.quantity,
            "endpoint": ENDPOINTS.get(point.quantity, point.quantity),
            "group": point.group,
            "time_years": point.time_years,
            "time": time,
            "scale": HEADLINE_UNITS[point.unit],
            "estimate": float(point.value),
            "estimate_text": printed[point.key],
            "lower": float(lower),
            "upper": float(upper),
            "ci_level": point.ci_level if pd.notna(lower) else np.nan,
            "interval_type": interval_type,
            "interval": NO_INTERVAL if pd.isna(lower) else (
                f"{printed.get(f'{stem}_ci_lower', _fmt(lower))} to "
                f"{printed.get(f'{stem}_ci_upper', _fmt(upper))} ({interval_type})"),
            "n": n,
            "n_text": n_text,
            "population": GROUP_POPULATIONS.get(point.group, study["population_group"]),
            "design": study["design_group"],
            "overlap": overlaps[point.study],
            "study_population": study["population"],
            "source": f"{point.source}, {point.locator}",
        })
    table = pd.DataFrame(rows)
    order = {q: i for i, q in enumerate(ENDPOINTS)}
    table = table.assign(
        _scale=table["scale"].map({s: i for i, s in enumerate(HEADLINE_UNITS.values())}),
        _endpoint=table["quantity"].map(order).fillna(len(order)),
        _time=table["time_years"].fillna(np.inf),
        _this=(table["role"] != "this_study").astype(int),
    ).sort_values(["_scale", "_endpoint", "_time", "_this", "label", "group"], kind="stable")
    table = table.drop(columns=["_scale", "_endpoint", "_time", "_this"]).reset_index(drop=True)
    group_text = table["group"].where(~table["group"].isin(["all", "pooled"]), "")
    short = [SHORT_ENDPOINTS.get(q, e.split(":")[0]) for q, e in zip(table["quantity"], table["endpoint"])]
    # hazard ratios cover the whole follow-up: no time in their label
    time_text = table["time"].where(table["scale"] != HEADLINE_UNITS["ratio"], "")
    table["row"] = [
        f"{label} — {endpoint}{', ' + group if group else ''}{', ' + time if time else ''}"
        for label, endpoint, group, time in zip(table["label"], short, group_text, time_text)
    ]
    return table


# --- pooling ------------------------------------------------------------------


def analysis_scale(scale: str):
    """The transform used to pool estimates of ``scale``, with its inverse and name.

    Percentages use the logit of the proportion: it keeps pooled values and bounds
    within 0 and 100, and near 90 % (HALT-MS, Boffa 2021 RRMS) the sampling
    distribution of a proportion is skewed, which the logit largely removes (several
    peers publish intervals that are asymmetric on the percent scale). Hazard ratios
    use the log, the scale on which they are estimated.
    """
    if scale == HEADLINE_UNITS["percent"]:
        return (lambda p: special.logit(np.asarray(p, float) / 100),
                lambda y: 100 * special.expit(np.asarray(y, float)), "logit of the proportion")
    if scale == HEADLINE_UNITS["ratio"]:
        return (lambda r: np.log(np.asarray(r, float)), lambda y: np.exp(np.asarray(y, float)), "log hazard ratio")
    raise ValueError(f"no pooling scale for {scale!r}")


def _pool_key(frame: pd.DataFrame) -> pd.Series:
    return frame[list(POOLING_ATTRIBUTES)].astype(str).agg(" | ".join, axis=1)


def _shares_patients(members: pd.DataFrame, studies: pd.DataFrame) -> list[str]:
    """Labels of member studies that may share patients with another member."""
    overlap = studies.set_index("key")["overlap_with"].fillna("")
    keys = set(members["study"])
    return [label for key, label in zip(members["study"], members["label"])
            if keys & {k.strip() for k in overlap.get(key, "").split(";") if k.strip()}]


def pooling_groups(forest: pd.DataFrame, min_studies: int = MIN_STUDIES,
                   studies: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every group of estimates with an interval that agree on :data:`POOLING_ATTRIBUTES`.

    A group qualifies for pooling when it holds estimates from at least
    ``min_studies`` different studies, one estimate per study, none of which may
    share patients with another (``overlap_with`` of studies.csv). Estimates without
    a published interval have no standard error and are never pooled.

    Returns
    -------
    pandas.DataFrame
        ``design, population, endpoint, quantity, time, interval_type, scale, studies``
        (labels), ``n_studies, n_estimates, qualifies, reason, pool_key``.
    """
    studies = published.load_studies() if studies is None else studies
    with_interval = forest[forest["interval_type"] != NO_INTERVAL]
    rows = []
    for key, members in with_interval.groupby(_pool_key(with_interval), sort=False):
        n_studies = members["study"].nunique()
        shared = _shares_patients(members, studies)
        qualifies = False
        if n_studies < min_studies:
            reason = (f"{n_studies} {'study' if n_studies == 1 else 'studies'} "
                      f"({', '.join(dict.fromkeys(members['label']))}); pooling needs at least {min_studies}")
        elif len(members) > n_studies:
            reason = "a study contributes more than one estimate"
        elif shared:
            reason = f"{', '.join(shared)} may share patients"
        else:
            reason, qualifies = f"{n_studies} studies agree on {', '.join(POOLING_ATTRIBUTES.values())}", True
        first = members.iloc[0]
        rows.append({
            "design": first["design"], "population": first["population"], "endpoint": first["endpoint"],
            "quantity": first["quantity"], "time": first["time"], "interval_type": first["interval_type"],
            "scale": first["scale"], "studies": ", ".join(dict.fromkeys(members["label"])),
            "n_studies": int(n_studies), "n_estimates": len(members),
            "qualifies": qualifies, "reason": reason, "pool_key": key,
        })
    columns = ["design", "population", "endpoint", "quantity", "time", "interval_type", "scale", "studies",
               "n_studies", "n_estimates", "qualifies", "reason", "pool_key"]
    return pd.DataFrame(rows, columns=columns)


def not_pooled_reasons(forest: pd.DataFrame, min_studies: int = MIN_STUDIES,
                       studies: pd.DataFrame | None = None) -> pd.DataFrame:
    """Why each estimate that is not pooled is not: one row per estimate.

    Reasons, computed: no interval; no other study has the endpoint at that time
    point; the other studies that do differ in design, population or interval type
    (each named); or too few studies agree.
    """
    groups = pooling_groups(forest, min_studies, studies).set_index("pool_key")
    keys = _pool_key(forest)
    rows = []
    for (_, row), key in zip(forest.iterrows(), keys):
        if key in groups.index and groups.loc[key, "qualifies"]:
            continue
        same = forest[(forest["quantity"] == row["quantity"]) & (forest["time"] == row["time"])
                      & (forest["study"] != row["study"])]
        reasons = []
        if row["interval_type"] == NO_INTERVAL:
            reasons.append("no interval reported, so no standard error")
        if same.empty:
            reasons.append("no other study reports this endpoint at this time point")
        for other in same.drop_duplicates("study").itertuples(index=False):
            differ = [f"{words} ({getattr(other, column)})" for column, words in POOLING_ATTRIBUTES.items()
                      if getattr(other, column) != row[column]]
            if differ:
                reasons.append(f"{other.label} differs in " + ", ".join(differ))
        if not reasons and key in groups.index:
            reasons.append(groups.loc[key, "reason"])
        rows.append({"estimate": row["row"], "reason": "; ".join(reasons)})
    return pd.DataFrame(rows, columns=["estimate", "reason"])


def dersimonian_laird(yi: Sequence[float], vi: Sequence[float], level: float = 0.95) -> dict[str, float]:
    """Random-effects pooling with the DerSimonian-Laird estimate of tau².

    Parameters
    ----------
    yi : sequence of float
        Estimates on the analysis scale (log risk ratio, logit, log hazard ratio).
    vi : sequence of float
        Their sampling variances (> 0).
    level : float, default 0.95
        Level of the Wald interval of the pooled estimate.

    Returns
    -------
    dict
        ``k, estimate, se, ci_lower, ci_upper, z, p, tau2, q, q_df, q_p, i2, h2``,
        as ``metafor::rma(yi, vi, method = "DL")`` reports them (``i2`` in percent;
        ``p`` two-sided normal). All on the analysis scale.

    Notes
    -----
    With two or three studies tau² is barely estimable: the interval ignores its
    uncertainty and is too narrow (the Hartung-Knapp adjustment would widen it).
    """
    y = np.asarray(yi, dtype=float)
    v = np.asarray(vi, dtype=float)
    if y.ndim != 1 or y.shape != v.shape or y.size < 1:
        raise ValueError("yi and vi must be one-dimensional, of the same, non-zero length")
    if not (np.isfinite(y).all() and np.isfinite(v).all() and (v > 0).all()):
        raise ValueError("yi must be finite and vi finite and strictly positive")
    k = y.size
    w = 1 / v
    fixed = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - fixed) ** 2))
    c = np.sum(w) - np.sum(w**2) / np.sum(w)
    tau2 = max(0.0, (q - (k - 1)) / c) if k > 1 else 0.0
    w_star = 1 / (v + tau2)
    estimate = float(np.sum(w_star * y) / np.sum(w_star))
    se = float(math.sqrt(1 / np.sum(w_star)))
    z_crit = float(special.ndtri(0.5 + level / 2))
    z = estimate / se
    i2 = 100 * max(0.0, (q - (k - 1)) / q) if k > 1 and q > 0 else 0.0
    return {
        "k": k, "estimate": estimate, "se": se,
        "ci_lower": estimate - z_crit * se, "ci_upper": estimate + z_crit * se,
        "z": z, "p": float(2 * stats.norm.sf(abs(z))), "tau2": float(tau2),
        "q": q, "q_df": k - 1, "q_p": float(stats.chi2.sf(q, k - 1)) if k > 1 else np.nan,
        "i2": i2, "h2": q / (k - 1) if k > 1 else np.nan,
    }


POOLED_COLUMNS = ("endpoint", "time", "interval_type", "studies", "k", "scale_name",
                  "estimate", "lower", "upper", "tau2", "i2", "q", "q_p", "row")


def pool(forest: pd.DataFrame, min_studies: int = MIN_STUDIES, studies: pd.DataFrame | None = None) -> pd.DataFrame:
    """DerSimonian-Laird pooling of every qualifying group of :func:`pooling_groups`.

    Returns
    -------
    pandas.DataFrame
        One row per pooled group: ``endpoint, time, interval_type, studies, k,
        scale_name, estimate, lower, upper`` (back on the published scale: percent
        or hazard ratio) and ``tau2, i2, q, q_p`` (heterogeneity, analysis scale).
        Empty (with these columns) when no group qualifies.
    """
    groups = pooling_groups(forest, min_studies, studies)
    columns = list(POOLED_COLUMNS)
    if groups.empty or not groups["qualifies"].any():
        return pd.DataFrame(columns=columns)
    keys = _pool_key(forest)
    rows = []
    for group in groups[groups["qualifies"]].itertuples(index=False):
        members = forest[keys == group.pool_key]
        forward, back, name = analysis_scale(group.scale)
        z = float(special.ndtri(0.5 + float(members["ci_level"].iloc[0]) / 2))
        yi = forward(members["estimate"])
        se = (forward(members["upper"]) - forward(members["lower"])) / (2 * z)
        fit = dersimonian_laird(yi, se**2, level=float(members["ci_level"].iloc[0]))
        rows.append({
            "endpoint": group.endpoint, "time": group.time, "interval_type": group.interval_type,
            "studies": group.studies, "k": fit["k"], "scale_name": name,
            "estimate": float(back(fit["estimate"])), "lower": float(back(fit["ci_lower"])),
            "upper": float(back(fit["ci_upper"])), "tau2": fit["tau2"], "i2": fit["i2"],
            "q": fit["q"], "q_p": fit["q_p"],
            "row": f"Pooled, random effects — {SHORT_ENDPOINTS.get(group.quantity, group.endpoint)}"
                   + ("" if group.scale == HEADLINE_UNITS["ratio"] else f", {group.time}"),
        })
    return pd.DataFrame(rows, columns=columns)


def citation_keys(studies: pd.DataFrame | None = None) -> list[str]:
    """BibTeX keys of this study and its peers, in studies.csv order."""
    studies = published.load_studies() if studies is None else studies
    return studies.loc[studies["role"].isin(ROLES), "key"].tolist()


def headline_counts(forest: pd.DataFrame, studies: pd.DataFrame | None = None) -> dict[str, int]:
    """What the chapter says of :func:`headline_estimates` (``forest``): estimates, studies,
    peer studies shown, this study's estimates, estimates with no interval or a 90% one,
    and estimates per scale (``percent``, ``ratio``)."""
    studies = published.load_studies() if studies is None else studies
    shown = studies[studies["role"].isin(ROLES)]
    counts = {
        "estimates": len(forest),
        "studies": int(forest["study"].nunique()),
        "peers": int((shown["role"] == "peer").sum()),
        "this": int((forest["role"] == "this_study").sum()),
        "no_interval": int((forest["interval_type"] == NO_INTERVAL).sum()),
        "90": int((forest["interval_type"] == "90% CI").sum()),
    }
    for unit in ("percent", "ratio"):
        counts[unit] = int((forest["scale"] == HEADLINE_UNITS[unit]).sum())
    return counts

"""The study among its peers: headline estimates, a forest chart, and cautious pooling.

Everything here is read from ``data/published/`` through :mod:`hsct_ms.inputs.published`;
no estimate is typed. The chapter (chapters/comparison.md) only orchestrates.

- :func:`headline_estimates` is the tidy table: one row per published headline
  estimate (a percentage or a hazard ratio) of this study and of the peer cohorts,
  with its interval, interval type, n and population.
- :func:`forest_chart` draws it (Altair), this study highlighted.
- :func:`pooling_groups` decides which estimates may be pooled: only those whose
  endpoint, time point and interval type agree, from at least two studies.
- :func:`dersimonian_laird` is the random-effects pooling (checked against R's
  ``metafor::rma(yi, vi, method = "DL")`` in tests/test_peers.py); :func:`pool`
  applies it to the qualifying groups.
- :func:`differences_table` says what differs between the studies.

Scales
------
Percentages are pooled on the logit scale, hazard ratios on the log scale; the
standard error of each estimate is recovered from its published interval on that
scale, ``(g(upper) - g(lower)) / (2 z)``. See :func:`analysis_scale`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
from scipy import special, stats

from hsct_ms.inputs import published

__all__ = [
    "ENDPOINTS",
    "headline_estimates",
    "forest_chart",
    "pooling_groups",
    "not_pooled_reasons",
    "dersimonian_laird",
    "analysis_scale",
    "pool",
    "differences_table",
    "citation_keys",
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
THIS_STUDY_COLOUR = "#111111"


def _interval_type(level: float) -> str:
    return NO_INTERVAL if pd.isna(level) else f"{100 * level:g}% CI"


def _fmt(x: float) -> str:
    return f"{x:g}"


def _as_printed() -> pd.Series:
    """key -> value as transcribed in values.csv (the published digits: "0.50", "2.0")."""
    return published._load_values_text(None, None)[0].set_index("key")["value"]


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
        scale, estimate, estimate_text`` (the published digits), ``lower, upper, ci_level, interval_type, interval, n, n_text,
        population, source``; ``lower``/``upper`` NaN when no interval is published.
        Percent values stay percent numbers. Sorted by scale, endpoint, time, study
        (this study first); ``row`` is the y label "study — endpoint, time".
    """
    values = published.load_values() if values is None else values
    studies = published.load_studies() if studies is None else studies
    studies = studies.set_index("key")
    keep = (values["kind"].isin(POINT_KINDS) & values["unit"].isin(list(HEADLINE_UNITS))
            & values["study"].map(studies["role"]).isin(ROLES))
    keyed = values.set_index("key")
    printed = _as_printed()
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
            "population": study["population"],
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
    time = frame["time_years"].map(lambda t: "none" if pd.isna(t) else f"{t:g}")
    return frame["quantity"] + " | " + time + " | " + frame["interval_type"]


def pooling_groups(forest: pd.DataFrame, min_studies: int = 2) -> pd.DataFrame:
    """Every (endpoint, time point, interval type) group of estimates with an interval.

    A group qualifies for pooling when it holds estimates from at least
    ``min_studies`` different studies, one estimate per study. Estimates without a
    published interval have no standard error and are never pooled.

    Returns
    -------
    pandas.DataFrame
        ``endpoint, quantity, time, interval_type, scale, studies`` (labels),
        ``n_studies, n_estimates, qualifies`` and ``reason``.
    """
    with_interval = forest[forest["interval_type"] != NO_INTERVAL]
    rows = []
    for key, members in with_interval.groupby(_pool_key(with_interval), sort=False):
        n_studies = members["study"].nunique()
        if n_studies < min_studies:
            reason = (f"one study only ({members['label'].iloc[0]}"
                      + (f", {len(members)} of its subgroups" if len(members) > 1 else "") + ")")
            qualifies = False
        elif len(members) > n_studies:
            reason = "a study contributes more than one estimate"
            qualifies = False
        else:
            reason = f"{n_studies} studies agree on endpoint, time point and interval type"
            qualifies = True
        first = members.iloc[0]
        rows.append({
            "endpoint": first["endpoint"], "quantity": first["quantity"], "time": first["time"],
            "interval_type": first["interval_type"], "scale": first["scale"],
            "studies": ", ".join(dict.fromkeys(members["label"])),
            "n_studies": int(n_studies), "n_estimates": len(members),
            "qualifies": qualifies, "reason": reason, "pool_key": key,
        })
    return pd.DataFrame(rows)


def not_pooled_reasons(forest: pd.DataFrame, min_studies: int = 2) -> pd.DataFrame:
    """Why each estimate that is not pooled is not: one row per estimate.

    Reasons, computed: no interval; no other study has the endpoint at that time
    point; other studies have it but with no interval, or with another interval type.
    """
    groups = pooling_groups(forest, min_studies).set_index("pool_key")
    keys = _pool_key(forest)
    rows = []
    for (idx, row), key in zip(forest.iterrows(), keys):
        if key in groups.index and groups.loc[key, "qualifies"]:
            continue
        same = forest[(forest["quantity"] == row["quantity"])
                      & (forest["time_years"].fillna(-1) == (-1 if pd.isna(row["time_years"]) else row["time_years"]))
                      & (forest["study"] != row["study"])]
        reasons = []
        if row["interval_type"] == NO_INTERVAL:
            reasons.append("no interval reported, so no standard error")
        if same.empty:
            reasons.append("no other study reports this endpoint at this time point")
        else:
            others = same[same["interval_type"] != NO_INTERVAL]
            if others.empty:
                reasons.append("the other studies with this endpoint and time point ("
                               + ", ".join(dict.fromkeys(same["label"])) + ") report no interval")
            elif row["interval_type"] != NO_INTERVAL:
                kinds = ", ".join(sorted(set(others["interval_type"])))
                reasons.append(f"interval type differs ({row['interval_type']} here, {kinds} elsewhere)")
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


def pool(forest: pd.DataFrame, min_studies: int = 2) -> pd.DataFrame:
    """DerSimonian-Laird pooling of every qualifying group of :func:`pooling_groups`.

    Returns
    -------
    pandas.DataFrame
        One row per pooled group: ``endpoint, time, interval_type, studies, k,
        scale_name, estimate, lower, upper`` (back on the published scale: percent
        or hazard ratio) and ``tau2, i2, q, q_p`` (heterogeneity, analysis scale).
        Empty (with these columns) when no group qualifies.
    """
    groups = pooling_groups(forest, min_studies)
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


# --- chart ----------------------------------------------------------------------


def _panel(data: pd.DataFrame, pooled: pd.DataFrame, scale: str, width: int) -> alt.HConcatChart:
    rows = list(data["row"]) + list(pooled["row"])
    y = alt.Y("row:N", title=None, sort=rows, scale=alt.Scale(domain=rows),
              axis=alt.Axis(labelLimit=330, labelFontSize=11))
    ratio = scale == HEADLINE_UNITS["ratio"]
    if ratio:
        x_scale = alt.Scale(type="log", domain=[0.01, 3])
        x_title = "Hazard ratio (log scale; below 1 favours the first-named arm)"
        fmt = ".2f"
    else:
        x_scale = alt.Scale(domain=[0, 100])
        x_title = "Percent of patients (as published)"
        fmt = ".1f"
    axis = alt.Axis(values=[0.01, 0.03, 0.1, 0.3, 1, 3], format="~g") if ratio else alt.Axis()
    x = alt.X("estimate:Q", title=x_title, scale=x_scale, axis=axis)
    tooltip = [
        alt.Tooltip("label:N", title="Study"), alt.Tooltip("endpoint:N", title="Endpoint"),
        alt.Tooltip("group:N", title="Group"), alt.Tooltip("time:N", title="Time"),
        alt.Tooltip("estimate:Q", title="Estimate", format=fmt), alt.Tooltip("interval:N", title="Interval"),
        alt.Tooltip("n_text:N", title="n"), alt.Tooltip("population:N", title="Population"),
        alt.Tooltip("source:N", title="Source"),
    ]
    endpoints = list(dict.fromkeys(data["endpoint"]))
    colour = alt.Color("endpoint:N", title="Endpoint", sort=endpoints,
                       scale=alt.Scale(domain=endpoints, scheme="tableau10"),
                       legend=alt.Legend(orient="bottom", columns=2, labelLimit=360))
    shape = alt.Shape("interval_type:N", title="Interval",
                      scale=alt.Scale(domain=["95% CI", "90% CI", NO_INTERVAL],
                                      range=["circle", "triangle-up", "diamond"]),
                      legend=alt.Legend(orient="bottom"))
    base = alt.Chart(data)
    this = data[data["role"] == "this_study"]
    layers = []
    if len(this):
        layers.append(alt.Chart(this).mark_rect(color="#ffe9a8", opacity=0.7).encode(
            y=y, x=alt.value(0), x2=alt.value(width)))
    if ratio:
        layers.append(alt.Chart(pd.DataFrame({"one": [1.0]})).mark_rule(color="#888", strokeDash=[4, 3])
                      .encode(x=alt.X("one:Q", scale=x_scale)))
    layers += [
        base.transform_filter("isValid(datum.lower)").mark_rule(strokeWidth=2).encode(
            y=y, x=alt.X("lower:Q", scale=x_scale, title=x_title, axis=axis), x2="upper:Q", color=colour,
            tooltip=tooltip),
        base.mark_point(filled=True, opacity=1).encode(
            y=y, x=x, color=colour, shape=shape, tooltip=tooltip,
            size=alt.condition(alt.datum.role == "this_study", alt.value(150), alt.value(80)),
            stroke=alt.condition(alt.datum.role == "this_study", alt.value(THIS_STUDY_COLOUR), alt.value(None)),
            strokeWidth=alt.value(1.5)),
        base.transform_filter(f"datum.interval_type == '{NO_INTERVAL}'").mark_text(
            align="left", dx=9, fontSize=10, fontStyle="italic", color="#555").encode(
            y=y, x=x, text="interval_type:N"),
    ]
    if len(pooled):
        pooled_tooltip = [
            alt.Tooltip("row:N", title="Pooled"), alt.Tooltip("studies:N", title="Studies"),
            alt.Tooltip("estimate:Q", title="Estimate", format=fmt),
            alt.Tooltip("lower:Q", title="Lower", format=fmt), alt.Tooltip("upper:Q", title="Upper", format=fmt),
            alt.Tooltip("i2:Q", title="I² (%)", format=".0f"), alt.Tooltip("tau2:Q", title="tau²", format=".3f"),
        ]
        pooled_base = alt.Chart(pooled)
        layers += [
            pooled_base.mark_rule(strokeWidth=3, color="black").encode(
                y=y, x=alt.X("lower:Q", scale=x_scale), x2="upper:Q", tooltip=pooled_tooltip),
            pooled_base.mark_point(shape="diamond", filled=True, size=220, color="black").encode(
                y=y, x=alt.X("estimate:Q", scale=x_scale), tooltip=pooled_tooltip),
        ]
    forest = alt.layer(*layers).properties(width=width, height=22 * len(rows), title=scale)
    labels = pd.concat([
        data[["row", "n_text", "population"]],
        pooled.assign(n_text="", population="random-effects pool of " + pooled["studies"])[
            ["row", "n_text", "population"]],
    ], ignore_index=True)
    text = alt.Chart(labels)
    n_column = text.mark_text(align="left", fontSize=10).encode(
        y=alt.Y("row:N", sort=rows, scale=alt.Scale(domain=rows), axis=None), x=alt.value(0),
        text="n_text:N").properties(width=95, height=22 * len(rows), title="n")
    population_column = text.mark_text(align="left", fontSize=10, limit=230).encode(
        y=alt.Y("row:N", sort=rows, scale=alt.Scale(domain=rows), axis=None), x=alt.value(0),
        text="population:N").properties(width=230, height=22 * len(rows), title="Population")
    return alt.hconcat(forest, n_column, population_column, spacing=8)


def forest_chart(forest: pd.DataFrame, pooled: pd.DataFrame | None = None, width: int = 300) -> alt.VConcatChart:
    """Forest chart of :func:`headline_estimates`, one panel per scale (percent, hazard ratio).

    Rows are grouped by endpoint and time point; colour = endpoint, shape = interval
    type (95 %, 90 %, none reported); estimates without an interval are a point with
    the words "no interval reported". This study's rows are on a yellow band, with a
    larger, outlined point. Pooled estimates (``pooled``, from :func:`pool`) are black
    diamonds at the bottom of their panel.
    """
    pooled = pd.DataFrame(columns=POOLED_COLUMNS) if pooled is None else pooled
    panels = []
    for scale in HEADLINE_UNITS.values():
        data = forest[forest["scale"] == scale]
        if data.empty:
            continue
        scale_pooled = pooled[pooled["endpoint"].isin(set(data["endpoint"]))]
        panels.append(_panel(data, scale_pooled, scale, width))
    return alt.vconcat(*panels, spacing=30).resolve_scale(color="independent", shape="shared")


# --- what differs ---------------------------------------------------------------


def _value_text(values: pd.DataFrame, study: str, quantity: str, kinds: dict[str, str]) -> str:
    rows = values[(values["study"] == study) & (values["quantity"] == quantity)]
    printed = _as_printed()
    parts = {}
    for kind in kinds:
        found = rows[rows["kind"] == kind]
        if len(found):
            parts[kind] = printed.get(found["key"].iloc[0], _fmt(float(found["value"].iloc[0])))
    if not parts:
        return ""
    return " ".join(template.format(**parts) for kind, template in kinds.items() if kind in parts
                    and all(k in parts for k in _placeholders(template)))


def _placeholders(template: str) -> list[str]:
    import string
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def differences_table(values: pd.DataFrame | None = None, studies: pd.DataFrame | None = None) -> pd.DataFrame:
    """What differs between this study and its peers, from studies.csv and values.csv.

    Columns: study, design, population, EDSS (baseline median/range or the trial's
    eligibility range, said which), regimen, follow-up (and transplant years),
    endpoint(s), interval type, cite (BibTeX key). Blank cells say "not in our
    sources": nothing is filled in that the published record does not give.
    """
    values = published.load_values() if values is None else values
    studies = published.load_studies() if studies is None else studies
    missing = "not in our sources"
    rows = []
    for study in studies[studies["role"].isin(ROLES)].itertuples(index=False):
        edss = _value_text(values, study.key, "baseline_edss",
                           {"median": "baseline median {median}", "min": "(range {min}", "max": "to {max})"})
        eligibility = _value_text(values, study.key, "eligibility_edss",
                                  {"min": "eligibility {min}", "max": "to {max}"})
        followup = _value_text(values, study.key, "followup",
                               {"mean": "mean {mean} y", "sd": "(SD {sd})", "median": "median {median} y"})
        years = _value_text(values, study.key, "transplant_year",
                            {"year_min": "transplants {year_min}", "year_max": "to {year_max}"})
        edss_text = ", ".join(p for p in (edss.replace("( ", "("), eligibility) if p) or missing
        rows.append({
            "study": study.label,
            "design": study.design,
            "population": study.population,
            "n": "" if pd.isna(study.n) else f"{int(study.n):,}",
            "EDSS": edss_text,
            "regimen": study.regimen or missing,
            "follow-up": "; ".join(p for p in (followup, years) if p) or missing,
            "endpoint(s)": study.endpoint,
            "interval": study.interval_type,
            "cite": study.key,
        })
    return pd.DataFrame(rows)


def citation_keys(studies: pd.DataFrame | None = None) -> list[str]:
    """BibTeX keys of this study and its peers, in studies.csv order."""
    studies = published.load_studies() if studies is None else studies
    return studies.loc[studies["role"].isin(ROLES), "key"].tolist()

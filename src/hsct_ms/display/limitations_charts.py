"""Charts of the limitations chapter: unrecorded worsening, tipping point, censoring, ensemble.

Each chart shows aggregates only (Kaplan-Meier steps by month, one row per group and
time point, one row per ensemble member), never patient rows, and declares the most
rows its data can have (``*_row_bound`` beside each builder): from its grid for the
cohort's curves (groups x months of the longest accepted follow-up), from its inputs
for the charts of published numbers and of the ensemble, which do not depend on the cohort.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from hsct_ms import stats
from hsct_ms.display import disclosure
from hsct_ms.display.charts import bounded, group_colour_scale
from hsct_ms.inputs.cohort_schema import max_followup_years
from hsct_ms.stats.km_steps import grid_times

__all__ = ["SLIDER_PARAM", "unrecorded_events_chart", "tipping_curve_chart", "censoring_bounds_chart",
           "ensemble_hazard_ratio_chart", "unrecorded_events_row_bound"]


#: Name of the Vega-Lite parameter bound to the slider (the share f of unrecorded events).
SLIDER_PARAM = "unrecorded_share"


def unrecorded_events_row_bound(n_groups: int) -> int:
    """Most rows of :func:`unrecorded_events_chart`: per group one Kaplan-Meier step per month
    up to the longest accepted follow-up (:func:`hsct_ms.stats.km_steps.grid_times`) and one
    point at the year, plus the two rules."""
    return n_groups * (grid_times(max_followup_years()) + 1) + 2


def unrecorded_events_chart(frames: Mapping[str, pd.DataFrame], level: float, level_label: str,
                            year: float = 10.0, duration_col: str = "dwfs_years", event_col: str = "worsening",
                            width: int = 560, height: int = 320, min_count: int = 0):
    """Kaplan-Meier curves recomputed in the page for a share f of unrecorded worsening.

    The data are the observed Kaplan-Meier steps (:func:`hsct_ms.stats.stats.km_steps`,
    aggregated by month) and the observed S at ``year``; a slider bound to the
    parameter :data:`SLIDER_PARAM` sets f, and a Vega transform draws
    ``S_obs ** (1 / (1 - f))`` (:func:`hsct_ms.analysis.limitations.inflate`). Dashed lines keep the observed
    curves; a horizontal rule marks ``level``; labels at ``year`` give the
    adjusted values, for the groups with patients still followed at ``year``.
    Everything runs in the browser: no kernel is needed. With ``min_count`` (a user's
    cohort, :mod:`hsct_ms.display.disclosure`) a curve stops before its first step with
    fewer patients at risk, and no label is given where fewer remain at ``year``.
    """
    groups = list(frames)

    def curve(frame):
        steps = stats.km_steps(frame[duration_col].to_numpy(float), frame[event_col].to_numpy(int))
        return disclosure.cut_where_few_at_risk(steps, min_count)[["time", "survival"]]

    steps = pd.concat([curve(f).assign(group=label) for label, f in frames.items()], ignore_index=True)
    # The value at ``year`` is labelled only where patients are still followed then (and,
    # on a user's cohort, at least min_count of them): past the last follow-up the curve
    # is not estimated, and with few at risk the label would show what the cut withholds.
    rows = []
    for label, f in frames.items():
        durations = f[duration_col].to_numpy(float)
        if (durations >= year).sum() >= max(min_count, 1):
            s_year = float(stats.km_at(durations, f[event_col].to_numpy(int), [year])[0][0])
            rows.append({"group": label, "time": float(year), "survival": s_year})
    at_year = pd.DataFrame(rows, columns=["group", "time", "survival"])
    share = alt.param(name=SLIDER_PARAM, value=0, bind=alt.binding_range(
        min=0, max=0.9, step=0.01, name="Share of worsening events unrecorded "))
    adjusted = f"pow(datum.survival, 1 / (1 - {SLIDER_PARAM}))"
    colour = alt.Color("group:N", title="Group", scale=group_colour_scale(groups), sort=groups)
    x = alt.X("time:Q", title="Years since transplant",
              # Curves may all be withheld (small groups): the axis then reaches the year.
              scale=alt.Scale(domain=[0, float(np.ceil(max([float(year), *steps["time"]])))], nice=False))
    y_scale = alt.Scale(domain=[0, 1])
    base = alt.Chart(steps).encode(x=x, color=colour)
    observed = base.mark_line(interpolate="step-after", strokeDash=[4, 3], opacity=0.45).encode(
        y=alt.Y("survival:Q", title="Worsening-free (%)", axis=alt.Axis(format="%"), scale=y_scale))
    true = base.transform_calculate(adjusted=adjusted).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
        y="adjusted:Q",
        tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip("time:Q", title="Years", format=".2f"),
                 alt.Tooltip("survival:Q", title="Observed", format=".1%"),
                 alt.Tooltip("adjusted:Q", title="With unrecorded events", format=".1%")])
    rule_data = pd.DataFrame({"level": [float(level)], "label": [level_label]})
    rule = alt.Chart(rule_data).mark_rule(color="black", strokeDash=[6, 4]).encode(y="level:Q")
    rule_text = alt.Chart(rule_data).mark_text(align="left", dx=4, dy=-7, fontSize=11).encode(
        x=alt.value(4), y="level:Q", text="label:N")
    year_rule = alt.Chart(pd.DataFrame({"time": [float(year)]})).mark_rule(color="#999999").encode(x="time:Q")
    labels = alt.Chart(at_year).transform_calculate(adjusted=adjusted).transform_calculate(
        text="datum.group + ': ' + format(datum.adjusted, '.1%')").mark_text(
        align="left", dx=6, dy=-6, fontSize=12, fontWeight="bold").encode(
        x="time:Q", y="adjusted:Q", text="text:N", color=colour)
    points = alt.Chart(at_year).transform_calculate(adjusted=adjusted).mark_point(filled=True, size=50).encode(
        x="time:Q", y="adjusted:Q", color=colour)
    chart = alt.layer(observed, true, rule, rule_text, year_rule, points, labels).add_params(share).properties(
        width=width, height=height)
    return bounded(chart, unrecorded_events_row_bound(len(groups)))


def tipping_curve_chart(curve: pd.DataFrame, summary: pd.DataFrame, level: float,
                        width: int = 460, height: int = 260):
    """Tipping share f against the observed 10-year DWFS, over each group's published interval.

    ``curve`` is :func:`hsct_ms.analysis.limitations.tipping_curve`; ``summary`` is
    :func:`~hsct_ms.analysis.limitations.tipping_summary` (the published estimate is
    drawn as a point on each line).
    """
    groups = list(dict.fromkeys(curve["group"]))
    colour = alt.Color("group:N", title="Group", scale=group_colour_scale(groups), sort=groups)
    x = alt.X("observed:Q", title="Observed 10-year DWFS, over the published 95% interval",
              axis=alt.Axis(format="%"))
    y = alt.Y("tipping_point:Q", title=f"Share unrecorded to reach {level:.0%}", axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[0, 1]))
    tooltip = [alt.Tooltip("group:N", title="Group"), alt.Tooltip("observed:Q", title="Observed", format=".1%"),
               alt.Tooltip("tipping_point:Q", title="Share unrecorded", format=".2f")]
    lines = alt.Chart(curve).mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, tooltip=tooltip)
    points = alt.Chart(summary.rename(columns={"estimate": "observed", "f_estimate": "tipping_point"})).mark_point(
        filled=True, size=70).encode(x="observed:Q", y="tipping_point:Q", color=colour, tooltip=tooltip)
    # Published numbers and the model only: the bound is the size of the inputs.
    return bounded(alt.layer(lines, points).properties(width=width, height=height), len(curve) + len(summary))


def censoring_bounds_chart(bounds: pd.DataFrame, published_points: pd.DataFrame | None = None,
                           width: int = 460, height: int = 170, min_count: int = 0):
    """Best-to-worst range (bar) and Kaplan-Meier estimate (dot) per group and year.

    ``bounds`` is :func:`hsct_ms.analysis.limitations.censoring_bounds_table` (proportions); ``published_points``,
    optional, has ``group, year, estimate`` (proportions), drawn as black diamonds.
    """
    data = bounds[["group", "year", "km", "best", "worst"]].assign(
        censored_before=disclosure.count_labels(bounds["censored_before"], min_count),
        n=disclosure.count_labels(bounds["n"], min_count))
    if published_points is not None and len(published_points):
        data = data.merge(published_points[["group", "year", "estimate"]], on=["group", "year"], how="left")
    data = data.assign(year=data["year"].map(lambda y: f"{y:g} years"))
    groups = list(dict.fromkeys(data["group"]))
    colour = alt.Color("group:N", title="Group", scale=group_colour_scale(groups), sort=groups, legend=None)
    y = alt.Y("group:N", title=None, sort=groups)
    x = alt.X("worst:Q", title="Worsening-free (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    tooltip = [alt.Tooltip("group:N", title="Group"), alt.Tooltip("year:N", title="Time point"),
               alt.Tooltip("worst:Q", title="Worst case", format=".1%"),
               alt.Tooltip("km:Q", title="Kaplan-Meier", format=".1%"),
               alt.Tooltip("best:Q", title="Best case", format=".1%"),
               alt.Tooltip("censored_before:N", title="Censored before"), alt.Tooltip("n:N", title="Patients")]
    base = alt.Chart().encode(y=y, tooltip=tooltip)
    layers = [base.mark_bar(height=10, opacity=0.35).encode(x=x, x2="best:Q", color=colour),
              base.mark_point(filled=True, size=70, opacity=1).encode(x="km:Q", color=colour)]
    if "estimate" in data:
        tooltip_pub = [*tooltip, alt.Tooltip("estimate:Q", title="Published", format=".1%")]
        layers.append(base.mark_point(shape="diamond", size=60, filled=True, color="black").encode(
            x="estimate:Q", tooltip=tooltip_pub))
    chart = alt.layer(*layers, data=data).properties(width=width, height=height).facet(
        row=alt.Row("year:N", title=None, sort=list(dict.fromkeys(data["year"])),
                    header=alt.Header(labelAngle=0, labelAlign="left")))
    # One row per group and time point of the table (its grid), whatever the cohort.
    return bounded(chart, len(bounds))


def ensemble_hazard_ratio_chart(members: pd.DataFrame, shipped_hr: float | None = None,
                                width: int = 560, height: int = 260):
    """Each ensemble member's Cox hazard ratio (progressive vs RRMS) with its 95% interval.

    Members are sorted by hazard ratio; colour says whether the log-rank p is below
    0.05. One row per member (no patient data).
    """
    data = members[["draw", "cox_hr", "cox_lower", "cox_upper", "logrank_p"]].sort_values(
        ["cox_hr", "draw"]).reset_index(drop=True)
    data["rank"] = np.arange(1, len(data) + 1)
    data["log_rank"] = np.where(data["logrank_p"] < 0.05, "p < 0.05", "p ≥ 0.05")
    x = alt.X("rank:O", title="Ensemble member (sorted by hazard ratio)", axis=alt.Axis(labels=False, ticks=False))
    y_scale = alt.Scale(type="log", domain=[0.5, float(max(4.0, data["cox_upper"].max()))], nice=False)
    colour = alt.Color("log_rank:N", title="Log-rank test",
                       scale=alt.Scale(domain=["p < 0.05", "p ≥ 0.05"], range=["#c0392b", "#7f8c8d"]))
    tooltip = [alt.Tooltip("draw:Q", title="Draw"), alt.Tooltip("cox_hr:Q", title="Hazard ratio", format=".2f"),
               alt.Tooltip("cox_lower:Q", title="95% lower", format=".2f"),
               alt.Tooltip("cox_upper:Q", title="95% upper", format=".2f"),
               alt.Tooltip("logrank_p:Q", title="Log-rank p", format=".3f")]
    base = alt.Chart(data).encode(x=x, color=colour, tooltip=tooltip)
    layers = [
        base.mark_rule().encode(y=alt.Y("cox_lower:Q", title="Hazard ratio, progressive vs RRMS (log scale)",
                                        scale=y_scale), y2="cox_upper:Q"),
        base.mark_point(filled=True, size=30).encode(y="cox_hr:Q"),
        alt.Chart(pd.DataFrame({"hr": [1.0]})).mark_rule(color="black").encode(y="hr:Q"),
    ]
    if shipped_hr is not None:
        layers.append(alt.Chart(pd.DataFrame({"hr": [float(shipped_hr)]})).mark_rule(
            color="#1b6ca8", strokeDash=[5, 3]).encode(y="hr:Q"))
    # One row per ensemble member (a shipped file, not the cohort) and the rules.
    return bounded(alt.layer(*layers).properties(width=width, height=height), len(data) + 2)

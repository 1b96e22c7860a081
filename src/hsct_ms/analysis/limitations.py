"""What the study's limitations could do to its estimates: the limitations chapter's logic.

Two sensitivity analyses, each a stated model, not a finding:

* **Unrecorded worsening** (unblinded raters). If a share ``f`` of true worsening events
  went unrecorded, and unrecorded events were spread like recorded ones, the observed
  cumulative hazard is ``(1 - f)`` times the true one, so

      S_true(t) = S_obs(t) ** (1 / (1 - f))            (:func:`inflate`)

  The *tipping point* is the ``f`` at which S_true at a time point falls to a comparator
  level c: ``f = 1 - ln S_obs / ln c`` (:func:`tipping_point`). A direct cross-check,
  :func:`km_with_unrecorded_events`, scales the events at each Kaplan-Meier step
  instead of the cumulative hazard.
* **Censoring** (retrospective follow-up). Bounds for S(t) that make no assumption
  about patients censored before ``t``: all worsening-free at ``t`` (best case) or all
  worsened at their censoring time (worst case) (:func:`censoring_bounds`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from hsct_ms.display import disclosure
from hsct_ms import stats

__all__ = [
    "inflate",
    "tipping_point",
    "km_with_unrecorded_events",
    "tipping_table",
    "censoring_bounds",
    "censoring_bounds_table",
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


def tipping_point(observed_survival: float, comparator: float) -> float:
    """The unrecorded share f at which :func:`inflate` brings ``observed_survival`` down to ``comparator``.

    ``f = 1 - ln(S_obs) / ln(c)``. Returns 0 when the observed value is already at or
    below the comparator (no unrecorded events are needed).

    Examples
    --------
    >>> round(tipping_point(0.713, 0.41), 4)
    0.6206
    """
    s, c = float(observed_survival), float(comparator)
    if not (0 < c < 1):
        raise ValueError(f"comparator must be strictly between 0 and 1, got {c!r}")
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


def tipping_table(frames: Mapping[str, pd.DataFrame], comparator: float, year: float = 10.0,
                  duration_col: str = "dwfs_years", event_col: str = "worsening") -> pd.DataFrame:
    """Observed S(year) per group and the unrecorded share that brings it to ``comparator``.

    Columns ``group``, ``observed`` (Kaplan-Meier S at ``year``), ``tipping_point`` (f)
    and ``direct_at_tipping`` (S from :func:`km_with_unrecorded_events` at that f,
    the cross-check; it should be near ``comparator``).
    """
    rows = []
    for label, frame in frames.items():
        t = frame[duration_col].to_numpy(float)
        e = frame[event_col].to_numpy(int)
        observed = float(stats.km_at(t, e, [year])[0][0])
        f = tipping_point(observed, comparator)
        rows.append({"group": label, "observed": observed, "tipping_point": f,
                     "direct_at_tipping": float(km_with_unrecorded_events(t, e, f, [year])[0])})
    return pd.DataFrame(rows)


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
        ``km`` (Kaplan-Meier S(time)); ``best`` (every patient censored before
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
    km = float(stats.km_at(t, e, [time])[0][0])
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


# --------------------------------------------------------------------------- charts

#: Name of the Vega-Lite parameter bound to the slider (the share f of unrecorded events).
SLIDER_PARAM = "unrecorded_share"


def unrecorded_events_chart(frames: Mapping[str, pd.DataFrame], comparator: float, comparator_label: str,
                            year: float = 10.0, duration_col: str = "dwfs_years", event_col: str = "worsening",
                            width: int = 560, height: int = 320, min_count: int = 0):
    """Kaplan-Meier curves recomputed in the page for a share f of unrecorded worsening.

    The data are the observed Kaplan-Meier steps (:func:`hsct_ms.stats.stats.km_steps`,
    aggregated by month) and the observed S at ``year``; a slider bound to the
    parameter :data:`SLIDER_PARAM` sets f, and a Vega transform draws
    ``S_obs ** (1 / (1 - f))`` (:func:`inflate`). Dashed lines keep the observed
    curves; a horizontal rule marks ``comparator``; labels at ``year`` give the
    adjusted values. Everything runs in the browser: no kernel is needed. With
    ``min_count`` (a user's cohort, :mod:`hsct_ms.display.disclosure`) a curve stops before
    its first step with fewer patients at risk.
    """
    import altair as alt

    from hsct_ms.display.charts import group_colour_scale

    groups = list(frames)
    def curve(frame):
        steps = stats.km_steps(frame[duration_col].to_numpy(float), frame[event_col].to_numpy(int))
        return disclosure.cut_where_few_at_risk(steps, min_count)[["time", "survival"]]

    steps = pd.concat([curve(f).assign(group=label) for label, f in frames.items()], ignore_index=True)
    at_year = pd.DataFrame({
        "group": groups,
        "time": float(year),
        "survival": [float(stats.km_at(f[duration_col].to_numpy(float), f[event_col].to_numpy(int), [year])[0][0])
                     for f in frames.values()],
    })
    share = alt.param(name=SLIDER_PARAM, value=0, bind=alt.binding_range(
        min=0, max=0.9, step=0.01, name="Share of worsening events unrecorded "))
    adjusted = f"pow(datum.survival, 1 / (1 - {SLIDER_PARAM}))"
    colour = alt.Color("group:N", title="Group", scale=group_colour_scale(groups), sort=groups)
    x = alt.X("time:Q", title="Years since transplant",
              scale=alt.Scale(domain=[0, float(np.ceil(steps["time"].max()))], nice=False))
    y_scale = alt.Scale(domain=[0, 1])
    base = alt.Chart(steps).encode(x=x, color=colour)
    observed = base.mark_line(interpolate="step-after", strokeDash=[4, 3], opacity=0.45).encode(
        y=alt.Y("survival:Q", title="Worsening-free (%)", axis=alt.Axis(format="%"), scale=y_scale))
    true = base.transform_calculate(adjusted=adjusted).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
        y="adjusted:Q",
        tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip("time:Q", title="Years", format=".2f"),
                 alt.Tooltip("survival:Q", title="Observed", format=".1%"),
                 alt.Tooltip("adjusted:Q", title="With unrecorded events", format=".1%")])
    rule_data = pd.DataFrame({"level": [float(comparator)], "label": [comparator_label]})
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
    return alt.layer(observed, true, rule, rule_text, year_rule, points, labels).add_params(share).properties(
        width=width, height=height)


def censoring_bounds_chart(bounds: pd.DataFrame, published_points: pd.DataFrame | None = None,
                           width: int = 460, height: int = 170, min_count: int = 0):
    """Best-to-worst range (bar) and Kaplan-Meier estimate (dot) per group and year.

    ``bounds`` is :func:`censoring_bounds_table` (proportions); ``published_points``,
    optional, has ``group, year, estimate`` (proportions), drawn as black diamonds.
    """
    import altair as alt

    from hsct_ms.display.charts import group_colour_scale

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
    return alt.layer(*layers, data=data).properties(width=width, height=height).facet(
        row=alt.Row("year:N", title=None, sort=list(dict.fromkeys(data["year"])),
                    header=alt.Header(labelAngle=0, labelAlign="left")))


def ensemble_hazard_ratio_chart(members: pd.DataFrame, shipped_hr: float | None = None,
                                width: int = 560, height: int = 260):
    """Each ensemble member's Cox hazard ratio (progressive vs RRMS) with its 95% interval.

    Members are sorted by hazard ratio; colour says whether the log-rank p is below
    0.05. One row per member (no patient data).
    """
    import altair as alt

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
    return alt.layer(*layers).properties(width=width, height=height)

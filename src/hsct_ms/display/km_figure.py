"""Kaplan-Meier figure to the reporting standard of Pocock, Clayton & Altman (Lancet 2002).

:func:`km_figure` draws one curve per analysis group over a numbers-at-risk table
that shares the time axis:

- where fewer than :data:`MIN_AT_RISK` patients remain at risk the curve turns
  faint and loses its band, and the legend says so (Pocock et al. advise against
  extending a survival plot to times where few patients remain);
- by default only the paper's two groups (:data:`hsct_ms.terms.COMPARED_GROUPS`)
  are drawn; the other groups stay in the legend and a click on a legend entry
  shows or hides a group, in both panels;
- the band is named in the legend (plain Greenwood 95% interval, the paper's);
- each group has its own line style as well as its colour, so the curves can be
  told apart in greyscale;
- the numbers at risk of the tooltips and of the table under the axis come from one
  function, :func:`at_risk_rows`, at the same times: the labelled ticks of the time
  axis (:func:`at_risk_grid`), which span the whole follow-up;
- as in survminer's ``ggsurvplot``: the legends sit above the plot, so the curves
  and the at-risk table span the column; the group comparison (log-rank p) is stated
  above the curves when the caller gives it; censoring is marked with ticks, at most
  one per :data:`CENSOR_MARK_GAP_MONTHS` months per curve (:func:`thinned_marks`), so a
  registry cohort censored in every month shows ticks, not hatching.

All chart data are aggregates on a grid of months: one row per group and month up
to the group's last follow-up (:func:`curve_on_grid`), plus the at-risk table. The
data never grow with the number of patients: :func:`row_bound` gives their most rows
from the grid alone (groups x months of the longest follow-up the validator accepts,
plus groups x at-risk times, plus the published points). On the grid the curve is not
moved: its value at each month is the exact Kaplan-Meier estimate at that time, and
censorings are counted exactly per month. Every Vega-Lite name (parameter, view) is
set here, so building the same figure twice gives the same spec.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from hsct_ms import stats, terms
from hsct_ms.display import charts, disclosure
from hsct_ms.inputs.cohort_schema import max_followup_years
from hsct_ms.stats.km_steps import grid_cell, grid_times

__all__ = [
    "LEGEND_PARAM", "AT_RISK_TIMES", "MIN_AT_RISK", "MONTH", "CENSOR_MARK_GAP_MONTHS", "band_name",
    "default_groups", "censoring_marks", "thinned_marks", "at_risk_grid", "at_risk_rows", "curve_on_grid",
    "figure_data", "km_figure", "row_bound",
]

#: Name of the legend-bound selection that shows and hides groups.
LEGEND_PARAM = "group_pick"
#: Times (years) of the numbers at risk that the chapters quote (every two years).
AT_RISK_TIMES = tuple(range(0, 21, 2))
#: Most times of the figure's at-risk table (and labelled ticks of its time axis): 13 for
#: counts of up to 4 digits (every two years to 24 years), 9 for registry-sized counts,
#: so 6-digit numbers keep apart at 1280 px (:func:`at_risk_grid`).
MAX_AT_RISK_TIMES = 13
MAX_AT_RISK_TIMES_WIDE_COUNTS = 9
#: Steps (years) the figure's at-risk table may take, the smallest that fits first.
AT_RISK_STEPS = (1, 2, 5, 10, 20)
#: Censoring ticks of one curve are at least this many months apart (see :func:`thinned_marks`).
CENSOR_MARK_GAP_MONTHS = 6
#: Characters per line of the comparison stated above the curves.
COMPARISON_LINE = 46
#: Fewer patients at risk than this: the curve turns faint and its band is not drawn.
MIN_AT_RISK = 10
#: Grid width of the chart data (one month, in years).
MONTH = 1 / 12
#: Opacity of a curve where fewer than the threshold remain at risk.
FAINT_OPACITY = 0.3
#: Opacity of the interval band.
BAND_OPACITY = 0.15
#: The band and line-part keys sit above the plot, side by side: inside the plot they
#: covered the curves of a cohort whose worsening-free share falls low.
INSIDE_LEGEND = {"orient": "top", "direction": "horizontal", "titleOrient": "left"}


def row_bound(n_groups: int, n_at_risk_times: int = MAX_AT_RISK_TIMES, n_published: int = 0,
              time_resolution: float = MONTH) -> int:
    """The most data rows :func:`km_figure` embeds, from its grid alone.

    ``n_groups`` curves of one row per grid time from 0 to the longest follow-up the
    validator accepts (:func:`hsct_ms.inputs.cohort_schema.max_followup_years`; 445 rows
    per group for 37 years), ``n_groups`` rows per at-risk time (at most
    :data:`MAX_AT_RISK_TIMES`, :func:`at_risk_grid`), and the published points.
    Independent of the number of patients and of their distinct times.
    """
    per_curve = grid_times(max_followup_years(), time_resolution)
    return n_groups * (per_curve + n_at_risk_times) + n_published


def band_name(level: float = 0.95) -> str:
    """How the legend names the band: the plain (symmetric) Greenwood interval the paper reports."""
    return f"plain Greenwood {level:.0%} interval"


def tail_names(min_at_risk: int = MIN_AT_RISK) -> tuple[str, str]:
    """Legend entries of the solid and the faint part of a curve."""
    return (f"{min_at_risk} or more at risk",
            f"under {min_at_risk} at risk (unreliable)")


def default_groups(groups: Sequence[str]) -> list[str]:
    """Groups drawn before any legend click: the paper's two groups, else every group."""
    compared = [g for g in groups if g in terms.COMPARED_GROUPS]
    return compared or list(groups)


def group_name(group: str, short: bool = False) -> str:
    """A group's name in the legend (from :data:`hsct_ms.terms.GROUP_LABELS`) or, ``short``,
    in the at-risk table (the group key, "Whole cohort" for :data:`hsct_ms.terms.ALL`)."""
    label = terms.GROUP_LABELS.get(group, group) if not short or group == terms.ALL else group
    return label[:1].upper() + label[1:]


def _label_expr(names: Mapping[str, str]) -> str:
    """A Vega expression that maps a legend or axis label (a group key) to its name."""
    return json.dumps(dict(names)) + "[datum.label]"


def censoring_marks(durations, events, time_resolution: float = MONTH) -> pd.DataFrame:
    """One row per grid interval (month) that holds at least one censoring.

    Returns
    -------
    pandas.DataFrame
        ``time`` (end of the interval, ``k * time_resolution``), ``survival`` (the
        Kaplan-Meier estimate at that time, where the tick is drawn) and
        ``censored`` (censorings in the interval). Display only: a tick can sit up
        to one interval after the censorings it stands for.
    """
    table = stats.km_table(durations, events)
    censored = table[table["censored"] > 0]
    cell = grid_cell(censored["time"].to_numpy(), time_resolution)
    counts = pd.Series(censored["censored"].to_numpy(), index=cell).groupby(level=0).sum()
    times = np.round(counts.index.to_numpy() * float(time_resolution), 10)
    s = stats.survival_at(durations, events, times)["survival"].to_numpy()
    return pd.DataFrame({"time": times, "survival": s, "censored": counts.to_numpy().astype(np.int64)})


def thinned_marks(months_with_censoring, gap: int = CENSOR_MARK_GAP_MONTHS) -> np.ndarray:
    """Which months with censoring get a tick: the first, then each that lies at least
    ``gap`` months after the last ticked one.

    Where censorings are sparse every one is marked; where they fall in every month (a
    registry cohort) the ticks are ``gap`` months apart instead of a solid hatching.
    Display only: the tooltips still count the censorings of every month.

    Parameters
    ----------
    months_with_censoring : array-like of int
        Grid months (ascending) in which at least one patient was censored.
    gap : int
        Least distance in months between two ticks (1 = every month with censoring).
    """
    months = np.asarray(months_with_censoring, dtype=np.int64)
    keep = np.zeros(months.size, dtype=bool)
    last = None
    for i, month in enumerate(months):
        if last is None or month - last >= gap:
            keep[i] = True
            last = month
    return keep


def at_risk_grid(t_max: float, max_times: int = MAX_AT_RISK_TIMES, steps: Sequence[float] = AT_RISK_STEPS) -> tuple:
    """Times (years) of the at-risk table and the labelled axis ticks: 0, step, ... up to
    the last multiple of the step within ``t_max`` (the axis itself runs on to ``t_max``),
    with the smallest step of ``steps`` that needs at most ``max_times`` times (every two
    years up to 25 years of follow-up, every five to 60)."""
    t_max = max(float(t_max), 1.0)
    for step in steps:
        n = math.floor(t_max / step + 1e-9)
        if n + 1 <= max_times:
            return tuple(float(step * k) for k in range(n + 1))
    raise ValueError(f"no at-risk step of {tuple(steps)} spans {t_max} years in {max_times} times")


def at_risk_rows(frames: Mapping[str, pd.DataFrame], times: Sequence[float] = AT_RISK_TIMES,
                 duration_col: str = "dwfs_years") -> pd.DataFrame:
    """Numbers at risk per group and time, long form (``group, time, at_risk``).

    The one source of every number at risk in the figure (table and tooltips).
    Computed with :func:`hsct_ms.stats.at_risk_table` group by group (the groups
    may overlap, e.g. "All" and "RRMS"), in the order of ``frames``: patients with
    time to worsening or censoring at or after ``time`` (0 after the last follow-up).
    """
    rows = []
    for label, frame in frames.items():
        table = stats.at_risk_table(frame[duration_col].to_numpy(float), np.full(len(frame), label), times)
        rows += [{"group": label, "time": float(t), "at_risk": int(n)} for t, n in table.loc[label].items()]
    return pd.DataFrame(rows, columns=["group", "time", "at_risk"])


def curve_on_grid(durations, events, level: float = 0.95, time_resolution: float = MONTH) -> pd.DataFrame:
    """A Kaplan-Meier curve read at every grid time from 0 to the last follow-up.

    The steps come from :func:`hsct_ms.stats.km_steps` (exact at the grid times)
    and are carried forward between them, so a row exists at every month for the
    tooltips; the number of rows is set by the follow-up, not by the patients.

    Returns
    -------
    pandas.DataFrame
        ``month`` (grid index), ``time``, ``survival``, ``lower``, ``upper`` (plain
        interval) and ``censored`` (censorings in the month ending at ``time``).
    """
    steps = stats.km_steps(durations, events, level=level, time_resolution=time_resolution)
    month = np.rint(steps["time"].to_numpy() / time_resolution).astype(np.int64)
    months = np.arange(int(month.max()) + 1)
    curve = (steps[["survival", "lower", "upper"]].set_axis(month).reindex(months).ffill()
             .rename_axis("month").reset_index())
    marks = censoring_marks(durations, events, time_resolution)
    censored = pd.Series(marks["censored"].to_numpy(),
                         index=np.rint(marks["time"].to_numpy() / time_resolution).astype(np.int64))
    curve["censored"] = censored.reindex(months, fill_value=0).to_numpy()
    curve.insert(1, "time", np.round(months * float(time_resolution), 10))
    return curve


def figure_data(frames: Mapping[str, pd.DataFrame], duration_col: str = "dwfs_years",
                event_col: str = "worsening", at_risk_times: Sequence[float] | None = AT_RISK_TIMES,
                level: float = 0.95, min_count: int = 0,
                min_at_risk: int = MIN_AT_RISK) -> dict[str, pd.DataFrame]:
    """The two aggregated tables behind :func:`km_figure`.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        Analysis group key -> that group's patients (one row each), in legend order.
    duration_col, event_col : str
        Time to worsening or censoring (years) and the 1/0 worsening flag.
    at_risk_times : sequence of float, or None
        Times of the numbers-at-risk table; None: :func:`at_risk_grid` of the curves'
        last time (after the privacy cut), with fewer times where counts have 5 digits
        or more.
    level : float
        Level of the plain Greenwood interval.
    min_count : int
        Privacy threshold for a user's cohort (:mod:`hsct_ms.display.disclosure`;
        0 = show everything): curves stop before the first month with fewer patients
        at risk, and counts below it read ``<N``.
    min_at_risk : int
        Reporting threshold: from the first month with fewer patients at risk the
        row is flagged ``reliable = False`` (drawn faint, without band).

    Returns
    -------
    dict
        ``curve``: ``group, time, survival, lower, upper, at_risk_label,
        censored_label, censor_mark, reliable``, one row per group and month
        (``censor_mark``: a tick is drawn, :func:`thinned_marks`)
        (:func:`curve_on_grid`); ``at_risk``: ``group, time, at_risk_label`` at
        ``at_risk_times``. Both count columns come from :func:`at_risk_rows`. Only
        what the chart shows is kept.
    """
    curves = []
    for label, frame in frames.items():
        curve = curve_on_grid(frame[duration_col].to_numpy(float), frame[event_col].to_numpy(int), level)
        curve["at_risk"] = at_risk_rows({label: frame}, curve["time"], duration_col)["at_risk"].to_numpy()
        curve = disclosure.cut_where_few_at_risk(curve, min_count)
        censored = np.flatnonzero(curve["censored"].to_numpy() > 0)
        mark = np.zeros(len(curve), dtype=bool)
        mark[censored[thinned_marks(censored)]] = True
        curves.append(curve.assign(
            group=label,
            reliable=curve["at_risk"] >= min_at_risk,
            # Chart data are published with the page: counts only as their (possibly
            # suppressed) labels.
            at_risk_label=disclosure.count_labels(curve["at_risk"], min_count),
            censored_label=disclosure.count_labels(curve["censored"], min_count),
            censor_mark=mark,
        )[["group", "time", "survival", "lower", "upper", "at_risk_label", "censored_label", "censor_mark",
           "reliable"]])
    if at_risk_times is None:
        # Every curve may be withheld (groups smaller than min_count): then 0 to 20 years.
        ends = [float(c["time"].max()) for c in curves if len(c)]
        digits = len(str(max(len(frame) for frame in frames.values()))) if frames else 1
        at_risk_times = (at_risk_grid(max(ends), MAX_AT_RISK_TIMES if digits <= 4 else MAX_AT_RISK_TIMES_WIDE_COUNTS)
                         if ends else AT_RISK_TIMES)
    at_risk = at_risk_rows(frames, at_risk_times, duration_col)
    return {
        "curve": pd.concat(curves, ignore_index=True),
        "at_risk": at_risk.assign(at_risk_label=disclosure.count_labels(at_risk["at_risk"], min_count))[
            ["group", "time", "at_risk_label"]],
    }


def km_figure(
    frames: Mapping[str, pd.DataFrame],
    *,
    duration_col: str = "dwfs_years",
    event_col: str = "worsening",
    at_risk_times: Sequence[float] | None = None,
    published: pd.DataFrame | None = None,
    min_count: int = 0,
    min_at_risk: int = MIN_AT_RISK,
    shown: Sequence[str] | None = None,
    level: float = 0.95,
    comparison: str | Sequence[str] | None = None,
    y_title: str = "Worsening-free (%)",
    x_title: str = "Years since transplant",
    width: int = 560,
    height: int = 340,
) -> alt.VConcatChart:
    """Kaplan-Meier curves by group over a numbers-at-risk table sharing the time axis.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        Group key (:mod:`hsct_ms.terms`) -> patients, in legend order.
    duration_col, event_col : str
        Columns with time to worsening or censoring and the worsening flag.
    at_risk_times : sequence of float, optional
        Times (years) at which the numbers at risk are printed, also the labelled
        ticks of the time axis; default :func:`at_risk_grid` of the follow-up (at most
        :data:`MAX_AT_RISK_TIMES`).
    published : DataFrame, optional
        Published points to draw over the curves: ``group, time, estimate, lower,
        upper`` (proportions), e.g. :func:`hsct_ms.inputs.published.dwfs_points`. Drawn as
        black diamonds with interval bars.
    min_count : int
        Privacy threshold for a user's cohort (see :func:`figure_data`).
    min_at_risk : int, default :data:`MIN_AT_RISK`
        Fewer patients at risk than this: the curve is drawn faint, without band.
    shown : sequence of str, optional
        Groups drawn before any legend click; default :func:`default_groups`.
    level : float
        Level of the plain Greenwood band.
    comparison : str or sequence of str, optional
        The group comparison, stated above the curves (e.g. ``["Log-rank test, RRMS
        against progressive MS:", "p 0.029"]``, the p worded by
        :func:`hsct_ms.display.outcomes_tables.subtype_statistic_phrases`): each line wrapped at :data:`COMPARISON_LINE` characters so it fits a phone.

    Returns
    -------
    altair.VConcatChart
        Top: legends, the comparison, step curves, band, censoring ticks
        (:func:`thinned_marks`); tooltips give time, survival, interval, number at
        risk and censorings of each month. Bottom: numbers at risk under the same axis.
        A legend click (parameter :data:`LEGEND_PARAM`) shows or hides a group.
        Its data bound (:func:`hsct_ms.display.charts.bounded`) is :func:`row_bound`.

    Notes
    -----
    The curve is read on a monthly grid: take reported numbers from
    :func:`hsct_ms.stats.survival_at`, not from the chart. The plain Greenwood band
    only changes at an event, so it stays flat after the last event however few
    remain at risk; hence no band where fewer than ``min_at_risk`` remain.
    """
    data = figure_data(frames, duration_col, event_col, at_risk_times, level, min_count, min_at_risk)
    groups = list(frames)
    shown = default_groups(groups) if shown is None else [g for g in shown if g in groups]
    ticks = sorted(set(float(t) for t in data["at_risk"]["time"]))
    # Every curve may be withheld (groups smaller than min_count): the axis then spans the at-risk times.
    t_max = max([ticks[-1], *data["curve"]["time"].astype(float)])
    x_scale = alt.Scale(domain=[0, math.ceil(t_max)], nice=False)
    pick = alt.selection_point(name=LEGEND_PARAM, fields=["group"], bind="legend", toggle="true",
                               value=[{"group": g} for g in shown], empty=False)
    x = alt.X("time:Q", title=x_title, scale=x_scale, axis=alt.Axis(values=ticks, grid=False))
    layers = _curve_layers(data["curve"], groups, pick, x, y_title, level, min_at_risk)
    if published is not None and len(published):
        layers += _published_layers(published, x)
    curves = alt.layer(*layers).resolve_scale(opacity="independent").properties(width=width, height=height)
    if comparison:
        lines = [comparison] if isinstance(comparison, str) else list(comparison)
        lines = [part for line in lines for part in textwrap.wrap(line, COMPARISON_LINE)]
        curves = curves.properties(title=alt.Title(lines, anchor="start",
                                                   fontSize=charts.MIN_FONT_SIZE, fontWeight="normal",
                                                   lineHeight=17, offset=10))
    # The counts are centred on their ticks: the first column reaches half its width left
    # of the axis, so the group names stand that much further off (a 6-digit registry
    # count ran into them).
    widest = int(data["at_risk"]["at_risk_label"].astype(str).str.len().max()) if len(data["at_risk"]) else 1
    at_risk = alt.Chart(data["at_risk"]).mark_text(fontSize=12).encode(
        x=alt.X("time:Q", scale=x_scale, axis=alt.Axis(values=ticks, title="Numbers at risk", grid=False,
                                                      orient="top", labels=False, ticks=False, domain=False)),
        y=alt.Y("group:N", sort=groups, title=None, axis=alt.Axis(
            labelExpr=_label_expr({g: group_name(g, short=True) for g in groups}),
            labelPadding=10 + math.ceil(widest * 7.5 / 2), ticks=False, domain=False, labelFontWeight="bold")),
        text="at_risk_label:N",
        color=alt.Color("group:N", scale=charts.group_colour_scale(groups), legend=None),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.3)),
    ).properties(width=width, height=24 * len(groups), name="km_at_risk")
    # Colour and line style resolved per panel keep the group legend beside the curves
    # (the at-risk panel uses the same colours, without legend).
    # The legends sit above the plot (as ggsurvplot puts them; beside it they took a third
    # of the column from the curves), one under the other (hsct-ms-charts.js).
    chart = charts.legible(alt.vconcat(curves, at_risk, spacing=10).resolve_scale(
        x="shared", color="independent", strokeDash="independent"))
    n_published = len(published) if published is not None else 0
    return charts.bounded(chart, row_bound(len(groups), MAX_AT_RISK_TIMES, n_published))


def _curve_layers(curve_rows: pd.DataFrame, groups: list[str], pick, x, y_title: str,
                  level: float, min_at_risk: int) -> list:
    """Band, faint and solid lines, censoring ticks and tooltip points of :func:`km_figure`."""
    solid, faint = tail_names(min_at_risk)
    legend = alt.Legend(title="Group (click to show or hide)", symbolType="stroke", symbolStrokeWidth=3,
                        symbolSize=500, orient="top", direction="horizontal", columns=2,
                        labelExpr=_label_expr({g: group_name(g) for g in groups}))
    colour = alt.Color("group:N", scale=charts.group_colour_scale(groups), sort=groups, legend=legend)
    dash = alt.StrokeDash("group:N", scale=charts.group_dash_scale(groups), sort=groups, legend=legend)
    shown = alt.condition(pick, alt.value(1.0), alt.value(0.0))
    y = alt.Y("survival:Q", title=y_title, axis=alt.Axis(format="%", tickCount=5), scale=alt.Scale(domain=[0, 1]))
    curve = alt.Chart(curve_rows).encode(x=x, color=colour)
    # The band and the two parts of a line get legend entries from the opacity channel
    # (the only opacity channel Vega-Lite gives a legend), through constant fields made
    # in Vega-Lite, not in the data; hiding a group uses fillOpacity and strokeOpacity.
    # The band's step ends one month after the last reliable row: the first faint row
    # closes it at the previous row's bounds (else a step-after area ends in a sliver).
    band = curve.transform_window(
        prev_lower="lag(lower)", prev_upper="lag(upper)", prev_reliable="lag(reliable)",
        groupby=["group"], sort=[alt.SortField("time")],
    ).transform_filter("datum.reliable || datum.prev_reliable").transform_calculate(
        band_lower="datum.reliable ? datum.lower : datum.prev_lower",
        band_upper="datum.reliable ? datum.upper : datum.prev_upper",
        band=json.dumps(band_name(level)),
    ).mark_area(interpolate="step-after").encode(
        # strokeDash (no stroke on an area) merges colour and line style into one legend.
        y=alt.Y("band_lower:Q", scale=alt.Scale(domain=[0, 1])), y2="band_upper:Q", strokeDash=dash,
        fillOpacity=shown,
        opacity=alt.Opacity("band:N", scale=alt.Scale(type="ordinal", domain=[band_name(level)],
                                                      range=[BAND_OPACITY]),
                            legend=alt.Legend(title="Shaded band", symbolFillColor="black", symbolType="square",
                                              symbolStrokeWidth=0, **INSIDE_LEGEND)),
    ).add_params(pick).properties(name="km_curves")  # first layer: its legend takes the clicks
    part = alt.Opacity("part:N", scale=alt.Scale(type="ordinal", domain=[solid, faint],
                                                 range=[1.0, FAINT_OPACITY]),
                       legend=alt.Legend(title="Curve", symbolType="stroke", symbolStrokeWidth=3,
                                         symbolStrokeColor="black", **INSIDE_LEGEND))
    faint_line = curve.transform_calculate(part=json.dumps(faint)).mark_line(
        interpolate="step-after", strokeWidth=2.5).encode(y=y, strokeDash=dash, opacity=part, strokeOpacity=shown)
    solid_line = curve.transform_filter("datum.reliable").transform_calculate(part=json.dumps(solid)).mark_line(
        interpolate="step-after", strokeWidth=2.5).encode(y=y, strokeDash=dash, opacity=part, strokeOpacity=shown)
    censor = curve.transform_filter("datum.censor_mark").mark_tick(thickness=1.5, size=10).encode(
        y=y, opacity=alt.condition(pick, alt.Opacity("reliable:N", scale=alt.Scale(
            domain=[True, False], range=[1.0, FAINT_OPACITY]), legend=None), alt.value(0)),
    )
    hover = curve.transform_filter(pick).mark_point(size=70, filled=True, opacity=0.001).encode(
        y=y,
        tooltip=[
            alt.Tooltip("group:N", title="Group"),
            alt.Tooltip("time:Q", title="Years since transplant", format=".2f"),
            alt.Tooltip("survival:Q", title="Worsening-free", format=".1%"),
            alt.Tooltip("lower:Q", title=f"{band_name(level)}, lower", format=".1%"),
            alt.Tooltip("upper:Q", title=f"{band_name(level)}, upper", format=".1%"),
            alt.Tooltip("at_risk_label:N", title="At risk"),
            alt.Tooltip("censored_label:N", title="Censored in the month before"),
        ],
    )
    return [band, alt.layer(faint_line, solid_line), censor, hover]


def _published_layers(published: pd.DataFrame, x) -> list:
    """Published estimates as black diamonds with their interval bars."""
    points = alt.Chart(published).encode(
        x=x,
        tooltip=[
            alt.Tooltip("group:N", title="Published, group"),
            alt.Tooltip("time:Q", title="Years"),
            alt.Tooltip("estimate:Q", title="Published estimate", format=".1%"),
            alt.Tooltip("lower:Q", title="95% interval, lower", format=".1%"),
            alt.Tooltip("upper:Q", title="95% interval, upper", format=".1%"),
        ],
    )
    return [points.mark_rule(color="black", strokeWidth=1.5).encode(y="lower:Q", y2="upper:Q"),
            points.mark_point(shape="diamond", size=90, filled=True, color="black").encode(y="estimate:Q")]

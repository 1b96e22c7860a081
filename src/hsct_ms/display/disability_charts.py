"""Charts of the disability chapter: mean EDSS per time bin, and DWFS by definition.

Both draw aggregates only (a bin's mean over patients, a Kaplan-Meier estimate), on
grids fixed by :data:`hsct_ms.stats.edss_change.TIME_BINS` and
:data:`hsct_ms.stats.disability.SENSITIVITY_RULES`, never by the number of patients.
"""

from __future__ import annotations

from dataclasses import replace

import altair as alt
import pandas as pd

from hsct_ms import terms
from hsct_ms.display import disclosure
from hsct_ms.display.charts import bounded, group_colour_scale, legible, with_narrow_layout
from hsct_ms.stats.disability import DEFAULT_RULE, SENSITIVITY_RULES
from hsct_ms.stats.edss_change import TIME_BINS


__all__ = ["edss_row_bound", "edss_chart", "sensitivity_row_bound", "sensitivity_chart", "no_visits_note"]


def edss_row_bound(n_groups: int) -> int:
    """One row per time bin and group."""
    return n_groups * (len(TIME_BINS) - 1)


def edss_chart(bins: pd.DataFrame, min_count: int = 0, width: int = 520, height: int = 280):
    """Mean EDSS with its 95% interval per bin and group; bins with a small count withheld."""
    groups = list(dict.fromkeys(bins["group"]))
    shown = bins[~bins["n_patients"].map(lambda n: disclosure.is_small(n, min_count))]
    data = shown[["group", "bin", "mean", "ci_lower", "ci_upper", "n_patients"]].copy()
    order = list(dict.fromkeys(bins.sort_values("bin_start")["bin"]))
    colour = alt.Color("group:N", title="Group", scale=group_colour_scale(groups), sort=groups)
    x = alt.X("bin:N", title="Years since transplant", sort=order, axis=alt.Axis(labelAngle=0))
    offset = alt.XOffset("group:N", sort=groups)
    base = alt.Chart(data).encode(x=x, xOffset=offset, color=colour)
    bars = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y("ci_lower:Q", title="Mean EDSS", scale=alt.Scale(zero=False)), y2="ci_upper:Q")
    points = base.mark_point(filled=True, size=60).encode(
        y="mean:Q", shape=alt.Shape("group:N", sort=groups, title="Group", scale=alt.Scale(domain=groups)),
        tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip("bin:N", title="Years"),
                 alt.Tooltip("mean:Q", title="Mean EDSS", format=".2f"),
                 alt.Tooltip("ci_lower:Q", title="95% lower", format=".2f"),
                 alt.Tooltip("ci_upper:Q", title="95% upper", format=".2f"),
                 alt.Tooltip("n_patients:Q", title="Patients")])
    chart = alt.layer(bars, points).properties(width=width, height=height)
    return legible(bounded(chart, edss_row_bound(len(groups))))


def sensitivity_row_bound(n_groups: int, n_years: int = 2) -> int:
    return len(SENSITIVITY_RULES) * n_groups * n_years


#: Ticks of the percent axis: five labels fit a phone's narrow panel without touching.
PERCENT_TICKS = [0, 0.25, 0.5, 0.75, 1]


def _short_rule(confirmation_months, baseline) -> str:
    """The short label of the rule with this confirmation period and baseline scheme."""
    return replace(DEFAULT_RULE, confirmation_months=float(confirmation_months), baseline=baseline).short_label


def sensitivity_chart(frame: pd.DataFrame, groups=terms.COMPARED_GROUPS, min_count: int = 0,
                      width: int = 240, height: int = 200, narrow_width: int = 210):
    """DWFS at 5 and 10 years with plain Greenwood 95% intervals, one row per definition;
    estimates with fewer than ``min_count`` patients at risk are not drawn.

    On a laptop the two years are side by side, each row named in full; below 560 px the
    page draws a narrow layout of the same data (:func:`hsct_ms.display.charts.with_narrow_layout`):
    the years one above the other, rows named short ("12 mo, roving"), ``narrow_width`` wide.
    """
    groups = [g for g in groups if g in set(frame["group"])]
    enough = ~((min_count > 0) & (frame["at_risk"] < min_count))
    data = frame[frame["group"].isin(groups) & enough][
        ["rule", "confirmation_months", "baseline", "group", "year", "survival", "lower", "upper"]].copy()
    data["short"] = [_short_rule(m, b) for m, b in zip(data["confirmation_months"], data["baseline"])]
    data = data.drop(columns=["confirmation_months", "baseline"])
    years = [f"{y:g} years" for y in sorted(set(frame["year"]))]
    data["year"] = data["year"].map(lambda y: f"{y:g} years")
    rules = frame.drop_duplicates("rule")
    order = {"rule": list(rules["rule"]),
             "short": [_short_rule(m, b) for m, b in zip(rules["confirmation_months"], rules["baseline"])]}
    colour = alt.Color("group:N", title="Group", scale=group_colour_scale(groups), sort=groups)

    def layout(names: str, panel_width: int, facet) -> alt.FacetChart:
        y = alt.Y(f"{names}:N", title=None, sort=order[names], axis=alt.Axis(labelLimit=320))
        base = alt.Chart().encode(y=y, yOffset=alt.YOffset("group:N", sort=groups), color=colour)
        bars = base.mark_rule(strokeWidth=2).encode(
            x=alt.X("lower:Q", title="Worsening-free (%)", axis=alt.Axis(format="%", values=PERCENT_TICKS),
                    scale=alt.Scale(domain=[0, 1])), x2="upper:Q")
        points = base.mark_point(filled=True, size=50).encode(
            x="survival:Q", shape=alt.Shape("group:N", sort=groups, title="Group", scale=alt.Scale(domain=groups)),
            tooltip=[alt.Tooltip("rule:N", title="Definition"), alt.Tooltip("group:N", title="Group"),
                     alt.Tooltip("survival:Q", title="DWFS", format=".1%")])
        return legible(alt.layer(bars, points, data=data).properties(width=panel_width, height=height)
                       .facet(**{facet: getattr(alt, facet.capitalize())("year:N", title=None, sort=years)}))

    chart = with_narrow_layout(layout("rule", width, "column"), layout("short", narrow_width, "row"))
    return bounded(chart, sensitivity_row_bound(len(groups)))


def no_visits_note():
    """What a figure of this chapter shows in a build without a visits file: a sentence,
    not a chart (a chart with nothing to draw would read as a result)."""
    from IPython.display import Markdown

    return Markdown("*No visits file in this build: nothing computed.*")



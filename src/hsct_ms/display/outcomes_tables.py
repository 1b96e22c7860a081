"""The outcomes chapter's tables and phrases: formatting only, no statistics.

Each function takes a frame from :mod:`hsct_ms.analysis.outcomes` or
:mod:`hsct_ms.analysis.outcomes_sensitivity` and returns the rows a reader sees, as
text, ready for :func:`hsct_ms.display.tables.table`. Counts pass through ``count``
(``ctx.count`` of :mod:`hsct_ms.chapter`), so small counts are withheld on a user's
cohort. Proportions are shown in percent with one decimal, as the paper prints them.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from hsct_ms.display import tiers

__all__ = [
    "percent", "percent_interval", "p_value", "reproduction_rows", "interval_rows", "STATISTIC_LABELS",
    "subtype_statistic_rows", "subtype_statistic_phrases", "sensitivity_rows", "published_difference_rows",
    "published_conditional_rows", "published_rmst_rows", "completeness_rows", "era_rows", "calendar_phrase",
    "statistics_basis", "censoring_verdict", "SPREAD_NAMES", "spread_sentence",
]


def _plain(n) -> str:
    return f"{int(n)}"


def percent(value: float) -> str:
    """A proportion in percent, one decimal: ``0.8553`` -> ``"85.5"``."""
    return f"{100 * value:.1f}"


def percent_interval(lower: float, upper: float) -> str:
    """Two proportions as a percent interval: ``"76.9 to 94.1"``."""
    return f"{percent(lower)} to {percent(upper)}"


def reproduction_rows(reproduction: pd.DataFrame, count: Callable = _plain) -> pd.DataFrame:
    """Rows of the published-against-computed table (values already in percent)."""
    return pd.DataFrame({
        "group": reproduction["group"],
        "year": reproduction["year"].map("{} y".format),
        "quantity": reproduction["quantity"],
        "published": reproduction["published"].map("{:.1f}".format),
        "computed": reproduction["computed"].map("{:.1f}".format),
        "difference": reproduction["difference"].map("{:+.2f}".format),
        "within": [("yes" if ok else "NO") + f" (± {tol:g})"
                   for ok, tol in zip(reproduction["within"], reproduction["tolerance"])],
        "at risk": reproduction["at_risk"].map(count),
    })


def interval_rows(intervals: pd.DataFrame) -> pd.DataFrame:
    """Rows of the plain against log-log interval table."""
    return pd.DataFrame({
        "group": intervals["group"],
        "year": intervals["year"].map("{} y".format),
        "estimate": intervals["survival"].map(percent),
        "plain 95% interval": [percent_interval(lo, up) for lo, up in zip(intervals["lower"], intervals["upper"])],
        "log-log 95% interval": [percent_interval(lo, up)
                                 for lo, up in zip(intervals["lower_loglog"], intervals["upper_loglog"])],
    })


#: Statistic key -> (label, number format; ``"p"`` for :func:`p_value`).
STATISTIC_LABELS = {
    "logrank_chi2": ("log-rank chi-square (1 df)", "{:.2f}"),
    "logrank_p": ("log-rank p", "p"),
    "cox_hr": ("Cox hazard ratio, progressive vs RRMS", "{:.2f}"),
    "cox_lower": ("its lower 95% bound", "{:.2f}"),
    "cox_upper": ("its upper 95% bound", "{:.2f}"),
    "cox_p": ("Cox p", "p"),
    "rmst_rrms_10y": ("mean worsening-free years to 10, RRMS", "{:.2f}"),
    "rmst_progressive_10y": ("mean worsening-free years to 10, progressive", "{:.2f}"),
    "rmst_difference_10y": ("difference, RRMS minus progressive (years)", "{:.2f}"),
    "cox_adj_hr": ("Cox hazard ratio adjusted for age and baseline EDSS", "{:.2f}"),
    "cox_adj_age": ("  age, per year (adjusted model)", "{:.2f}"),
    "cox_adj_edss": ("  baseline EDSS, per point (adjusted model)", "{:.2f}"),
    "ph_global_p": ("proportional-hazards test, global p (adjusted model)", "p"),
}


def p_value(p: float) -> str:
    """A p-value to 3 decimals, ``<0.001`` below that (never ``0.000``)."""
    return "<0.001" if p < 0.0005 else f"{p:.3f}"


def _number(fmt: str, value: float) -> str:
    if pd.isna(value):
        return "not estimable"
    return p_value(value) if fmt == "p" else fmt.format(value)


def _range(fmt: str, lower: float, upper: float) -> str:
    return "" if pd.isna(lower) else f"{_number(fmt, lower)} to {_number(fmt, upper)}"


def subtype_statistic_rows(statistics: pd.DataFrame) -> pd.DataFrame:
    """Rows of the RRMS against progressive table: ensemble median and range, or estimate and 95% interval."""
    on_ensemble = (statistics["basis"] == "ensemble").all()
    labels = [STATISTIC_LABELS[key] for key in statistics["statistic"]]
    return pd.DataFrame({
        "statistic": [label for label, _ in labels],
        "median over the reconstructions" if on_ensemble else "estimate":
            [_number(fmt, v) for (_, fmt), v in zip(labels, statistics["value"])],
        "range (min to max)" if on_ensemble else "95% interval":
            [_range(fmt, lo, up) for (_, fmt), lo, up in zip(labels, statistics["lower"], statistics["upper"])],
    })


def subtype_statistic_phrases(statistics: pd.DataFrame) -> dict[str, str]:
    """Statistic key -> the phrase a sentence uses: ``"0.029 (0.001 to 0.244 over 60
    reconstructions)"`` on the ensemble, ``"0.054"`` or ``"1.82 (95% interval 0.98 to 3.39)"``
    on a cohort."""
    phrases = {}
    for row in statistics.itertuples(index=False):
        fmt = STATISTIC_LABELS[row.statistic][1]
        if row.basis == "ensemble":
            text = tiers.ensemble_phrase(lambda v: _number(fmt, v), row.value, row.lower, row.upper, row.n)
        else:
            text = _number(fmt, row.value)
            if pd.isna(row.value) and getattr(row, "note", ""):
                text += f" ({row.note})"
            elif not pd.isna(row.lower):
                text += f" (95% interval {_range(fmt, row.lower, row.upper)})"
        phrases[row.statistic] = text
    return phrases


def sensitivity_rows(table: pd.DataFrame, count: Callable = _plain) -> pd.DataFrame:
    """Rows of the three-estimands table (percent)."""
    return pd.DataFrame({
        "group": table["group"],
        "year": table["year"].map("{} y".format),
        "deaths": table["deaths"].map(count),
        "main: deaths censored": [f"{percent(s)} ({percent_interval(lo, up)})"
                                  for s, lo, up in zip(table["main"], table["main_lower"], table["main_upper"])],
        "death as an event": [f"{percent(s)} ({percent_interval(lo, up)})" for s, lo, up
                              in zip(table["composite"], table["composite_lower"], table["composite_upper"])],
        "death a competing risk": table["competing"].map(percent),
    })


def published_difference_rows(difference: pd.DataFrame) -> pd.DataFrame:
    """Rows of the published-numbers difference table (percentage points)."""
    return pd.DataFrame({
        "year": difference["year"].map("{} y".format),
        "RRMS minus progressive (points)": difference["difference"].map(percent),
        "95% interval": [percent_interval(lo, up) for lo, up in zip(difference["lower"], difference["upper"])],
        "z": difference["z_statistic"].map("{:.2f}".format),
        "p (two-sided)": difference["p"].map(p_value),
    })


def published_conditional_rows(conditional: pd.DataFrame) -> pd.DataFrame:
    """Rows of the conditional survival and average hazard table."""
    return pd.DataFrame({
        "group": conditional["group"],
        "S(5)": conditional["s5"].map(percent),
        "S(10)": conditional["s10"].map(percent),
        "S(10) / S(5)": conditional["conditional"].map(percent),
        "average hazard 0-5 y (per 100 per year)": conditional["hazard_0_5"].map(percent),
        "average hazard 5-10 y (per 100 per year)": conditional["hazard_5_10"].map(percent),
        "ratio, later / earlier": conditional["hazard_ratio"].map("{:.2f}".format),
    })


def published_rmst_rows(bounds: pd.DataFrame, difference: dict) -> pd.DataFrame:
    """Rows of the RMST bounds table (years), the difference last."""
    rows = [{"group": group, "lowest possible": f"{lo:.2f}", "highest possible": f"{up:.2f}"}
            for group, lo, up in zip(bounds["group"], bounds["lower"], bounds["upper"])]
    rows.append({"group": "RRMS minus progressive", "lowest possible": f"{difference['lower']:.2f}",
                 "highest possible": f"{difference['upper']:.2f}"})
    return pd.DataFrame(rows)


def _cells(spread, column: str, text_of: Callable) -> list[str]:
    """One column of a :data:`hsct_ms.analysis.outcomes_sensitivity.Spread` as cells: the
    value, and on the shipped build its range over the reconstructions in brackets."""
    median, low, high = (frame[column] for frame in spread)
    return [tiers.ensemble_cell(text_of, m, lo, hi) for m, lo, hi in zip(median, low, high)]


def completeness_rows(spread, count: Callable = _plain) -> pd.DataFrame:
    """Rows of the follow-up completeness table, one per assumed transplant date
    (:func:`hsct_ms.analysis.outcomes_sensitivity.completeness_spread`)."""
    position = {0.0: "1 January", 0.5: "mid-year", 1.0: "31 December"}
    table = spread[0]
    out = pd.DataFrame({
        "transplant assumed at": table["month_fraction"].map(lambda f: position.get(f, f"{f:g} of the year")),
        "Clark's C (%)": _cells(spread, "clark_c", percent),
    })
    for reason in table.columns[2:]:
        out[reason] = _cells(spread, reason, count)
    return out


def era_rows(spread, count: Callable = _plain) -> pd.DataFrame:
    """Rows of the transplant-era table (:func:`hsct_ms.analysis.outcomes_sensitivity.era_spread`):
    the Kaplan-Meier estimate with its 95% interval on a cohort, or over the reconstructions."""
    table = spread[0]
    over_members = table["lower"].isna().all() and len(table)
    if over_members:
        survival = _cells(spread, "survival", percent)
    else:
        survival = [f"{percent(s)} ({percent_interval(lo, up)})"
                    for s, lo, up in zip(table["survival"], table["lower"], table["upper"])]
    return pd.DataFrame({
        "transplanted": table["era"],
        "patients": _cells(spread, "patients", count),
        "worsenings": _cells(spread, "worsenings", count),
        "deaths": _cells(spread, "deaths", count),
        "DWFS at 5 y (%)" if over_members else "DWFS at 5 y (%, 95% interval)": survival,
        "at risk at 5 y": _cells(spread, "at_risk", count),
    })


def calendar_phrase(assumption: dict, cutoff_range: tuple[float, float] | None = None) -> str:
    """Where the data cut-off and the transplant dates of the follow-up checks come from.

    ``cutoff_range``: on the shipped build, the range of data cut-offs the ensemble's
    reconstructions drew (each member's checks use its own).
    """
    if cutoff_range is not None:
        low, high = cutoff_range
        return (f"each reconstruction's own settings: its data cut-off (drawn between {low:.2f} and "
                f"{high:.2f}, as decimal years) and transplants at position {assumption['month_fraction']:g} "
                "of their year (0.5 = mid-year). Both are assumptions: the paper publishes neither")
    cutoff = f"{assumption['data_cutoff']:.2f}"
    return (f"an assumption, since a cohort file holds no dates: transplants at position "
            f"{assumption['month_fraction']:g} of their year (0.5 = mid-year) and a data cut-off at the "
            f"latest follow-up date that implies, {cutoff} (as a decimal year)")


def statistics_basis(statistics: pd.DataFrame) -> str:
    """The sentence that says what the subtype statistics are in this build."""
    if (statistics["basis"] == "ensemble").all():
        n = int(statistics["n"].max())
        return (f"On the shipped reconstruction no published number pins these statistics down, so "
                f"they are shown as their median and range over the {n} reconstructions of the "
                "ensemble that all meet every published target, not as one reconstruction's "
                "estimate and p-value; the effects of age and baseline EDSS are left out, because "
                "the reconstruction assigned both independently of worsening (null by construction)")
    return ("On this cohort they are its own estimates with 95% intervals, the published "
            "curves the reference")


def censoring_verdict(spread) -> str:
    """Whether survivors' follow-up mostly ended at the cut-off or before it, from the first
    row of :func:`hsct_ms.analysis.outcomes_sensitivity.completeness_spread` (on the shipped
    build: whether that holds in every reconstruction)."""
    median, low, high = (frame.iloc[0] for frame in spread)
    administrative, stopped = "followed to the cut-off", "stopped before the cut-off"
    if low[stopped] > high[administrative]:
        return ("most censoring is not administrative: most survivors were not censored because "
                "they were transplanted recently, but because their follow-up stopped well before the cut-off")
    if high[stopped] <= low[administrative]:
        return "most censoring is administrative: most survivors were followed to the data cut-off"
    return ("whether most censoring is administrative depends on the reconstruction: in some, most "
            "survivors were followed to the cut-off, in others most stopped well before it")


#: Statistic -> how a sentence names its spread.
SPREAD_NAMES = {"logrank_p": "the log-rank p-value (log scale)", "cox_hr": "the hazard ratio (log scale)",
                "rmst_difference_10y": "the difference in mean worsening-free years"}


def spread_sentence(sources: pd.DataFrame | None, on_ensemble: bool) -> str:
    """What the spread over the reconstructions comes from, in one sentence
    (:func:`hsct_ms.analysis.outcomes.spread_sources`); on a user's cohort, what the intervals mean."""
    if not on_ensemble:
        return "The intervals show the sampling error of this one cohort."
    parts = [f"{share:.0%} of the spread of {SPREAD_NAMES[name]}"
             for name, share in zip(sources["statistic"], sources["settings_share"])]
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return (f"All the settings the paper did not publish, varied together, explain {listed} over the "
            "reconstructions (linear model; with so few reconstructions, settings that did nothing "
            "would still explain a little by chance). The rest comes from the random seed of each "
            "reconstruction, which draws who worsens when, and from non-linear effects.")

"""The outcomes chapter's checks of its own estimand, sources and follow-up.

- :func:`sensitivity_table`: the main estimate beside two other ways of treating deaths
  (death as an event; death as a competing risk);
- :func:`published_difference`, :func:`published_conditional`, :func:`published_rmst_bounds`:
  RRMS against progressive MS from the published numbers alone (tier 2);
- :func:`calendar_assumption`, :func:`followup_completeness`, :func:`era_table`: how
  complete the follow-up is against the data cut-off, and survival by transplant era.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd

from hsct_ms import stats, terms
from hsct_ms.inputs import published
from hsct_ms.stats import competing_risks, completeness
from hsct_ms.stats import published_arithmetic as arithmetic

__all__ = [
    "event_codes",
    "sensitivity_table",
    "published_points",
    "published_difference",
    "published_conditional",
    "published_rmst_bounds",
    "calendar_assumption",
    "ADMINISTRATIVE_WINDOW_YEARS",
    "followup_completeness",
    "ERA_SPLIT_YEAR",
    "era_table",
    "Spread",
    "completeness_spread",
    "era_spread",
]

WORSENING, DEATH = 1, 2


def event_codes(patients: pd.DataFrame) -> pd.DataFrame:
    """Time and type of each patient's first event, deaths counted.

    Columns ``time`` and ``code``: 1 = worsening at ``dwfs_years``; 2 = died without
    worsening first, at ``followup_years`` (the cohort file's time of death); 0 =
    censored at ``dwfs_years``.
    """
    worsened = patients["worsening"].to_numpy(int) == 1
    died_first = ~worsened & (patients["died"].to_numpy(int) == 1)
    time = np.where(died_first, patients["followup_years"], patients["dwfs_years"]).astype(float)
    code = np.where(worsened, WORSENING, np.where(died_first, DEATH, 0))
    return pd.DataFrame({"time": time, "code": code}, index=patients.index)


def sensitivity_table(frames: Mapping[str, pd.DataFrame], years=(5, 10)) -> pd.DataFrame:
    """Worsening-free share at ``years`` per group under three treatments of death.

    Columns ``group, year, deaths`` (deaths without worsening in the group), then, as
    proportions: ``main``, ``main_lower``, ``main_upper`` (Kaplan-Meier, deaths
    censored; plain Greenwood 95%); ``composite``, ``composite_lower``,
    ``composite_upper`` (Kaplan-Meier of worsening or death, whichever comes first);
    ``competing`` (1 minus the Aalen-Johansen cumulative incidence of worsening, death a
    competing risk).
    """
    rows = []
    q = np.asarray(years, dtype=float)
    for group, frame in frames.items():
        first = event_codes(frame)
        main = stats.survival_at(frame["dwfs_years"].to_numpy(float), frame["worsening"].to_numpy(int), q)
        composite = stats.survival_at(first["time"].to_numpy(), (first["code"] > 0).to_numpy(int), q)
        cif = competing_risks.cumulative_incidence(first["time"], first["code"], q, WORSENING)
        for i, year in enumerate(years):
            rows.append({
                "group": group, "year": year, "deaths": int((first["code"] == DEATH).sum()),
                "main": main["survival"].iloc[i], "main_lower": main["lower"].iloc[i],
                "main_upper": main["upper"].iloc[i],
                "composite": composite["survival"].iloc[i], "composite_lower": composite["lower"].iloc[i],
                "composite_upper": composite["upper"].iloc[i],
                "competing": 1 - cif["cumulative_incidence"].iloc[i],
            })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- published numbers alone


def published_points(years=(5, 10)) -> pd.DataFrame:
    """The abstract's DWFS estimates and 95% bounds (proportions) for RRMS and progressive MS."""
    rows = [{"group": group, "year": year,
             **{kind: published.dwfs_value(terms.PUBLISHED_GROUP[group], year, kind) / 100
                for kind in ("estimate", "ci_lower", "ci_upper")}}
            for group in terms.COMPARED_GROUPS for year in years]
    return pd.DataFrame(rows)


def published_difference(years=(5, 10)) -> pd.DataFrame:
    """RRMS minus progressive DWFS at each year, from the published intervals alone.

    Uses :func:`hsct_ms.stats.published_arithmetic.difference_from_intervals` (SE from
    each symmetric 95% interval, independent groups, normal approximation). Columns
    ``year, difference, se, lower, upper, z_statistic, p`` (proportions).
    """
    points = published_points(years).set_index(["group", "year"])
    rows = []
    for year in years:
        a, b = points.loc[(terms.RRMS, year)], points.loc[(terms.PROGRESSIVE, year)]
        rows.append({"year": year, **arithmetic.difference_from_intervals(
            a["estimate"], a["ci_lower"], a["ci_upper"], b["estimate"], b["ci_lower"], b["ci_upper"])})
    return pd.DataFrame(rows)


def published_conditional() -> pd.DataFrame:
    """Per group: S(5), S(10), S(10)/S(5), average hazards in 0-5 and 5-10 years and their ratio.

    Columns ``group, s5, s10, conditional, hazard_0_5, hazard_5_10, hazard_ratio``
    (hazards per year; ratio = later over earlier).
    """
    points = published_points().set_index(["group", "year"])["estimate"]
    rows = []
    for group in terms.COMPARED_GROUPS:
        s5, s10 = points[(group, 5)], points[(group, 10)]
        early, late = arithmetic.average_hazard(1.0, s5, 5), arithmetic.average_hazard(s5, s10, 5)
        rows.append({"group": group, "s5": s5, "s10": s10, "conditional": arithmetic.conditional_survival(s5, s10),
                     "hazard_0_5": early, "hazard_5_10": late, "hazard_ratio": late / early})
    return pd.DataFrame(rows)


def published_rmst_bounds(tau: float = 10.0) -> tuple[pd.DataFrame, dict]:
    """Bounds on the restricted mean worsening-free time to ``tau`` from the published points.

    Returns a frame (``group, lower, upper``, years) and the bounds of the RRMS minus
    progressive difference (:func:`hsct_ms.stats.published_arithmetic.difference_bounds`).
    """
    points = published_points().set_index(["group", "year"])["estimate"]
    bounds = {group: arithmetic.rmst_bounds([5, 10], [points[(group, 5)], points[(group, 10)]], tau)
              for group in terms.COMPARED_GROUPS}
    frame = pd.DataFrame([{"group": g, "lower": lo, "upper": up} for g, (lo, up) in bounds.items()])
    return frame, arithmetic.difference_bounds(bounds[terms.RRMS], bounds[terms.PROGRESSIVE])


# --------------------------------------------------------------------------- follow-up

#: A survivor seen within this many years before the data cut-off counts as followed to
#: it (administrative censoring); an assumption: the paper publishes no visit schedule
#: beyond assessments at 6 months, 5 and 10 years.
ADMINISTRATIVE_WINDOW_YEARS = 1.0
#: Transplant eras: up to and including this year, and after it (the abstract reports no
#: early death after 2007).
ERA_SPLIT_YEAR = 2007
#: Position of the transplant within its year for a user's cohort (mid-year).
USER_MONTH_FRACTION = 0.5


def calendar_assumption(patients: pd.DataFrame, is_shipped: bool, calibration_file=None) -> dict:
    """The data cut-off and the transplant's position within its year, and where they come from.

    On the shipped cohort both are settings of the reconstruction, read from
    ``data/reconstruction.json`` (``data_cutoff``, ``transplant_month_fraction``). A
    cohort file holds no dates, so for a user's cohort the transplant is assumed at
    mid-year and the cut-off at the latest follow-up date that implies. Returns
    ``data_cutoff``, ``month_fraction`` and ``source`` (``reconstruction`` or ``assumed``).
    """
    if is_shipped:
        from hsct_ms.reconstruction import method  # only the shipped cohort has a calibration file

        settings = json.loads((calibration_file or method.CALIBRATION_FILE).read_text())["settings"]
        return {"data_cutoff": float(settings["data_cutoff"]),
                "month_fraction": float(settings["transplant_month_fraction"]), "source": "reconstruction"}
    end = patients["transplant_year"].to_numpy(float) + USER_MONTH_FRACTION + patients["followup_years"].to_numpy(float)
    return {"data_cutoff": float(end.max()), "month_fraction": USER_MONTH_FRACTION, "source": "assumed"}


def followup_completeness(patients: pd.DataFrame, calendar: dict,
                          window_years: float = ADMINISTRATIVE_WINDOW_YEARS) -> pd.DataFrame:
    """Clark's C and why follow-up ended, under the calendar assumption and under the latest
    transplant date possible.

    Parameters
    ----------
    calendar : dict
        ``data_cutoff`` and ``month_fraction`` (:func:`calendar_assumption`).

    Returns
    -------
    pandas.DataFrame
        One row for ``calendar["month_fraction"]`` and one for 1.0 (every transplant on
        31 December, which leaves the least time to the cut-off, so it is the assumption
        most favourable to administrative censoring): ``month_fraction, clark_c`` and
        one count per reason of :data:`hsct_ms.stats.completeness.CENSORING_REASONS`.
    """
    rows = []
    for fraction in dict.fromkeys((calendar["month_fraction"], 1.0)):
        potential = completeness.potential_followup(patients["transplant_year"], calendar["data_cutoff"], fraction)
        reasons = completeness.censoring_reasons(patients["followup_years"], patients["died"], potential,
                                                 window_years)
        rows.append({"month_fraction": fraction,
                     "clark_c": completeness.clark_completeness(patients["followup_years"], patients["died"], potential),
                     **reasons.value_counts(sort=False).to_dict()})
    return pd.DataFrame(rows)


def era_table(patients: pd.DataFrame, split_year: int = ERA_SPLIT_YEAR, year: float = 5.0) -> pd.DataFrame:
    """Patients, worsenings, deaths and Kaplan-Meier DWFS at ``year`` by transplant era.

    Columns ``era, patients, worsenings, deaths, survival, lower, upper, at_risk``
    (plain Greenwood 95%). Eras: up to ``split_year``, and after it.
    """
    early = patients["transplant_year"] <= split_year
    rows = []
    for label, mask in ((f"up to {split_year}", early), (f"{split_year + 1} or later", ~early)):
        frame = patients[mask]
        if not len(frame):
            continue
        at = stats.survival_at(frame["dwfs_years"].to_numpy(float), frame["worsening"].to_numpy(int), [year]).iloc[0]
        rows.append({"era": label, "patients": len(frame), "worsenings": int(frame["worsening"].sum()),
                     "deaths": int(frame["died"].sum()), "survival": at["survival"], "lower": at["lower"],
                     "upper": at["upper"], "at_risk": int(at["at_risk"])})
    return pd.DataFrame(rows)


# --- the same tables on the shipped build: over the reconstructions ---------------------

#: A table three times over, cell for cell: the value shown (the median over the
#: reconstructions on the shipped build), its lowest and its highest value. On a user's
#: cohort the three are the same frame, the cohort's own values.
Spread = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]


def _over_members(members: pd.DataFrame, layout: pd.DataFrame, column_of) -> Spread:
    """``layout`` with each numeric cell replaced by the median, minimum and maximum over
    ``members`` of the ensemble column ``column_of(row_position, column)``
    (:func:`hsct_ms.reconstruction.ensemble.value_range`; None: no such column, NaN)."""
    from hsct_ms.reconstruction import ensemble  # the ensemble computes its rows with this module

    frames = [layout.copy() for _ in range(3)]
    numeric = [c for c in layout.columns if pd.api.types.is_numeric_dtype(layout[c])]
    for position in range(len(layout)):
        for column in numeric:
            name = column_of(position, column)
            if name is None:
                for frame in frames:
                    frame.iloc[position, frame.columns.get_loc(column)] = np.nan
                continue
            for frame, value in zip(frames, ensemble.value_range(members, name)[:3]):
                frame.iloc[position, frame.columns.get_loc(column)] = value
    return frames[0], frames[1], frames[2]


def completeness_spread(patients: pd.DataFrame, calendar: dict, members: pd.DataFrame | None = None) -> Spread:
    """:func:`followup_completeness` as the build shows it.

    On a user's cohort (``members`` None) the cohort's own table, three times. On the
    shipped reconstruction the same table over the ensemble ``members``, each computed
    with its own data cut-off (:func:`hsct_ms.reconstruction.ensemble.descriptive_columns`),
    because one reconstruction's completeness is an assumption, not a finding.
    """
    table = followup_completeness(patients, calendar)
    if members is None:
        return table, table, table
    from hsct_ms.reconstruction import ensemble  # the ensemble computes its rows with this module

    def column_of(position: int, column: str) -> str:
        return ensemble.completeness_column(column, latest=position > 0)

    median, low, high = _over_members(members, table.drop(columns="month_fraction"), column_of)
    return tuple(frame.assign(month_fraction=table["month_fraction"].to_numpy())[table.columns]
                 for frame in (median, low, high))


def era_spread(patients: pd.DataFrame, members: pd.DataFrame | None = None) -> Spread:
    """:func:`era_table` as the build shows it: on a user's cohort its own table, three
    times; on the shipped reconstruction the median, minimum and maximum over the ensemble
    ``members`` (no interval: one reconstruction's interval would describe one draw)."""
    table = era_table(patients)
    if members is None:
        return table, table, table
    from hsct_ms.reconstruction import ensemble  # see completeness_spread

    def column_of(position: int, column: str) -> str | None:
        return ensemble.era_column(column, position) if column in ensemble.ERA_COLUMNS else None

    return _over_members(members, table, column_of)

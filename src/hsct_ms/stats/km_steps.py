"""Kaplan-Meier step data for charts: the exact curve sampled on a time grid.

Charts must not carry exact patient times (disclosure), so the curve is estimated on
the exact times by :func:`hsct_ms.stats.km_table` (lifelines) and only its values at
grid times reach a chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hsct_ms.stats._checks import check_survival_data
from hsct_ms.stats.kaplan_meier import km_table

__all__ = ["km_steps", "grid_cell", "grid_times"]


def grid_cell(times, time_resolution: float = 1 / 12) -> np.ndarray:
    """Grid interval of each time: ``k`` such that ``(k - 1) * res < t <= k * res`` (0 for t = 0).

    The small offset keeps t = 1.0 year in month 12 despite floating point (1 / (1/12)).
    """
    t = np.asarray(times, dtype=float)
    return np.ceil(t / time_resolution - 1e-9).astype(np.int64)


def grid_times(max_time: float, time_resolution: float = 1 / 12) -> int:
    """Number of grid times from 0 to the grid time at or after ``max_time``:
    ``grid_cell(max_time) + 1``. The most rows :func:`km_steps` returns for
    durations up to ``max_time``, whatever their number."""
    return int(grid_cell(max_time, time_resolution)) + 1


def km_steps(
    durations, events, level: float = 0.95, time_resolution: float = 1 / 12
) -> pd.DataFrame:
    """Aggregated Kaplan-Meier step data for charts, with no exact patient time in it.

    The curve is estimated on the exact times, then sampled on a grid of width
    ``time_resolution``: a row appears at each grid time where the curve has
    dropped since the previous grid time (at ``k * time_resolution``, the end of the
    grid interval that contains the events), plus time 0 and a last row at the
    end of the grid interval holding the last follow-up.

    Parameters
    ----------
    durations : array-like of float
        Time to event or censoring, strictly positive (years in this book).
    events : array-like of {0, 1} or bool
        1 = event observed, 0 = censored.
    level : float, default 0.95
        Confidence level of the plain interval.
    time_resolution : float, default 1/12
        Grid width in the unit of ``durations`` (one month for years).

    Returns
    -------
    pandas.DataFrame
        One row per grid interval with events (plus the first and last rows), never
        one per patient, with columns

        ``time``
            grid time ``k * time_resolution`` (rounded to 10 decimals);
        ``survival``, ``lower``, ``upper``
            the exact KM estimate and plain interval at ``time`` (they equal the
            values after the last event of the interval);
        ``at_risk``
            patients whose time falls in this grid interval or later, i.e. at risk
            at the start of the interval ending at ``time``;
        ``events``
            events in the grid interval ending at ``time``;
        ``censored_since_previous``
            censorings after the previous row's grid interval, up to and including
            this one (where to draw censoring ticks).

        ``events`` and ``censored_since_previous`` add up to the number of
        patients. There is at most one row per grid time from 0 to the last
        follow-up, so never more than ``grid_times(max(durations), time_resolution)``
        rows (:func:`grid_times`), however many patients or distinct times.

    Notes
    -----
    Each displayed drop can lag the exact event by up to one ``time_resolution``,
    and events within one interval appear as one step; at the grid times the curve
    is exact. Use this for display only; take reported numbers from
    :func:`survival_at`. Where the curve reaches 0 the interval is NaN, as in R.
    Small numbers at risk per row can still identify patients in a tiny cohort.
    """
    t, _ = check_survival_data(durations, events)
    if not (np.isfinite(time_resolution) and time_resolution > 0):
        raise ValueError(f"time_resolution must be finite and > 0, got {time_resolution!r}")
    table = km_table(durations, events, level)
    times, n_events, censored = (table[c].to_numpy() for c in ("time", "events", "censored"))
    surv, lower, upper = (table[c].to_numpy() for c in ("survival", "lower", "upper"))
    # Grid interval of each distinct time and of each patient: (k - 1) res < t <= k res.
    cell = grid_cell(times, time_resolution)
    cell_of_patient = grid_cell(t, time_resolution)

    has_event = n_events > 0
    event_cells, last_idx = np.unique(cell[has_event][::-1], return_index=True)
    last_idx = np.flatnonzero(has_event)[::-1][last_idx]  # last event time in each cell
    row_cells = np.concatenate(([0], event_cells))
    last_cell = int(cell.max())
    if last_cell > row_cells[-1]:
        row_cells = np.append(row_cells, last_cell)
        last_idx = np.append(last_idx, times.size - 1)
    # The tail row reads the last distinct time: the curve is flat after the last event.
    s_row = np.concatenate(([1.0], surv[last_idx]))
    lo_row = np.concatenate(([1.0], lower[last_idx]))
    up_row = np.concatenate(([1.0], upper[last_idx]))

    sorted_cells = np.sort(cell_of_patient)
    at_risk_row = t.size - np.searchsorted(sorted_cells, row_cells, side="left")
    at_risk_row[0] = t.size
    # Events in each row's cell; censorings in (previous row's cell, this row's cell].
    events_row = np.bincount(cell, weights=n_events, minlength=last_cell + 1)[row_cells]
    cens_cum = np.cumsum(np.bincount(cell, weights=censored, minlength=last_cell + 1))
    cens_row = np.diff(np.concatenate(([0.0], cens_cum[row_cells])))
    return pd.DataFrame(
        {
            "time": np.round(row_cells * float(time_resolution), 10),
            "survival": s_row,
            "lower": lo_row,
            "upper": up_row,
            "at_risk": at_risk_row.astype(np.int64),
            "events": events_row.astype(np.int64),
            "censored_since_previous": cens_row.astype(np.int64),
        }
    )

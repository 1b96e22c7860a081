"""Who was transplanted: the baseline table by group and deaths soon after transplant.

:func:`baseline_table` summarises a cohort file (one row per patient, the columns of
:data:`hsct_ms.inputs.cohort.SCHEMA`) by group, as numbers. :func:`baseline_long` puts the
published value beside each reconstructed one and says what each cell is
(published, reconstructed, assumed, or from the user's own file), and
:func:`format_baseline_table` turns that into the table the book shows.
:func:`early_deaths` counts deaths within a number of days of transplant, overall and
by era, with exact (Clopper-Pearson) 95% intervals.

Groups are those of the paper: RRMS, SPMS, PPMS, progressive (SPMS + PPMS) and all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hsct_ms.display import disclosure
from hsct_ms.inputs import published
from hsct_ms.stats import clopper_pearson, reverse_km_median_followup

__all__ = [
    "BASELINE_GROUPS",
    "DAYS_PER_YEAR",
    "ERA_LAST_YEAR",
    "STATUS_LABELS",
    "group_members",
    "baseline_table",
    "baseline_long",
    "format_baseline_table",
    "early_deaths",
    "format_early_deaths",
]

BASELINE_GROUPS = ("RRMS", "SPMS", "PPMS", "Progressive", "All")
DAYS_PER_YEAR = 365.25
# The paper reports no early death in patients transplanted after 2007.
ERA_LAST_YEAR = 2007

#: Short code shown in a table cell -> what it means (for captions).
STATUS_LABELS = {
    "R=P": "reconstructed (matches published)",
    "R": "reconstructed",
    "A": "assumed (follows from an assumption of the reconstruction, not a finding)",
    "F": "from your cohort file",
}


def group_members(patients: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The rows of each group of :data:`BASELINE_GROUPS` (progressive = SPMS + PPMS)."""
    subtype = patients["subtype"]
    return {
        "RRMS": patients[subtype == "RRMS"],
        "SPMS": patients[subtype == "SPMS"],
        "PPMS": patients[subtype == "PPMS"],
        "Progressive": patients[subtype.isin(["SPMS", "PPMS"])],
        "All": patients,
    }


def _summary(frame: pd.DataFrame) -> dict[str, float]:
    n = len(frame)
    if n == 0:
        return {"n": 0}
    age = frame["age"].to_numpy(dtype=float)
    edss = frame["baseline_edss"].to_numpy(dtype=float)
    followup = frame["followup_years"].to_numpy(dtype=float)
    died = frame["died"].to_numpy().astype(int)
    sd = (lambda v: float(np.std(v, ddof=1))) if n > 1 else (lambda v: np.nan)
    return {
        "n": n,
        "age_mean": float(age.mean()),
        "age_sd": sd(age),
        "edss_median": float(np.median(edss)),
        "edss_q1": float(np.quantile(edss, 0.25)),
        "edss_q3": float(np.quantile(edss, 0.75)),
        "edss_min": float(edss.min()),
        "edss_max": float(edss.max()),
        "year_min": int(frame["transplant_year"].min()),
        "year_max": int(frame["transplant_year"].max()),
        "followup_mean": float(followup.mean()),
        "followup_sd": sd(followup),
        "followup_median_reverse_km": float(reverse_km_median_followup(followup, died)["median"]),
        "deaths": int(died.sum()),
    }


def baseline_table(patients: pd.DataFrame) -> pd.DataFrame:
    """Baseline characteristics by group, as numbers.

    Parameters
    ----------
    patients : DataFrame
        One row per patient with the columns ``subtype``, ``age`` (years at
        transplant), ``baseline_edss``, ``transplant_year``, ``followup_years``
        (transplant to last contact or death) and ``died`` (1 = follow-up ended by
        death, 0 = alive at last contact).

    Returns
    -------
    pandas.DataFrame
        Index = group (:data:`BASELINE_GROUPS`, in that order); columns ``n``,
        ``age_mean``, ``age_sd``, ``edss_median``, ``edss_q1``, ``edss_q3``,
        ``edss_min``, ``edss_max``, ``year_min``, ``year_max``, ``followup_mean``,
        ``followup_sd``, ``followup_median_reverse_km`` (years) and ``deaths`` (at any
        time). A group with no patient has ``n = 0`` and NaN elsewhere.

    Notes
    -----
    SDs are sample SDs (``ddof = 1``; NaN for one patient). Quartiles use linear
    interpolation between order statistics (numpy's default, R's ``type = 7``).
    The follow-up median is the reverse Kaplan-Meier median
    (:func:`hsct_ms.stats.survival.reverse_km_median_followup`): deaths censor follow-up
    instead of counting as short follow-up. It is NaN when the reverse curve never
    reaches one half. None of these depends on the order of the rows.

    Examples
    --------
    >>> from hsct_ms import cohort
    >>> table = baseline_table(cohort.load_cohort())
    >>> int(table.loc["All", "n"])
    210
    """
    rows = {group: _summary(frame) for group, frame in group_members(patients).items()}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "group"
    for column in ("n", "deaths", "year_min", "year_max"):
        if column in table:
            table[column] = table[column].astype("Int64")
    return table


# --- published beside reconstructed ----------------------------------------------------

_EDSS = -1  # "decimals" code: 1 to 3 decimals, as many as the value needs (6.0, 6.25, 5.625)

# (row label, columns of baseline_table, decimals shown)
_ROWS = (
    ("Patients, n", ("n",), 0),
    ("Age, mean (years)", ("age_mean",), 1),
    ("Age, SD (years)", ("age_sd",), 1),
    # EDSS medians and quartiles can fall between two 0.5 steps (6.25): decimals kept.
    ("Baseline EDSS, median", ("edss_median",), _EDSS),
    ("Baseline EDSS, IQR", ("edss_q1", "edss_q3"), _EDSS),
    ("Baseline EDSS, range", ("edss_min", "edss_max"), _EDSS),
    ("Transplant years, range", ("year_min", "year_max"), 0),
    ("Follow-up, mean (years)", ("followup_mean",), 1),
    ("Follow-up, SD (years)", ("followup_sd",), 1),
    ("Follow-up, median by reverse KM (years)", ("followup_median_reverse_km",), 1),
    ("Deaths at any time, n", ("deaths",), 0),
)


def _published_whole_cohort() -> dict[str, tuple[tuple[float, ...], float, str]]:
    """Published whole-cohort value(s) per row label, the tolerance to call a match, and a text."""
    n = published.cohort_value("patients", "count")
    counts = {s: published.subtype_count(s) for s in ("RRMS", "SPMS", "PPMS")}
    age = published.cohort_value("age", "mean")
    median = published.cohort_value("baseline_edss", "median")
    low, high = (published.cohort_value("baseline_edss", k) for k in ("min", "max"))
    first, last = (published.cohort_value("transplant_year", k) for k in ("year_min", "year_max"))
    mean, sd = (published.cohort_value("followup", k) for k in ("mean", "sd"))
    early = published.value("boffa2021_early_deaths_all_count")
    return {
        # Age is published as a whole number of years: a mean that rounds to it matches.
        "Patients, n": ((n,), 0, f"{n:g} (RRMS {counts['RRMS']}, SPMS {counts['SPMS']}, "
                                  f"PPMS {counts['PPMS']})"),
        "Age, mean (years)": ((age,), 0.5, f"{age:g}"),
        "Baseline EDSS, median": ((median,), 0, f"{median:g}"),
        "Baseline EDSS, range": ((low, high), 0, f"{low:g}\u2013{high:g}"),
        "Transplant years, range": ((first, last), 0, f"{first:g}\u2013{last:g}"),
        "Follow-up, mean (years)": ((mean,), 0.05, f"{mean:.1f}"),
        "Follow-up, SD (years)": ((sd,), 0.05, f"{sd:.1f}"),
        "Deaths at any time, n": ((), 0, f"{early:g} within 100 days; later deaths not published"),
    }


def _published_subtype_counts() -> dict[str, float]:
    counts = {s: float(published.subtype_count(s)) for s in ("RRMS", "SPMS", "PPMS")}
    counts["Progressive"] = counts["SPMS"] + counts["PPMS"]
    counts["All"] = published.cohort_value("patients", "count")
    return counts


def _format_value(values: tuple[float, ...], decimals: int) -> str:
    if any(pd.isna(v) for v in values):
        return "n/a"
    if decimals == _EDSS:
        text = [f"{float(v):.3f}".rstrip("0").removesuffix(".") for v in values]
        text = [t if "." in t else t + ".0" for t in text]
    else:
        text = [f"{float(v):.{decimals}f}" for v in values]
    return text[0] if len(text) == 1 else f"{text[0]}\u2013{text[1]}"


def baseline_long(patients: pd.DataFrame, is_shipped: bool | None = None, min_count: int = 0) -> pd.DataFrame:
    """The baseline table in long form, each value with its published counterpart and status.

    Parameters
    ----------
    patients : DataFrame
        The cohort, as for :func:`baseline_table`.
    is_shipped : bool, optional
        Whether ``patients`` is the shipped reconstruction; by default read from
        ``patients.attrs["cohort"].is_shipped`` (False when absent).

    Returns
    -------
    pandas.DataFrame
        One row per characteristic and group: ``characteristic``, ``group``,
        ``value`` (text, as shown), ``published`` (text; empty where the paper
        publishes nothing for that cell) and ``status``, a key of
        :data:`STATUS_LABELS`:

        ``R=P``
            the shipped reconstruction was calibrated to a published value and
            matches it (within the published rounding);
        ``R``
            computed from the shipped reconstruction, a published value exists and
            is not matched (should not happen: the reconstruction's tests guard it);
        ``A``
            the paper publishes nothing for this cell: with the shipped data the
            value follows from an assumption of the reconstruction
            (:data:`hsct_ms.reconstruction.ASSUMPTIONS`), it is not a finding;
        ``F``
            the cohort is the user's own file: the value is computed from it.

    With ``min_count`` (a user's cohort, :mod:`hsct_ms.display.disclosure`), a small count
    reads ``<N``, every statistic of a group smaller than that is withheld, and
    ranges (the extreme values of single patients) are not shown.
    """
    if is_shipped is None:
        info = patients.attrs.get("cohort")
        is_shipped = bool(getattr(info, "is_shipped", False))
    table = baseline_table(patients)
    whole = _published_whole_cohort()
    counts = _published_subtype_counts()
    rows = []
    for label, columns, decimals in _ROWS:
        for group in BASELINE_GROUPS:
            values = tuple(table.loc[group, c] if c in table else np.nan for c in columns)
            target, tolerance, text = None, 0.0, ""
            if label == "Patients, n":
                target, text = (counts[group],), f"{counts[group]:g}"
                if group == "Progressive":
                    text += " (SPMS + PPMS)"
            elif group == "All" and label in whole:
                target, tolerance, text = whole[label]
                target = target or None
            if not is_shipped:
                status = "F"
            elif target is None:
                status = "A"
            else:
                close = all(not pd.isna(v) and abs(float(v) - t) <= tolerance + 1e-9
                            for v, t in zip(values, target))
                status = "R=P" if close else "R"
            shown = _format_value(values, decimals)
            if min_count:
                n = int(table.loc[group, "n"])
                if columns in (("n",), ("deaths",)) and disclosure.is_small(values[0], min_count):
                    shown = disclosure.show_count(values[0], min_count)
                elif columns != ("n",) and disclosure.is_small(n, min_count):
                    shown = f"withheld (n<{min_count})"
                elif label.endswith("range"):
                    shown = "not shown (single patients' values)"
            rows.append({"characteristic": label, "group": group,
                         "value": shown,
                         "published": text, "status": status})
    return pd.DataFrame(rows, columns=["characteristic", "group", "value", "published", "status"])


def format_baseline_table(patients: pd.DataFrame, is_shipped: bool | None = None,
                          min_count: int = 0) -> pd.DataFrame:
    """The baseline table for reading: characteristics down, groups across, a status code in each cell.

    Parameters
    ----------
    patients : DataFrame
        The cohort, as for :func:`baseline_table`.
    is_shipped : bool, optional
        As in :func:`baseline_long`.
    min_count : int
        Small-count threshold, as in :func:`baseline_long`.

    Returns
    -------
    pandas.DataFrame
        Column ``Characteristic``, one column per group holding ``"value [code]"``
        (codes in :data:`STATUS_LABELS`), and ``Published`` with the published
        value(s) for that row (whole cohort, or the subtype counts) or
        "not published".
    """
    long = baseline_long(patients, is_shipped, min_count)
    long["cell"] = long["value"] + " [" + long["status"] + "]"
    wide = long.pivot(index="characteristic", columns="group", values="cell")
    order = [label for label, _, _ in _ROWS]
    wide = wide.loc[order, list(BASELINE_GROUPS)]
    whole = _published_whole_cohort()
    published_text = {label: whole[label][2] if label in whole else "not published" for label in order}
    wide.insert(len(wide.columns), "Published", [published_text[label] for label in order])
    wide = wide.reset_index().rename(columns={"characteristic": "Characteristic"})
    wide.columns.name = None
    return wide


# --- deaths soon after transplant --------------------------------------------------------


def early_deaths(patients: pd.DataFrame, days: int = 100, level: float = 0.95) -> pd.DataFrame:
    """Deaths within ``days`` of transplant, overall and by era, with exact intervals.

    Parameters
    ----------
    patients : DataFrame
        One row per patient with ``transplant_year``, ``followup_years`` and ``died``.
        A death counts when ``died == 1`` and ``followup_years * 365.25 <= days``
        (follow-up ends at death).
    days : int, default 100
        The window after transplant (the paper's transplant-related mortality window).
    level : float, default 0.95
        Confidence level of the Clopper-Pearson interval.

    Returns
    -------
    pandas.DataFrame
        Rows ``All``, ``Transplanted up to 2007`` and ``Transplanted after 2007``
        (:data:`ERA_LAST_YEAR`); columns ``patients``, ``deaths``, ``proportion``,
        ``lower`` and ``upper`` (proportions in [0, 1]; NaN for an empty era).

    Notes
    -----
    A crude proportion: every patient is counted in the denominator, which is
    right here because every patient was followed past the window or died within
    it. The exact interval is conservative (coverage at least ``level``); with a
    handful of deaths it is wide, and an era with no death still has an upper
    bound well above zero.
    """
    early = (patients["died"].to_numpy() == 1) & (
        patients["followup_years"].to_numpy(dtype=float) * DAYS_PER_YEAR <= days)
    year = patients["transplant_year"].to_numpy()
    eras = {
        "All": np.ones(len(patients), dtype=bool),
        f"Transplanted up to {ERA_LAST_YEAR}": year <= ERA_LAST_YEAR,
        f"Transplanted after {ERA_LAST_YEAR}": year > ERA_LAST_YEAR,
    }
    rows = []
    for label, members in eras.items():
        n, k = int(members.sum()), int(early[members].sum())
        lower, upper = clopper_pearson(k, n, level) if n else (np.nan, np.nan)
        rows.append({"era": label, "patients": n, "deaths": k,
                     "proportion": k / n if n else np.nan, "lower": lower, "upper": upper})
    return pd.DataFrame(rows).set_index("era")


def format_early_deaths(deaths: pd.DataFrame, is_shipped: bool, min_count: int = 0) -> pd.DataFrame:
    """The :func:`early_deaths` table for reading, beside the published counts.

    Parameters
    ----------
    deaths : DataFrame
        As returned by :func:`early_deaths` (100-day window).
    is_shipped : bool
        Whether the cohort is the shipped reconstruction (``CohortInfo.is_shipped``).
    min_count : int
        Small-count threshold (:mod:`hsct_ms.display.disclosure`): a small number of deaths
        reads ``<N``, and the proportion and interval, which would give it away, are
        withheld.

    Returns
    -------
    pandas.DataFrame
        Columns ``Patients transplanted``, ``n``, ``Deaths within 100 days``,
        ``Proportion (%)``, ``Exact 95% interval (%)``, ``Published`` and ``Status``
        (``reconstructed (matches published)`` or ``from your cohort file``; the
        count up to 2007 is implied by the published total and the none after 2007).
    """
    count = published.value("boffa2021_early_deaths_all_count")
    percent = published.value("boffa2021_early_deaths_all_percent")
    after = published.value(f"boffa2021_early_deaths_after_{ERA_LAST_YEAR}_count")
    published_text = {
        "All": (count, f"{count:g} ({percent:g}%)"),
        f"Transplanted up to {ERA_LAST_YEAR}": (count - after, f"{count - after:g} (implied)"),
        f"Transplanted after {ERA_LAST_YEAR}": (after, f"{after:g}"),
    }
    rows = []
    for era, row in deaths.iterrows():
        target, text = published_text.get(era, (None, "not published"))
        if not is_shipped:
            status = STATUS_LABELS["F"]
        elif target is not None and row["deaths"] == target:
            status = STATUS_LABELS["R=P"]
        else:
            status = STATUS_LABELS["R"]
        empty = row["patients"] == 0
        withheld = disclosure.is_small(row["deaths"], min_count) or disclosure.is_small(row["patients"], min_count)
        rows.append({
            "Patients transplanted": era.removeprefix("Transplanted "),
            "n": disclosure.show_count(row["patients"], min_count) if min_count else int(row["patients"]),
            "Deaths within 100 days": disclosure.show_count(row["deaths"], min_count) if min_count
            else int(row["deaths"]),
            "Proportion (%)": "n/a" if empty else "withheld" if withheld else f"{100 * row['proportion']:.1f}",
            "Exact 95% interval (%)": "n/a" if empty else "withheld" if withheld
            else f"{100 * row['lower']:.1f}\u2013{100 * row['upper']:.1f}",
            "Published": text,
            "Status": status,
        })
    return pd.DataFrame(rows)

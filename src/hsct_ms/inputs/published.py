"""The published values in ``data/published/``, read and checked.

Every number the book calls "published" comes from ``values.csv`` through this
module, with its source beside it; nothing published is typed into prose by hand.
The files are transcribed by hand from the published record (see
``data/published/README.md``); the loaders refuse a file that breaks the schema and
say which file, column and lines are wrong.

Examples
--------
>>> from hsct_ms.inputs.published import value
>>> value("boffa2021_dwfs_rrms_5y_estimate")
85.5
"""

from __future__ import annotations

import difflib
import functools
from pathlib import Path

import pandas as pd

from hsct_ms.paths import PUBLISHED_DIR, REPO_ROOT

VALUES_CSV = PUBLISHED_DIR / "values.csv"
STUDIES_CSV = PUBLISHED_DIR / "studies.csv"
UNKNOWNS_CSV = PUBLISHED_DIR / "unknowns.csv"
CLAIMS_CSV = PUBLISHED_DIR / "claims.csv"
BIBLIOGRAPHY = REPO_ROOT / "references.bib"


def _numbers(text: pd.Series) -> pd.Series:
    """A validated text column as float64, NaN where blank."""
    return pd.to_numeric(text.where(text != ""), errors="raise").astype("float64")


def load_studies(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``studies.csv``: one row per cited study.

    Parameters
    ----------
    path : str or Path, optional
        The file to read; ``data/published/studies.csv`` by default.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`~hsct_ms.inputs.published_schemas.STUDY_COLUMNS`; ``n`` as
        nullable integer (blank where no single patient count is published), every other
        column as string.

    Raises
    ------
    ValueError
        If the file breaks :data:`~hsct_ms.inputs.published_schemas.STUDIES`; the message
        names the file, the column and the CSV lines.
    """
    from hsct_ms.inputs import published_schemas as schemas  # pandera only when read

    text = schemas.read_text_table(Path(path) if path is not None else STUDIES_CSV, schemas.STUDIES)
    studies = text.astype("string")
    studies["n"] = _numbers(text["n"]).astype("Int64")
    return studies


def load_unknowns(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``unknowns.csv``: what the sources do not publish, so the book must not state.

    Returns
    -------
    pandas.DataFrame
        Columns ``item`` and ``note``, as string.

    Raises
    ------
    ValueError
        If the header is wrong or an item is blank or repeated.
    """
    from hsct_ms.inputs import published_schemas as schemas

    path = Path(path) if path is not None else UNKNOWNS_CSV
    return schemas.read_text_table(path, schemas.UNKNOWNS).astype("string")


def load_claims(path: str | Path | None = None, values_path: str | Path | None = None) -> pd.DataFrame:
    """Read ``claims.csv`` (all text), checked against its schema and the keys of values.csv.

    The check codes and wording kinds are the ledger's (:mod:`hsct_ms.analysis.claims`).

    Raises
    ------
    ValueError
        If the file breaks :func:`~hsct_ms.inputs.published_schemas.claims_schema`; the
        message names the file, the column and the CSV lines.
    """
    from hsct_ms.inputs import published_schemas as schemas

    keys = load_values(values_path)["key"]
    return schemas.read_text_table(Path(path) if path is not None else CLAIMS_CSV,
                                   schemas.claims_schema(keys))


def _load_values_text(
    path: str | Path | None, studies_path: str | Path | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate ``values.csv``; return it as text (as transcribed) and typed."""
    from hsct_ms.inputs import published_schemas as schemas

    schema = schemas.values_schema(load_studies(studies_path)["key"])
    text = schemas.read_text_table(Path(path) if path is not None else VALUES_CSV, schema)
    typed = text.astype("string")
    for column in ("time_years", "value", "ci_level"):
        typed[column] = _numbers(text[column])
    return text, typed


def load_values(path: str | Path | None = None, studies_path: str | Path | None = None) -> pd.DataFrame:
    """Read ``values.csv``: every published number, one per row, with its source.

    Parameters
    ----------
    path : str or Path, optional
        The file to read; ``data/published/values.csv`` by default.
    studies_path : str or Path, optional
        The ``studies.csv`` whose keys the ``study`` column must use;
        ``data/published/studies.csv`` by default.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`~hsct_ms.inputs.published_schemas.VALUE_COLUMNS` in file order. ``value``, ``time_years``
        and ``ci_level`` are float64 (NaN where blank); every other column is string.
        Percentages are percent numbers (85.5, not 0.855).

    Raises
    ------
    ValueError
        If the header is wrong, a key is repeated or not snake_case, a ``kind`` or
        ``relation`` is outside its allowed set, a number does not parse, or a study
        is not in ``studies.csv``. The message names the file, the column and the
        CSV lines (line 1 is the header).

    Notes
    -----
    ``relation`` says whether ``value`` is the published number ("=") or a bound of
    it: "<" for "p < 0.001", ">" for "more than half". Read both before printing.
    """
    return _load_values_text(path, studies_path)[1]


def value(key: str, allow_bound: bool = False, path: str | Path | None = None) -> float:
    """The published number stored under ``key``.

    Parameters
    ----------
    key : str
        A key of ``values.csv``, e.g. ``"boffa2021_dwfs_rrms_5y_estimate"``.
    allow_bound : bool, default False
        Values published only as a bound ("p < 0.001", "more than half") are refused
        unless this is True, so a bound is not printed as if it were exact.
    path : str or Path, optional
        The ``values.csv`` to read; the shipped one by default.

    Returns
    -------
    float
        The value in the row's ``unit`` (percent numbers for percentages).

    Raises
    ------
    KeyError
        If ``key`` is not in the file; the message lists the closest keys.
    ValueError
        If the row is a bound and ``allow_bound`` is False.
    """
    values = load_values(path) if path is not None else _shipped()
    row = values.loc[values["key"] == key]
    if row.empty:
        close = difflib.get_close_matches(key, values["key"].tolist(), n=5, cutoff=0.6)
        hint = f"closest keys: {close}" if close else "no similar key"
        raise KeyError(f"{key!r} is not a key of values.csv; {hint}")
    relation = row["relation"].iloc[0]
    if relation != "=" and not allow_bound:
        raise ValueError(
            f"{key!r} is published only as a bound ({relation} {row['value'].iloc[0]:g}); "
            "pass allow_bound=True and print the relation with it"
        )
    return float(row["value"].iloc[0])


def published_table(
    study: str = "boffa2021",
    path: str | Path | None = None,
    studies_path: str | Path | None = None,
) -> pd.DataFrame:
    """The published values of one study as a table for readers (the provenance page).

    Parameters
    ----------
    study : str, default "boffa2021"
        A key of ``studies.csv`` (the BibTeX key of the study).
    path, studies_path : str or Path, optional
        The ``values.csv`` and ``studies.csv`` to read; the shipped ones by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``quantity``, ``group``, ``time`` (years, NaN when not a
        time point), ``kind``, ``value`` (text as transcribed, prefixed by "<" or ">"
        when only a bound is published), ``unit``, ``source`` (document and place in
        it) and ``note``, in file order.

    Raises
    ------
    KeyError
        If ``study`` is not a key of ``studies.csv``.
    """
    text, typed = _load_values_text(path, studies_path)
    studies = load_studies(studies_path)["key"].tolist()
    if study not in studies:
        close = difflib.get_close_matches(study, studies, n=3, cutoff=0.5)
        raise KeyError(f"{study!r} is not a key of studies.csv; closest keys: {close}")
    rows = text["study"] == study
    shown = text.loc[rows, "value"].where(
        text.loc[rows, "relation"] == "=", text.loc[rows, "relation"] + " " + text.loc[rows, "value"]
    )
    table = pd.DataFrame(
        {
            "key": typed.loc[rows, "key"],
            "quantity": typed.loc[rows, "quantity"],
            "group": typed.loc[rows, "group"],
            "time": typed.loc[rows, "time_years"],
            "kind": typed.loc[rows, "kind"],
            "value": shown.astype("string"),
            "unit": typed.loc[rows, "unit"],
            "source": (typed.loc[rows, "source"] + ", " + typed.loc[rows, "locator"]),
            "note": typed.loc[rows, "note"],
        }
    )
    return table.reset_index(drop=True)


# --- Boffa 2021 look-ups used by the reconstruction and the chapters ---------------

THIS_STUDY = "boffa2021"
DWFS_GROUPS = ("RRMS", "progressive", "all")


@functools.lru_cache(maxsize=2)
def _shipped_values(stamp: tuple[int, int]) -> pd.DataFrame:
    """The shipped values.csv, read once per version of the files (``stamp`` = mtimes)."""
    return load_values()


def _shipped() -> pd.DataFrame:
    """The shipped values.csv, validated once per version of values.csv and studies.csv."""
    return _shipped_values((VALUES_CSV.stat().st_mtime_ns, STUDIES_CSV.stat().st_mtime_ns))


def _boffa2021_row(quantity: str, group: str, kind: str, time_years: float | None = None) -> pd.Series:
    """The single Boffa 2021 row for (quantity, group, kind[, time]); KeyError if none."""
    values = _shipped()
    rows = values[
        (values["study"] == THIS_STUDY)
        & (values["quantity"] == quantity)
        & (values["group"] == group)
        & (values["kind"] == kind)
        & (values["time_years"].isna() if time_years is None else values["time_years"] == time_years)
    ]
    if len(rows) != 1:
        when = "" if time_years is None else f" at {time_years:g} years"
        available = sorted(set(values.loc[values["study"] == THIS_STUDY, "quantity"]))
        raise KeyError(
            f"{len(rows)} published {THIS_STUDY} value(s) for quantity={quantity!r}, group={group!r}, "
            f"kind={kind!r}{when}; quantities published: {available}"
        )
    return rows.iloc[0]


def cohort_value(quantity: str, kind: str) -> float:
    """A published whole-cohort number of Boffa 2021 (group ``all``, no time point).

    Parameters
    ----------
    quantity : str
        ``patients``, ``age``, ``baseline_edss``, ``followup``, ``transplant_year``
        or ``early_deaths``.
    kind : str
        ``count``, ``percent``, ``mean``, ``sd``, ``median``, ``min``, ``max``,
        ``year_min`` or ``year_max``, as published for that quantity.

    Returns
    -------
    float
        The value in its unit (years for age and follow-up, EDSS points, patients).

    Raises
    ------
    KeyError
        If Boffa 2021 publishes no such whole-cohort value (e.g. a follow-up median).

    Examples
    --------
    >>> cohort_value("followup", "mean")
    6.2
    """
    return float(_boffa2021_row(quantity, "all", kind)["value"])


def subtype_count(subtype: str) -> int:
    """Published number of Boffa 2021 patients with an MS subtype (``RRMS``, ``SPMS``, ``PPMS``)."""
    return int(_boffa2021_row("patients", subtype, "count")["value"])


def subtype_count_source(subtype: str) -> str:
    """Where :func:`subtype_count` comes from: ``"abstract"`` (RRMS) or ``"press release"``."""
    return str(_boffa2021_row("patients", subtype, "count")["source"])


def dwfs_value(group: str, year: float, kind: str = "estimate") -> float:
    """Published Kaplan-Meier DWFS of Boffa 2021, in percent.

    Parameters
    ----------
    group : str
        ``RRMS`` or ``progressive`` (SPMS + PPMS; abstract, with 95% intervals) or
        ``all`` (press release, rounded, estimate only).
    year : float
        5 or 10.
    kind : str, default "estimate"
        ``estimate``, ``ci_lower`` or ``ci_upper``.

    Returns
    -------
    float
        Percent worsening-free (85.5 means 85.5 %).

    Raises
    ------
    KeyError
        If no such value is published (e.g. an interval for the whole cohort).

    Notes
    -----
    The published intervals are plain (linear) Greenwood intervals, S ± 1.96·SE;
    compare them with the same kind of interval, not lifelines' default log-log one.
    """
    return float(_boffa2021_row("dwfs", group, kind, float(year))["value"])


def dwfs_points(labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The published DWFS estimates with 95% intervals, as proportions, for charts.

    Parameters
    ----------
    labels : dict, optional
        Display label per group of ``values.csv``; by default ``RRMS`` -> "RRMS" and
        ``progressive`` -> "Progressive".

    Returns
    -------
    pandas.DataFrame
        One row per group and time point with an interval (RRMS and progressive at 5
        and 10 years): ``group, time, estimate, lower, upper``, proportions in [0, 1].
        The press release's whole-cohort numbers have no interval and are left out.
    """
    labels = labels or {"RRMS": "RRMS", "progressive": "Progressive"}
    rows = []
    for group, label in labels.items():
        for year in (5.0, 10.0):
            point = {kind: dwfs_value(group, year, kind) / 100 for kind in ("estimate", "ci_lower", "ci_upper")}
            rows.append(
                {"group": label, "time": year, "estimate": point["estimate"],
                 "lower": point["ci_lower"], "upper": point["ci_upper"]}
            )
    return pd.DataFrame(rows, columns=["group", "time", "estimate", "lower", "upper"])

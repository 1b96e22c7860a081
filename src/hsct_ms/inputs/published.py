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
import re
from pathlib import Path

import pandas as pd

from hsct_ms.paths import PUBLISHED_DIR, REPO_ROOT

VALUES_CSV = PUBLISHED_DIR / "values.csv"
STUDIES_CSV = PUBLISHED_DIR / "studies.csv"
UNKNOWNS_CSV = PUBLISHED_DIR / "unknowns.csv"
BIBLIOGRAPHY = REPO_ROOT / "references.bib"

VALUE_COLUMNS = (
    "key",
    "study",
    "quantity",
    "group",
    "time_years",
    "kind",
    "relation",
    "value",
    "unit",
    "ci_level",
    "source",
    "locator",
    "note",
)
STUDY_COLUMNS = (
    "key",
    "label",
    "design",
    "population",
    "n",
    "endpoint",
    "interval_type",
    "role",
    "doi",
    "pmid",
    "regimen",
    "regimen_source",
    "design_group", "population_group", "overlap_with", "overlap_note",
)
UNKNOWN_COLUMNS = ("item", "note")

KINDS = frozenset(
    {
        "estimate",
        "ci_lower",
        "ci_upper",
        "count",
        "percent",
        "mean",
        "sd",
        "median",
        "min",
        "max",
        "hazard_ratio",
        "p_value",
        "year_min",
        "year_max",
    }
)
RELATIONS = frozenset({"=", "<", ">"})
CI_LEVELS = frozenset({0.90, 0.95})
ROLES = frozenset({"this_study", "peer", "comparator"})

_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_FIRST_DATA_LINE = 2  # line 1 of every CSV is the header


def _read_text_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """Read a CSV with every cell as text and check its header is exactly ``columns``."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read as CSV: {exc}") from exc
    missing = [column for column in columns if column not in frame.columns]
    unexpected = [column for column in frame.columns if column not in columns]
    if missing or unexpected:
        raise ValueError(
            f"{path}: header does not match the schema; missing column(s) {missing}, "
            f"unexpected column(s) {unexpected}; expected {list(columns)}"
        )
    return frame[list(columns)]


def _problem(path: Path, frame: pd.DataFrame, column: str, mask: pd.Series, what: str) -> str:
    """One line of an error message: file, column, CSV line numbers and offending cells."""
    lines = [int(i) + _FIRST_DATA_LINE for i in frame.index[mask]]
    cells = frame.loc[mask, column].tolist()
    return f"{path}: column '{column}': {what} in line(s) {lines}: {cells!r}"


def _numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a text column; return the numbers (NaN for blank) and a mask of unparsable cells."""
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce").astype("float64")
    return numbers, (text != "") & numbers.isna()


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise ValueError("\n".join(problems))


def load_studies(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``studies.csv``: one row per cited study.

    Parameters
    ----------
    path : str or Path, optional
        The file to read; ``data/published/studies.csv`` by default.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`STUDY_COLUMNS`; ``n`` as nullable integer (blank where
        no single patient count is published), every other column as string.

    Raises
    ------
    ValueError
        If the header, a key, a role or ``n`` is wrong; the message names the file,
        the column and the CSV lines.
    """
    path = Path(path) if path is not None else STUDIES_CSV
    text = _read_text_table(path, STUDY_COLUMNS)
    n, bad_n = _numbers(text["n"])
    problems = []
    bad_key = ~text["key"].str.match(_SNAKE_CASE)
    if bad_key.any():
        problems.append(_problem(path, text, "key", bad_key, "key is blank or not snake_case"))
    duplicated = text["key"].duplicated(keep=False) & ~bad_key
    if duplicated.any():
        problems.append(_problem(path, text, "key", duplicated, "duplicated key"))
    bad_role = ~text["role"].isin(ROLES)
    if bad_role.any():
        problems.append(_problem(path, text, "role", bad_role, f"role not in {sorted(ROLES)}"))
    bad_n = bad_n | (n.notna() & ((n % 1 != 0) | (n < 0)))
    if bad_n.any():
        problems.append(_problem(path, text, "n", bad_n, "not a whole number of patients"))
    _raise_if(problems)
    studies = text.astype("string")
    studies["n"] = n.astype("Int64")
    return studies


def load_unknowns(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``unknowns.csv``: what the sources do not publish, so the book must not state.

    Parameters
    ----------
    path : str or Path, optional
        The file to read; ``data/published/unknowns.csv`` by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``item`` and ``note``, as string.

    Raises
    ------
    ValueError
        If the header is wrong or an item is blank or repeated.
    """
    path = Path(path) if path is not None else UNKNOWNS_CSV
    text = _read_text_table(path, UNKNOWN_COLUMNS)
    problems = []
    blank = text["item"].str.strip() == ""
    if blank.any():
        problems.append(_problem(path, text, "item", blank, "blank item"))
    duplicated = text["item"].duplicated(keep=False) & ~blank
    if duplicated.any():
        problems.append(_problem(path, text, "item", duplicated, "duplicated item"))
    _raise_if(problems)
    return text.astype("string")


def _load_values_text(
    path: str | Path | None, studies_path: str | Path | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate ``values.csv``; return it as text (as transcribed) and typed."""
    path = Path(path) if path is not None else VALUES_CSV
    text = _read_text_table(path, VALUE_COLUMNS)
    study_keys = set(load_studies(studies_path)["key"])
    value, bad_value = _numbers(text["value"])
    time_years, bad_time = _numbers(text["time_years"])
    ci_level, bad_level = _numbers(text["ci_level"])

    problems = []

    def check(column: str, mask: pd.Series, what: str) -> None:
        if mask.any():
            problems.append(_problem(path, text, column, mask, what))

    bad_key = ~text["key"].str.match(_SNAKE_CASE)
    check("key", bad_key, "key is blank or not snake_case")
    check("key", text["key"].duplicated(keep=False) & ~bad_key, "duplicated key")
    check("study", ~text["study"].isin(study_keys), "study is not a key of studies.csv")
    check("quantity", ~text["quantity"].str.match(_SNAKE_CASE), "quantity is blank or not snake_case")
    check("group", text["group"].str.strip() == "", "blank group")
    check("time_years", bad_time | (time_years < 0), "not a non-negative number of years")
    check("kind", ~text["kind"].isin(KINDS), f"kind not in {sorted(KINDS)}")
    check("relation", ~text["relation"].isin(RELATIONS), f"relation not in {sorted(RELATIONS)}")
    check("value", bad_value | (text["value"] == ""), "value is blank or not a plain number")
    check("unit", text["unit"].str.strip() == "", "blank unit")
    bad_level = bad_level | (ci_level.notna() & ~ci_level.isin(CI_LEVELS))
    check("ci_level", bad_level, f"ci_level not blank and not in {sorted(CI_LEVELS)}")
    is_bound = text["kind"].isin({"ci_lower", "ci_upper"})
    check("ci_level", is_bound & ci_level.isna() & ~bad_level, "interval bound without ci_level")
    check("source", text["source"].str.strip() == "", "blank source")
    check("locator", text["locator"].str.strip() == "", "blank locator")
    _raise_if(problems)

    typed = text.astype("string")
    typed["time_years"] = time_years
    typed["value"] = value
    typed["ci_level"] = ci_level
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
        The columns of :data:`VALUE_COLUMNS` in file order. ``value``, ``time_years``
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
    values = load_values(path)
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
SUBTYPES = ("RRMS", "SPMS", "PPMS")


@functools.lru_cache(maxsize=2)
def _shipped_values(stamp: tuple[int, int]) -> pd.DataFrame:
    """The shipped values.csv, read once per version of the files (``stamp`` = mtimes)."""
    return load_values()


def _boffa2021_row(quantity: str, group: str, kind: str, time_years: float | None = None) -> pd.Series:
    """The single Boffa 2021 row for (quantity, group, kind[, time]); KeyError if none."""
    values = _shipped_values((VALUES_CSV.stat().st_mtime_ns, STUDIES_CSV.stat().st_mtime_ns))
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

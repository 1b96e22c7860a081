"""The tables of the comparison chapter, built from published data only.

:func:`differences_table` says what differs between the studies (design,
population, EDSS, regimen, follow-up, endpoints, overlap); :func:`estimates_table`,
:func:`groups_table` and :func:`pooled_table` format the frames of
:mod:`hsct_ms.analysis.comparison` for reading. Each returns a frame with
reader-facing column names; the chapter passes it to
:func:`hsct_ms.display.tables.table` with a caption and a label. The tables shown on
the page keep to six or seven columns so that each fits a laptop's text column at the
normal type size: what would widen them (sources, interval types, overlap, regimens)
is a lettered note under the table (:func:`hsct_ms.display.tables.noted`).
"""

from __future__ import annotations

import re
import string

import pandas as pd

from hsct_ms.analysis import comparison
from hsct_ms.display import tables
from hsct_ms.inputs import published

__all__ = ["MISSING", "MISSING_NOTE", "differences_table", "endpoints_note", "shown_differences", "estimates_table",
           "groups_table", "pooled_table"]


def _value_text(values: pd.DataFrame, study: str, quantity: str, kinds: dict[str, str]) -> str:
    rows = values[(values["study"] == study) & (values["quantity"] == quantity)]
    printed = comparison.printed_values()
    parts = {}
    for kind in kinds:
        found = rows[rows["kind"] == kind]
        if len(found):
            parts[kind] = printed.get(found["key"].iloc[0], f"{float(found['value'].iloc[0]):g}")
    if not parts:
        return ""
    return " ".join(template.format(**parts) for kind, template in kinds.items() if kind in parts
                    and all(k in parts for k in _placeholders(template)))


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def differences_table(values: pd.DataFrame | None = None, studies: pd.DataFrame | None = None) -> pd.DataFrame:
    """What differs between this study and its peers, from studies.csv and values.csv.

    Columns: study, design, population, EDSS (baseline median/range or the trial's
    eligibility range, said which), regimen, follow-up (and transplant years),
    endpoint(s), interval type, cite (BibTeX key). Blank cells say "not in our
    sources": nothing is filled in that the published record does not give.
    """
    values = published.load_values() if values is None else values
    studies = published.load_studies() if studies is None else studies
    missing = "not in our sources"
    overlaps = comparison.overlap_labels(studies.set_index("key"))
    rows = []
    for study in studies[studies["role"].isin(comparison.ROLES)].itertuples(index=False):
        edss = _value_text(values, study.key, "baseline_edss",
                           {"median": "baseline median {median}", "min": "(range {min}", "max": "to {max})"})
        eligibility = _value_text(values, study.key, "eligibility_edss",
                                  {"min": "eligibility {min}", "max": "to {max}"})
        followup = _value_text(values, study.key, "followup",
                               {"mean": "mean {mean} y", "sd": "(SD {sd})", "median": "median {median} y"})
        years = _value_text(values, study.key, "transplant_year",
                            {"year_min": "transplants {year_min}", "year_max": "to {year_max}"})
        edss_text = ", ".join(p for p in (edss.replace("( ", "("), eligibility) if p) or missing
        rows.append({
            "study": study.label,
            "design": study.design,
            "population": study.population,
            "n": "" if pd.isna(study.n) else f"{int(study.n):,}",
            "EDSS": edss_text,
            "regimen": study.regimen or missing,
            "follow-up": "; ".join(p for p in (followup, years) if p) or missing,
            "endpoint(s)": study.endpoint,
            "interval": study.interval_type,
            "may share patients with": overlaps[study.key],
            "overlap": study.overlap_note,
            "cite": study.key,
        })
    return pd.DataFrame(rows)


#: What a dash in a table of this chapter stands for.
MISSING = "\u2014"
MISSING_NOTE = f"{MISSING} not in our sources: the published record this book holds does not give it."


def _overlap_note(overlap: str) -> str:
    """The note on a study that may share patients ("" when none is known)."""
    if overlap == "none known":
        return ""
    if overlap == "cannot be ruled out":
        return "overlap with the other studies cannot be ruled out"
    return f"may share patients with {overlap}"


def _no_time(time: str):
    """A time point in years as a number ("5 y" -> "5"); none reads as a dash with its note."""
    return tables.noted(MISSING, time) if not time.endswith(" y") else time.removesuffix(" y")


def shown_differences(differences: pd.DataFrame) -> pd.DataFrame:
    """:func:`differences_table` as the page shows it, in six columns that fit a laptop's column.

    The citation sits in the study cell, n in the design cell; the studies a study may
    share patients with, its regimen where our sources give one, and "eligibility range"
    are notes under the table (:func:`hsct_ms.display.tables.noted`); a cell our sources
    do not fill reads :data:`MISSING` (the chapter passes :data:`MISSING_NOTE`).
    """
    missing = "not in our sources"

    def edss(text: str):
        # "baseline median 6 (range 1 to 9), eligibility 2.0 to 6.0" -> "median 6 (1–9)" and a
        # note on the eligibility range, which is not an observed range.
        parts = [p.strip() for p in text.split(", eligibility ")] if text != missing else []
        observed = [p for p in parts if p.startswith("baseline ")]
        eligibility = [p.removeprefix("eligibility ") for p in parts if not p.startswith("baseline ")]
        shown = [p.removeprefix("baseline ").replace("range ", "").replace(" to ", "\u2013") for p in observed]
        shown += [p.replace(" to ", "\u2013") for p in eligibility]
        note = "trial eligibility range of EDSS, not the observed range" if eligibility else ""
        return tables.noted("; ".join(shown) or MISSING, note)

    def followup(text: str) -> str:
        if text == missing:
            return MISSING
        return text.replace(" y", "").replace(" to ", "\u2013")

    rows = []
    for row in differences.to_dict("records"):
        regimen = "" if row["regimen"] == missing else f"conditioning regimen: {row['regimen']}"
        rows.append({
            "Study": tables.noted(f"{row['study']} {{cite:p}}`{row['cite']}`",
                                  _overlap_note(row["may share patients with"])),
            "Design": tables.noted(f"{row['design']}; n = {row['n']}" if row["n"] else row["design"], regimen),
            "Population": row["population"],
            "Baseline EDSS": edss(row["EDSS"]),
            "Follow-up (years)": followup(row["follow-up"]),
            "Endpoints": row["endpoint(s)"],
        })
    return pd.DataFrame(rows)


_N_PARTS = re.compile(r"^(?P<n>[\d,]+)(?: \((?P<basis>[^)]*)\))?$")


def _n_cell(n_text: str, group: str):
    """The patients behind an estimate as a number, what the number counts in a note.

    :func:`hsct_ms.analysis.comparison.headline_estimates` writes ``122``, ``88 (SPMS +
    PPMS)``, ``281 (whole study)``, ``79 vs 1,975`` (two arms) or "not published as one
    number"; the page shows ``122``, ``88``, ``281``, ``79 / 1,975``, a dash.
    """
    found = _N_PARTS.match(n_text)
    if found:
        basis = found["basis"]
        note = "" if basis is None else ("patients of the whole study: the group's count is not published"
                                         if basis == "whole study" else f"n counts {basis}")
        return tables.noted(found["n"], note)
    if " vs " in n_text:
        return tables.noted(n_text.replace(" vs ", " / "), f"patients per arm, {group}")
    return tables.noted(MISSING, n_text)


def _estimate_cell(row) -> object:
    interval = "" if row.interval_type == comparison.NO_INTERVAL else (
        " (" + row.interval.removesuffix(f" ({row.interval_type})").replace(" to ", "\u2013") + ")")
    notes = [] if row.interval_type == "95% CI" else [
        row.interval_type if row.interval_type == comparison.NO_INTERVAL else f"{row.interval_type} (not 95%)"]
    notes.append("source: " + re.split(" [(,]", row.source)[0])
    return tables.noted(f"{row.estimate_text}{interval}", *notes)


def _endpoint(quantity: str, endpoint: str) -> str:
    """An endpoint's short name ("DWFS", "HR progression"), as the forest chart names it."""
    return comparison.SHORT_ENDPOINTS.get(quantity, endpoint.split(":")[0])


def endpoints_note(frame: pd.DataFrame) -> str:
    """The note under a table that names endpoints short: each short name and what it is,
    for the endpoints of ``frame`` (columns ``quantity`` and ``endpoint``)."""
    pairs = dict.fromkeys(zip(frame["quantity"], frame["endpoint"]))
    spelled = [f"{_endpoint(q, e)}: {e.split(': ', 1)[-1]}" for q, e in pairs if _endpoint(q, e) != e]
    return "Endpoints. " + "; ".join(spelled) + "."


def estimates_table(forest: pd.DataFrame) -> pd.DataFrame:
    """The headline estimates as published, in six columns that fit a laptop's column.

    Endpoints go by their short names (:func:`endpoints_note` spells them out under
    the table); design and population share a cell; the interval sits in the estimate's cell
    ("85.5 (76.9–94.1)"); its type where it is
    not a 95% interval, the source of each value, what n counts where it is not the
    estimate's group, and the studies each study may share patients with are notes under
    the table (:func:`hsct_ms.display.tables.noted`).
    """
    rows = []
    for row in forest.itertuples(index=False):
        rows.append({
            "Study": tables.noted(row.label, _overlap_note(row.overlap)),
            "Design; population": f"{row.design}; {row.population}",
            "Endpoint": _endpoint(row.quantity, row.endpoint),
            "Time (years)": _no_time(row.time),
            "Estimate, % or HR (95% CI)": _estimate_cell(row),
            "n": _n_cell(row.n_text, row.group),
        })
    return pd.DataFrame(rows)


def groups_table(groups: pd.DataFrame) -> pd.DataFrame:
    """The pooling groups of :func:`hsct_ms.analysis.comparison.pooling_groups`, for reading.

    Seven columns: the five attributes a group shares (endpoints by short name, see
    :func:`endpoints_note`), its studies, and whether it
    qualifies, with the reason in a note under the table (the reason's list of studies,
    which the studies column shows, left out of the note).
    """
    rows = []
    for row in groups.itertuples(index=False):
        reason = row.reason.replace(f" ({row.studies})", "")
        rows.append({
            "Endpoint": _endpoint(row.quantity, row.endpoint),
            "Time (years)": _no_time(row.time),
            "Design": row.design,
            "Population": row.population,
            "Interval": row.interval_type,
            "Studies": row.studies,
            "Qualifies": tables.noted("yes" if row.qualifies else "no", reason),
        })
    return pd.DataFrame(rows, columns=["Endpoint", "Time (years)", "Design", "Population", "Interval",
                                       "Studies", "Qualifies"])


def pooled_table(pooled: pd.DataFrame) -> pd.DataFrame:
    """Pooled estimates (:func:`hsct_ms.analysis.comparison.pool`) at the precision shown."""
    shown = pooled.assign(
        estimate=pooled["estimate"].map("{:.2f}".format),
        interval=[f"{lo:.2f} to {up:.2f}" for lo, up in zip(pooled["lower"], pooled["upper"])],
        i2=pooled["i2"].map("{:.0f}".format), tau2=pooled["tau2"].map("{:.3f}".format),
        q_p=pooled["q_p"].map("{:.3f}".format),
    )
    columns = {"endpoint": "endpoint", "time": "time", "studies": "studies", "k": "k", "scale_name": "pooled on",
               "estimate": "estimate", "interval": "95% interval", "i2": "I² (%)", "tau2": "tau²",
               "q_p": "Q test p"}
    return shown[list(columns)].rename(columns=columns)

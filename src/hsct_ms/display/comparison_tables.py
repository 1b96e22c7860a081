"""The tables of the comparison chapter, built from published data only.

:func:`differences_table` says what differs between the studies (design,
population, EDSS, regimen, follow-up, endpoints, overlap); :func:`estimates_table`,
:func:`groups_table` and :func:`pooled_table` format the frames of
:mod:`hsct_ms.analysis.comparison` for reading. Each returns a plain frame with
reader-facing column names; the chapter passes it to
:func:`hsct_ms.display.tables.table` with a caption and a label.
"""

from __future__ import annotations

import string

import pandas as pd

from hsct_ms.analysis import comparison
from hsct_ms.inputs import published

__all__ = ["differences_table", "shown_differences", "estimates_table", "groups_table", "pooled_table"]


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


def shown_differences(differences: pd.DataFrame) -> pd.DataFrame:
    """:func:`differences_table` as the page shows it: citation in the study cell, n in the design cell."""
    shown = differences.assign(
        study=[f"{label} {{cite:p}}`{key}`" for label, key in zip(differences["study"], differences["cite"])],
        design=[f"{design}; n = {n}" if n else design for design, n in zip(differences["design"], differences["n"])],
    )
    return shown[["study", "design", "population", "EDSS", "regimen", "follow-up", "endpoint(s)",
                  "may share patients with"]]


def estimates_table(forest: pd.DataFrame) -> pd.DataFrame:
    """The headline estimates as published, with design, population, overlap and source."""
    table = forest.assign(source=forest["source"].str.split(" [(,]", regex=True).str[0])
    columns = {"label": "study", "design": "design", "population": "population", "endpoint": "endpoint",
               "time": "time", "estimate_text": "estimate", "interval": "interval", "n_text": "n",
               "overlap": "may share patients with", "source": "source"}
    return table[list(columns)].rename(columns=columns)


def groups_table(groups: pd.DataFrame) -> pd.DataFrame:
    """The pooling groups of :func:`hsct_ms.analysis.comparison.pooling_groups`, for reading."""
    columns = {"design": "design", "population": "population", "endpoint": "endpoint", "time": "time",
               "interval_type": "interval", "studies": "studies", "n_studies": "number of studies",
               "qualifies": "qualifies", "reason": "reason"}
    shown = groups.assign(qualifies=groups["qualifies"].map({True: "yes", False: "no"}))
    return shown[list(columns)].rename(columns=columns)


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

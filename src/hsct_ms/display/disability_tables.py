"""Tables of the disability chapter, formatted for the page (aggregates only)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from hsct_ms import terms
from hsct_ms.display import disclosure
from hsct_ms.stats.disability import DisabilityRule

__all__ = ["NO_VISITS", "schema_rows", "rule_rows", "agreement_rows", "derived_rows", "improvement_rows", "sensitivity_rows",
           "edss_rows", "slope_rows", "slope_text", "slope_sentence", "few_at_risk", "no_visits_rows", "interval", "signed"]

#: What every result of the chapter says when the build has no visits file.
NO_VISITS = "no visits file: not computed"


def _label(group: str) -> str:
    label = terms.GROUP_LABELS[group]
    return label[0].upper() + label[1:]


def interval(lower: float, upper: float, scale: float = 1.0, digits: int = 1) -> str:
    if np.isnan(lower) or np.isnan(upper):
        return ""
    return (f"{lower * scale:.{digits}f} to {upper * scale:.{digits}f}").replace("-", "−")


def signed(value: float, digits: int = 2) -> str:
    return f"{value:+.{digits}f}".replace("-", "−")


def schema_rows() -> pd.DataFrame:
    """The visits and relapses files' columns (:data:`hsct_ms.inputs.visits.VISITS_SCHEMA`)."""
    from hsct_ms.inputs.visits import VISITS_SCHEMA

    return VISITS_SCHEMA.rename(columns=lambda c: c[0].upper() + c[1:])


def rule_rows(rule: DisabilityRule) -> pd.DataFrame:
    return rule.table().rename(columns={"setting": "Setting", "value": "Value", "meaning": "Meaning"})


def agreement_rows(agreement: pd.DataFrame, count: Callable) -> pd.DataFrame:
    return pd.DataFrame({
        "Group": agreement["group"].map(_label),
        "Patients": agreement["patients"].map(count),
        "Worsenings in the cohort file": agreement["worsening_file"].map(count),
        "Worsenings derived from visits": agreement["worsening_derived"].map(count),
        "Same status and time (within a day)": agreement["same"].map(count),
        "Another status": agreement["other_status"].map(count),
        "Same status, another time": agreement["other_time"].map(count),
    })


def derived_rows(derived: pd.DataFrame, count: Callable) -> pd.DataFrame:
    """Patients and derived worsenings by group (a cohort file that gives no endpoint)."""
    return pd.DataFrame({
        "Group": derived["group"].map(_label),
        "Patients": derived["patients"].map(count),
        "Worsenings derived from visits": derived["worsening_derived"].map(count),
    })


def improvement_rows(table: pd.DataFrame, count: Callable, min_count: int) -> pd.DataFrame:
    def share(row):
        if disclosure.is_small(row["improved"], min_count) or disclosure.is_small(row["patients"], min_count):
            return "withheld"
        return f"{100 * row['share']:.1f}"

    return pd.DataFrame({
        "Group": table["group"].map(_label),
        "Patients": table["patients"].map(count),
        "Confirmed improvement": table["improved"].map(count),
        "Share (%)": table.apply(share, axis=1),
    })


def few_at_risk(at_risk, min_count: int) -> bool:
    """An estimate that rests on fewer than ``min_count`` patients at risk (a user's cohort)."""
    return min_count > 0 and at_risk < min_count


def sensitivity_rows(frame: pd.DataFrame, count: Callable, min_count: int = 0) -> pd.DataFrame:
    """DWFS by definition and group; estimates with few patients at risk withheld."""
    rows = []
    for (rule, group), part in frame.groupby(["rule", "group"], sort=False):
        at = part.set_index("year")
        cells = {"Definition": rule + (" (default)" if part["default"].iloc[0] else ""),
                 "Group": _label(group), "Worsenings": count(part["events"].iloc[0])}
        for year in at.index:
            r = at.loc[year]
            if few_at_risk(r["at_risk"], min_count):
                cells[f"DWFS {year:g} y (%)"] = "withheld"
                cells[f"95% interval {year:g} y"] = ""
                continue
            cells[f"DWFS {year:g} y (%)"] = f"{100 * r['survival']:.1f}"
            cells[f"95% interval {year:g} y"] = interval(r["lower"], r["upper"], 100)
        rows.append(cells)
    return pd.DataFrame(rows)


def edss_rows(bins: pd.DataFrame, count: Callable, min_count: int) -> pd.DataFrame:
    rows = []
    for _, r in bins.iterrows():
        small = disclosure.is_small(r["n_patients"], min_count)
        rows.append({
            "Group": _label(r["group"]), "Years since transplant": r["bin"],
            "Mean EDSS": "withheld" if small else f"{r['mean']:.2f}",
            "95% interval": "" if small else interval(r["ci_lower"], r["ci_upper"], digits=2),
            "Patients": count(r["n_patients"]), "Visits": count(r["n_visits"]),
        })
    return pd.DataFrame(rows)


def slope_withheld(cohort_slope, min_count: int) -> bool:
    """A slope fitted on fewer than ``min_count`` patients (a user's cohort) is not shown."""
    return disclosure.is_small(cohort_slope.n_patients, min_count)


def slope_text(cohort_slope, min_count: int) -> tuple[str, str]:
    """The slope and its interval as prose shows them (``withheld`` on few patients)."""
    if cohort_slope is None:
        return "not computed (too few RRMS patients with visits)", ""
    if slope_withheld(cohort_slope, min_count):
        return "withheld", "withheld"
    return signed(cohort_slope.slope, 3), interval(cohort_slope.ci_lower, cohort_slope.ci_upper, digits=3)


def slope_sentence(cohort_slope, published_slope: dict, rrms_followup: float, min_count: int) -> str:
    """What the page says of this build's RRMS slope, set against the published interval."""
    slope, ci = slope_text(cohort_slope, min_count)
    if cohort_slope is None or slope == "withheld":
        return f"Too few RRMS patients have visits in this build for the mixed model (slope {slope})"
    inside = published_slope["ci_lower"] <= cohort_slope.slope <= published_slope["ci_upper"]
    return (f"The visits of this build give {slope} points per year ({ci}), "
            f"{'inside' if inside else 'outside'} the published interval, or "
            f"{signed(cohort_slope.slope * rrms_followup)} points over this cohort's mean RRMS "
            f"follow-up of {rrms_followup:.1f} years")


def slope_rows(published_slope: dict, cohort_slope, cohort_label: str, min_count: int = 0) -> pd.DataFrame:
    slope, ci = slope_text(cohort_slope, min_count)
    if cohort_slope is None:
        p = ""
    else:
        if not cohort_slope.converged:
            cohort_label += " (the fit did not converge)"
        p = "<0.001" if cohort_slope.p_value < 0.001 else f"{cohort_slope.p_value:.3f}"
    return pd.DataFrame([
        {"Source": "published (abstract)", "EDSS change per year": signed(published_slope["estimate"]),
         "95% interval": interval(published_slope["ci_lower"], published_slope["ci_upper"], digits=2),
         "p": f"{published_slope['p_value']:.3f}"},
        {"Source": cohort_label, "EDSS change per year": slope, "95% interval": ci,
         "p": "withheld" if slope == "withheld" else p},
    ])


def no_visits_rows() -> pd.DataFrame:
    return pd.DataFrame({"Result": [NO_VISITS]})

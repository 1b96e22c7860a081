"""The disability chapter's sections for the build at hand: with a visits file, the
analysis as a numbered table and the values its prose glues; without one, a table that
says nothing was computed and "not computed" in the prose.

Each function returns the glue values (name -> value) and the table, so a chapter cell
only glues and shows them. The numbers come from :mod:`hsct_ms.analysis.disability`; the
rows and phrases from :mod:`hsct_ms.display.disability_tables`.
"""

from __future__ import annotations

import pandas as pd

from hsct_ms import terms
from hsct_ms.analysis import disability
from hsct_ms.display import disability_tables as shown
from hsct_ms.display.tables import Table, table
from hsct_ms.inputs import published

__all__ = ["agreement", "slope", "improvement", "sensitivity"]


def _no_visits(what: str, name: str) -> Table:
    return table(shown.no_visits_rows(), caption=f"{what}: no visits file in this build.", name=name)


def agreement(ctx, visits) -> tuple[pd.DataFrame | None, dict, Table]:
    """The endpoint derived from the visits beside the cohort file's: the derived endpoints
    (None without visits), the glue values and the table ``tbl-disability-agreement``.

    ``disability_agreement_sentence`` has no final stop (the page cites the table after it);
    on a cohort file that gives no endpoint it says so, and the table shows the derived
    worsenings only."""
    name = "tbl-disability-agreement"
    if visits is None:
        values = {"disability_same": shown.NO_VISITS, "disability_worsening_derived": shown.NO_VISITS,
                  "disability_visits_verb": "cannot be compared (no visits file) with"}
        values["disability_agreement_sentence"] = (
            "The endpoint cannot be derived here: this build has no visits file, so the cohort "
            "file's own dwfs_years and worsening are used throughout the book")
        values["disability_agreement_summary"] = "Not compared: this build has no visits file."
        return None, values, _no_visits("Derived against recorded endpoint", name)
    derived = disability.derived_endpoints(visits, ctx.patients)
    if ctx.cohort.endpoint_derived:
        return derived, *_derived_only(ctx, derived, name)
    counts = disability.agreement_table(ctx.patients, derived).set_index("group")
    values = {
        # "matches by construction" only for the shipped visits of the shipped cohort.
        "disability_visits_verb": terms.comparison_verb(ctx.is_shipped and visits.is_shipped),
        "disability_same": ctx.count(counts.loc[terms.ALL, "same"]),
        "disability_worsening_derived": ctx.count(counts.loc[terms.ALL, "worsening_derived"]),
    }
    values["disability_agreement_sentence"] = (
        f"The endpoint derived from the visits {values['disability_visits_verb']} the cohort file's: "
        f"{values['disability_same']} of {ctx.count(ctx.cohort.n_patients)} patients have the same "
        f"status and time, with {values['disability_worsening_derived']} worsenings derived")
    values["disability_agreement_summary"] = (
        f"The derived endpoint {values['disability_visits_verb']} the cohort file's for "
        f"{values['disability_same']} of {ctx.count(ctx.cohort.n_patients)} patients.")
    shown_table = table(
        shown.agreement_rows(counts.reset_index(), ctx.count),
        caption="Worsening as recorded in the cohort file (dwfs_years, worsening) and as "
        "derived from the visits by the rule of the table above (tier cohort): patients "
        "whose derived status and time equal the file's within a day, whose status differs, "
        "and whose status agrees at a time more than a day apart.",
        name=name,
    )
    return derived, values, shown_table


def _derived_only(ctx, derived, name) -> tuple[dict, Table]:
    """A cohort file without an endpoint: nothing to compare; the derived worsenings by
    group, which every chapter of this build uses."""
    from hsct_ms.inputs.cohort import endpoint_statement

    counts = disability.derived_table(derived)
    n_derived = ctx.count(counts.set_index("group").loc[terms.ALL, "worsening_derived"])
    statement = endpoint_statement(ctx.cohort)
    values = {
        "disability_visits_verb": "gives the whole book its endpoint; there is nothing to compare it with in",
        "disability_same": "not compared (the cohort file gives no endpoint)",
        "disability_worsening_derived": n_derived,
        "disability_agreement_sentence": (
            f"The cohort file gives no endpoint, so there is nothing to compare: the endpoint derived "
            f"from the visits, with {n_derived} worsenings, is the endpoint of every chapter of this build"),
        "disability_agreement_summary": f"{statement} Every chapter uses it.",
    }
    shown_table = table(
        shown.derived_rows(counts, ctx.count),
        caption="Worsening derived from the visits by the rule of the table above, by group (tier "
        "cohort). The cohort file of this build gives no endpoint to set beside it; every chapter "
        "uses this one.",
        name=name,
    )
    return values, shown_table


def slope(ctx, visits) -> tuple[dict, Table]:
    """The published annualised EDSS change in RRMS, what it means over the published mean
    follow-up, and this build's mixed-model slope: the glue values and ``tbl-disability-slope``."""
    reference = disability.published_slope()
    followup_all = published.value("boffa2021_followup_all_mean")
    over = disability.slope_over_followup(reference["estimate"], followup_all)
    values = {
        "disability_pub_slope": shown.signed(reference["estimate"]),
        "disability_pub_slope_ci": shown.interval(reference["ci_lower"], reference["ci_upper"], digits=2),
        "disability_pub_followup": f"{followup_all:.1f}",
        "disability_pub_points": shown.signed(over["points"]),
        "disability_pub_steps": f"{abs(over['steps']):.1f}",
    }
    name = "tbl-disability-slope"
    if visits is None:
        values["disability_slope"] = shown.NO_VISITS
        values["disability_slope_sentence"] = "The RRMS slope is not computed: this build has no visits file"
        return values, _no_visits("Annualised EDSS change in RRMS", name)
    fit = disability.rrms_slope(visits, ctx.patients)
    rrms_followup = float(ctx.patients.loc[ctx.patients["subtype"] == terms.RRMS, "followup_years"].mean())
    values["disability_slope"] = shown.slope_text(fit, ctx.min_count)[0]
    values["disability_slope_sentence"] = shown.slope_sentence(fit, reference, rrms_followup, ctx.min_count)
    shown_table = table(
        shown.slope_rows(reference, fit, "this build's RRMS patients (mixed model)", ctx.min_count),
        caption="Annualised EDSS change in RRMS (EDSS points per year): published (abstract; "
        "tier published) and from the visits of this build (tier cohort): linear mixed model "
        "of EDSS on years since transplant, random intercept and slope per patient (statsmodels "
        "MixedLM, REML), baseline included; Wald 95% interval.",
        name=name,
    )
    return values, shown_table


def improvement(ctx, derived) -> tuple[dict, Table]:
    """Confirmed improvement by group: the glue values (share per compared group) and
    ``tbl-disability-improvement``."""
    name = "tbl-disability-improvement"
    if derived is None:
        values = {f"disability_improved_{group.lower()}": shown.NO_VISITS for group in terms.COMPARED_GROUPS}
        return values, _no_visits("Confirmed improvement", name)
    counts = disability.improvement_table(derived)
    rows = shown.improvement_rows(counts, ctx.count, ctx.min_count)
    values = {f"disability_improved_{group.lower()}": share + ("%" if share != "withheld" else "")
              for group, share in zip(counts["group"], rows["Share (%)"]) if group in terms.COMPARED_GROUPS}
    shown_table = table(
        rows,
        caption="Patients with a confirmed improvement (pymsprog's first CDI under the same "
        "rule: the EDSS at least the threshold below the baseline, confirmed 6 months later), "
        "by group (tier cohort).",
        name=name,
    )
    return values, shown_table


def sensitivity(ctx, visits) -> tuple[pd.DataFrame | None, Table]:
    """DWFS at 5 and 10 years under the other definitions of worsening: the frame (None
    without visits) and ``tbl-disability-sensitivity``."""
    name = "tbl-disability-sensitivity"
    if visits is None:
        return None, _no_visits("DWFS under other definitions", name)
    frame = disability.sensitivity_table(visits, ctx.patients)
    shown_table = table(
        shown.sensitivity_rows(frame, ctx.count, ctx.min_count),
        caption="Kaplan-Meier DWFS (percent) at 5 and 10 years with plain Greenwood 95% "
        "intervals, by group, with the endpoint derived from the same visits under 3-, 6- and "
        "12-month confirmation and a fixed or a roving baseline (moved after each confirmed "
        "improvement); worsenings = derived events in the group; on a user's cohort an "
        "estimate with few patients at risk is withheld (tier cohort).",
        name=name,
    )
    return frame, shown_table

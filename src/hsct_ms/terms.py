"""The book's shared terms, each defined once and read everywhere else.

- the MS subtypes and the paper's progressive group (SPMS + PPMS);
- the analysis groups: their keys (used in frames, tables and charts), their labels in
  text, and their names in ``data/published/values.csv``;
- how close a computed value must be to a published one to be called a match;
- the three tiers of evidence and the wording that changes between the shipped
  reconstruction and a user's own cohort.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# --------------------------------------------------------------------------- subtypes and groups

#: MS subtypes a cohort file may hold.
SUBTYPES = ("RRMS", "SPMS", "PPMS")
#: The paper's "progressive MS": secondary plus primary progressive.
PROGRESSIVE_SUBTYPES = ("SPMS", "PPMS")

#: Group keys, in display order.
ALL, RRMS, PROGRESSIVE, SPMS, PPMS = "All", "RRMS", "Progressive", "SPMS", "PPMS"
#: The two groups the paper compares.
COMPARED_GROUPS = (RRMS, PROGRESSIVE)
#: The groups of the survival analyses (the whole cohort and SPMS alone are shown beside
#: the paper's two groups; SPMS is part of the progressive group, not a separate one).
SURVIVAL_GROUPS = (ALL, RRMS, PROGRESSIVE, SPMS)
#: The groups of the baseline table.
BASELINE_GROUPS = (RRMS, SPMS, PPMS, PROGRESSIVE, ALL)

#: Group key -> how text names it.
GROUP_LABELS = {
    ALL: "whole cohort",
    RRMS: "relapsing-remitting MS",
    PROGRESSIVE: "progressive MS (SPMS + PPMS)",
    SPMS: "secondary progressive MS",
    PPMS: "primary progressive MS",
}
#: Group key -> the ``group`` of ``data/published/values.csv`` (groups the paper reports).
PUBLISHED_GROUP = {ALL: "all", RRMS: "RRMS", PROGRESSIVE: "progressive"}
#: ``data/published/values.csv`` group -> group key.
GROUP_OF_PUBLISHED = {value: key for key, value in PUBLISHED_GROUP.items()}


def progressive_mask(patients: pd.DataFrame) -> pd.Series:
    """True for the patients of the paper's progressive group (SPMS or PPMS)."""
    return patients["subtype"].isin(PROGRESSIVE_SUBTYPES)


def group_mask(patients: pd.DataFrame, group: str) -> pd.Series:
    """True for the patients of ``group`` (a key of :data:`GROUP_LABELS`)."""
    if group == ALL:
        return pd.Series(True, index=patients.index)
    if group == PROGRESSIVE:
        return progressive_mask(patients)
    if group in SUBTYPES:
        return patients["subtype"] == group
    raise KeyError(f"unknown group {group!r}; groups are {list(GROUP_LABELS)}")


def group_members(patients: pd.DataFrame, groups=SURVIVAL_GROUPS,
                  keep_empty: bool = False) -> dict[str, pd.DataFrame]:
    """Group key -> that group's rows of ``patients``, in the order of ``groups``.

    Empty groups are left out unless ``keep_empty`` (a small centre may have no SPMS).
    """
    members = {group: patients[group_mask(patients, group)] for group in groups}
    return members if keep_empty else {g: frame for g, frame in members.items() if len(frame)}


# --------------------------------------------------------------------------- tolerances

#: Largest |computed - published| still called a match, per published quantity and kind,
#: in the published unit (percentage points for DWFS, years, EDSS points, patients).
#: DWFS estimates are published to 0.1 points and the reconstruction is fitted within
#: half a point; interval bounds depend on the number at risk, which the reconstruction
#: only approximates. Counts, EDSS and calendar years must match exactly.
TOLERANCE = {
    ("dwfs", "estimate"): 0.5,
    ("dwfs", "ci_lower"): 1.5,
    ("dwfs", "ci_upper"): 1.5,
    # The press release rounds the whole-cohort DWFS to whole percent (80%, 66%): the
    # reconstruction must land within 1.5 points of it (a calibration target).
    ("dwfs_press_release", "estimate"): 1.5,
    ("followup", "mean"): 0.1,
    ("followup", "sd"): 0.2,
    ("age", "mean"): 0.2,
}


def tolerance(quantity: str, kind: str) -> float:
    """The match tolerance of a published ``quantity``/``kind`` (0 for exact matches)."""
    return TOLERANCE.get((quantity, kind), 0.0)


# --------------------------------------------------------------------------- tiers and wording


@dataclass(frozen=True)
class Tier:
    """A tier of evidence: how a result is known."""

    number: int
    key: str
    badge: str
    name: str
    meaning: str


#: The three tiers of evidence, in order. Every result on a page belongs to one.
TIERS = (
    Tier(1, "published", "P", "published",
         "read from the paper or its press release (data/published/, with its source)"),
    Tier(2, "derived", "D", "derived from published numbers",
         "arithmetic on published estimates and intervals alone, valid whatever the patients were"),
    Tier(3, "cohort", "C", "computed from the cohort file",
         "computed from the rows of the cohort file of this build"),
)
TIER = {tier.key: tier for tier in TIERS}


def comparison_verb(is_shipped: bool) -> str:
    """How a page relates a computed value to its published target.

    On the shipped reconstruction the calibration targets are met because the
    reconstruction was fitted to them ("matches by construction"); on a user's
    cohort the published value is a reference the cohort is compared with.
    """
    return "matches by construction" if is_shipped else "compares with"


def cohort_phrase(is_shipped: bool) -> str:
    """The one phrase that says what the cohort of this build is."""
    return ("the reconstructed cohort (rebuilt from published numbers, not the study's patients)"
            if is_shipped else "your cohort file")

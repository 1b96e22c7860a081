"""Reconstruct a 210-patient cohort from the numbers Boffa et al. 2021 published.

The individual patients' data are not public. This module builds, deterministically,
a cohort that matches, by construction, every published summary (group sizes, age, baseline EDSS,
follow-up, early deaths, and the Kaplan-Meier disability-worsening-free survival with
its plain Greenwood intervals at 5 and 10 years by subtype). Everything the paper did
not publish is an assumption, listed once in :data:`ASSUMPTIONS` with its reason.

Method, in order (each step is a function below):

1. **Follow-up** (:func:`followup_times`): the 207 survivors' follow-up times are the
   evenly spaced quantiles of a shifted gamma distribution truncated at the longest
   possible follow-up, its two parameters solved so that, with the 3 early deaths, the
   210 times have exactly the published mean (6.2 y) and SD (5.0 y).
2. **Subtype allocation** (:func:`allocate_subtypes`): follow-up times are shared between
   RRMS and progressive patients by a seeded weighted draw, tilted so that RRMS
   patients get shorter follow-up (the tilt is calibrated: it sets the number at risk,
   and so the width of the published intervals).
3. **Worsening times** (:func:`worsening_times`): within each group, a piecewise-constant
   hazard (one mean rate before 5 years, flat unless ``Settings.early_hazard_slope``
   says otherwise, one rate after) turns seeded uniforms into latent
   worsening times; a patient whose latent time falls within follow-up has an event.
   The two rates are solved by bisection so that the Kaplan-Meier estimates at 5 and
   10 years hit the published ones.
4. **Search** (:func:`calibrate`): tilt, allocation seed and event seed are searched in
   a fixed order until all published targets are met with a margin (the whole-cohort
   80% and 66% of the press release included); the first configuration that passes is
   used. The search is deterministic.
5. **Covariates** (:func:`assign_covariates`): transplant years, age and baseline EDSS
   from assumed distributions that match the published summaries.

Kaplan-Meier figures use the plain Greenwood interval, S +/- 1.96 SE, as the paper did.

The steps live by concern in :mod:`~hsct_ms.reconstruction.settings` (settings and
assumptions), :mod:`~hsct_ms.reconstruction.generation` (steps 1-3 and 5),
:mod:`~hsct_ms.reconstruction.calibration` (step 4) and
:mod:`~hsct_ms.reconstruction.targets` (the published targets); this module assembles
them, writes the shipped files and re-exports their public names.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from hsct_ms.paths import SHIPPED_COHORT
from hsct_ms.reconstruction.calibration import (  # noqa: F401 (re-exported)
    CALIBRATION_FILE, Calibration, GroupFit, calibrate, calibration_summary, calibration_table, dwfs_targets,
    fit_group,
)
from hsct_ms.reconstruction.generation import (  # noqa: F401 (re-exported)
    allocate_subtypes, assign_covariates, death_times, followup_times, observe, worsening_times,
)
from hsct_ms.reconstruction.settings import (  # noqa: F401 (re-exported)
    ASSUMPTIONS, COLUMNS, DEFAULT_SETTINGS, GROUPS, N_BY_SUBTYPE, TIME_DECIMALS, Assumption, Settings,
    assumptions_table, settings_table,
)
from hsct_ms.reconstruction.targets import PRESS_RELEASE_TARGET, target_table  # noqa: F401 (re-exported)
from hsct_ms.terms import progressive_mask  # noqa: F401 (re-exported for the data chapter)


def reconstruct(settings: Settings = DEFAULT_SETTINGS, with_calibration: bool = False):
    """The reconstructed cohort, one row per patient (deterministic for given settings).

    With ``with_calibration``, also return :func:`calibration_summary` of the search.
    """
    calibration = calibrate(settings)
    cohort = assign_covariates(calibration, settings)
    return (cohort, calibration_summary(calibration, settings)) if with_calibration else cohort


def to_csv_bytes(cohort: pd.DataFrame) -> bytes:
    """The cohort as CSV with fixed number formats, so a rerun is byte-identical."""
    out = cohort.copy()
    out["baseline_edss"] = out["baseline_edss"].map(lambda v: f"{v:.1f}")
    for column in ("followup_years", "dwfs_years"):
        out[column] = out[column].map(lambda v: f"{v:.{TIME_DECIMALS}f}")
    return out.to_csv(index=False, lineterminator="\n").encode()


def summary_json_bytes(summary: dict) -> bytes:
    """The calibration summary as sorted, indented JSON (byte-identical on a rerun)."""
    return (json.dumps(summary, indent=2, sort_keys=True) + "\n").encode()


def write_shipped_cohort(path=SHIPPED_COHORT, settings: Settings = DEFAULT_SETTINGS):
    """Regenerate ``data/cohort.csv`` and ``data/reconstruction.json`` (``make cohort``)."""
    cohort, summary = reconstruct(settings, with_calibration=True)
    path.write_bytes(to_csv_bytes(cohort))
    CALIBRATION_FILE.write_bytes(summary_json_bytes(summary))
    return path


def sha256(path) -> str:
    """Hex SHA-256 of a file (the checksums of ``data/README.md``)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()

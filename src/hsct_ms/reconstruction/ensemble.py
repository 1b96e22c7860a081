"""An ensemble of alternative reconstructions: how much of the book's results is assumption.

The shipped cohort is one of many cohorts that meet every published target. The
quantities the paper did not publish (:class:`hsct_ms.reconstruction.Settings`) are
varied over stated ranges (:data:`RANGES`), each draw is reconstructed, checked against
the same published targets (:func:`hsct_ms.reconstruction.target_table`), and the
derived quantities the book reports are recomputed on it.

Draws come from one fixed-seed random generator, in order. A draw whose reconstruction
raises ``RuntimeError`` (the calibration finds no configuration, or the follow-up does not
fit between transplant years and data cut-off) or whose cohort misses a published target is
**not** a member, but it keeps its row in the output with its ``status``, so failures
are counted, never dropped. Drawing stops at the ``n``-th member.

Reconstructions take several seconds each, so the ensemble is precomputed
(``python -m hsct_ms ensemble``, ``make ensemble``) into ``data/ensemble.csv``, which the
limitations chapter reads.
"""

from __future__ import annotations

import dataclasses
import re
from concurrent.futures import ProcessPoolExecutor
from itertools import permutations

import numpy as np
import pandas as pd

from hsct_ms.analysis import outcomes
from hsct_ms.reconstruction import method as reconstruction
from hsct_ms import stats
from hsct_ms.paths import DATA_DIR

__all__ = [
    "ENSEMBLE_FILE", "DEFAULT_SEED", "DEFAULT_SIZE", "RANGES", "DEATH_SUBTYPE_ORDERS",
    "draw_settings", "settings_from_row", "member_row", "run_ensemble", "to_csv_bytes",
    "write_ensemble", "load_ensemble", "members",
]

ENSEMBLE_FILE = DATA_DIR / "ensemble.csv"
DEFAULT_SEED = 20211
DEFAULT_SIZE = 60
MAX_WORKERS = 2

_DEFAULT = reconstruction.DEFAULT_SETTINGS
#: Setting -> (low, high, decimals): drawn uniformly, rounded so the CSV holds it exactly.
RANGES: dict[str, tuple[float, float, int]] = {
    "data_cutoff": (2020.0, 2020.9, 3),
    "late_hazard_ratio": (0.5, 1.5, 3),
    "age_sd": (6.0, 10.0, 2),
    "edss_mean_rrms": (_DEFAULT.edss_mean_rrms - 0.3, _DEFAULT.edss_mean_rrms + 0.3, 2),
    "edss_mean_progressive": (_DEFAULT.edss_mean_progressive - 0.3, _DEFAULT.edss_mean_progressive + 0.3, 2),
    "min_followup_years": (0.25, 0.75, 3),
}
#: The distinct orders of the three early deaths' subtypes (one RRMS, two SPMS) over
#: the death days and years.
DEATH_SUBTYPE_ORDERS: tuple[tuple[str, ...], ...] = tuple(sorted(set(permutations(_DEFAULT.death_subtypes))))
SETTING_COLUMNS = ["seed", *RANGES, "death_subtypes"]
RESULT_YEARS = (5, 10)


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def draw_settings(rng: np.random.Generator) -> reconstruction.Settings:
    """One draw of the unpublished settings (the rest stay at their defaults)."""
    changes = {"seed": int(rng.integers(1, 2**31 - 1))}
    for name, (low, high, decimals) in RANGES.items():
        changes[name] = round(float(rng.uniform(low, high)), decimals)
    changes["death_subtypes"] = DEATH_SUBTYPE_ORDERS[int(rng.integers(len(DEATH_SUBTYPE_ORDERS)))]
    return dataclasses.replace(_DEFAULT, **changes)


def _settings_columns(settings: reconstruction.Settings) -> dict:
    out = {name: getattr(settings, name) for name in ["seed", *RANGES]}
    out["death_subtypes"] = "/".join(settings.death_subtypes)
    return out


def settings_from_row(row) -> reconstruction.Settings:
    """The :class:`~hsct_ms.reconstruction.Settings` of a stored row of ``ensemble.csv``."""
    changes = {"seed": int(row["seed"]), "death_subtypes": tuple(str(row["death_subtypes"]).split("/"))}
    changes.update({name: float(row[name]) for name in RANGES})
    return dataclasses.replace(_DEFAULT, **changes)


def _met_column(target: str, group: str) -> str:
    return f"met_{_slug(target)}_{_slug(group)}"


def member_row(draw: int, settings: reconstruction.Settings) -> dict:
    """Reconstruct with ``settings``, check every target, compute the derived quantities.

    Returns one row: ``draw``, ``status`` (``member``, ``reconstruction_failed`` or
    ``targets_not_met``), ``failure`` (the reason, empty for members), the varied
    settings, the calibration's tilt, ``all_targets_met`` and one ``met_*`` flag per
    published target, then the results: Kaplan-Meier DWFS (proportions) at 5 and 10
    years for the whole cohort, RRMS and progressive MS; the log-rank test of RRMS
    against progressive (``logrank_chi2``, ``logrank_p``); and the unadjusted Cox
    hazard ratio of progressive against RRMS (``cox_hr``, ``cox_lower``,
    ``cox_upper``, ``cox_p``).
    """
    row = {"draw": draw, "status": "member", "failure": "", **_settings_columns(settings)}
    try:
        patients, summary = reconstruction.reconstruct(settings, with_calibration=True)
    except RuntimeError as error:
        row.update(status="reconstruction_failed", failure=str(error))
        return row
    row["tilt"] = float(summary["tilt"])
    targets = reconstruction.target_table(patients)
    row["all_targets_met"] = bool(targets["met"].all())
    for target in targets.itertuples(index=False):
        row[_met_column(target.target, target.group)] = bool(target.met)
    if not row["all_targets_met"]:
        missed = targets[~targets["met"]]
        row.update(status="targets_not_met",
                   failure="; ".join(f"{t} ({g})" for t, g in zip(missed["target"], missed["group"])))
    for label, frame in outcomes.analysis_groups(patients).items():
        if label == "SPMS":
            continue
        surv, _ = stats.km_at(frame["dwfs_years"].to_numpy(float), frame["worsening"].to_numpy(int),
                                 np.array(RESULT_YEARS, dtype=float))
        for year, value in zip(RESULT_YEARS, surv):
            row[f"dwfs_{label.lower()}_{year}y"] = float(value)
    test = outcomes.logrank(patients)
    row["logrank_chi2"] = float(test["chi2"])
    row["logrank_p"] = float(test["p"])
    cox = outcomes.cox_models(patients)
    cox = cox[(cox["model"] == "unadjusted") & (cox["covariate"] == "progressive")].iloc[0]
    for column, name in (("hazard_ratio", "cox_hr"), ("lower", "cox_lower"), ("upper", "cox_upper"), ("p", "cox_p")):
        row[name] = float(cox[column])
    return row


def _member_row_args(args):
    return member_row(*args)


def run_ensemble(n: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED, max_workers: int = MAX_WORKERS) -> pd.DataFrame:
    """Draw settings until ``n`` members meet every published target.

    Draws are made from ``numpy.random.default_rng(seed)`` in order and evaluated in
    batches on ``max_workers`` processes; the result holds every draw up to the
    ``n``-th member, in draw order, so it does not depend on the number of workers.

    Returns
    -------
    pandas.DataFrame
        One row per draw (:func:`member_row`); members have ``status == "member"``.
    """
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    n_members = 0
    draw = 0
    with ProcessPoolExecutor(max_workers=max_workers) as pool:
        while n_members < n:
            batch = [(draw + i, draw_settings(rng)) for i in range(max(n - n_members, max_workers))]
            draw += len(batch)
            for row in pool.map(_member_row_args, batch):
                if n_members < n:
                    rows.append(row)
                    n_members += row["status"] == "member"
    frame = pd.DataFrame(rows)
    # Flags of a draw that never produced a cohort stay empty, not False.
    flags = [c for c in frame.columns if c.startswith("met_") or c == "all_targets_met"]
    frame[flags] = frame[flags].astype("boolean")
    return frame


#: Significant digits of the stored floats. Far beyond any reported precision, and short
#: of the last bits, which a Cox fit can change between processes (thread scheduling in
#: the linear algebra), so a regenerated row is reproduced exactly.
SIGNIFICANT_DIGITS = 10


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with floats to :data:`SIGNIFICANT_DIGITS` significant digits."""
    return frame.to_csv(index=False, lineterminator="\n", float_format=f"%.{SIGNIFICANT_DIGITS}g").encode()


def write_ensemble(path=ENSEMBLE_FILE, n: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED):
    """Regenerate ``data/ensemble.csv`` (``make ensemble``)."""
    frame = run_ensemble(n=n, seed=seed)
    path.write_bytes(to_csv_bytes(frame))
    return path, frame


def load_ensemble(path=ENSEMBLE_FILE) -> pd.DataFrame:
    """The stored ensemble, every draw (members and failures)."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""],
                       dtype={"failure": str, "death_subtypes": str, "status": str})


def members(frame: pd.DataFrame) -> pd.DataFrame:
    """The draws that are members (every published target met)."""
    return frame[frame["status"] == "member"].reset_index(drop=True)

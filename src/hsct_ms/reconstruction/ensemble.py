"""An ensemble of alternative reconstructions: how much of the book's results is assumption.

The shipped cohort is one of many cohorts that meet every published target. The
quantities the paper did not publish (:class:`hsct_ms.reconstruction.settings.Settings`) are
varied over stated ranges (:data:`RANGES`), each draw is reconstructed, checked against
the same published targets (:func:`hsct_ms.reconstruction.targets.target_table`), and the
derived quantities the book reports are recomputed on it.

The ensemble has two blocks (column ``block``). ``varied``: settings drawn from one
fixed-seed random generator, in order. A draw whose reconstruction
raises ``RuntimeError`` (the calibration finds no configuration, or the follow-up does not
fit between transplant years and data cut-off) or whose cohort misses a published target is
**not** a member, but it keeps its row in the output with its ``status``, so failures
are counted, never dropped. Drawing stops at the ``n``-th member.

``seed_replicate``: the settings of the first
:data:`REPLICATED_MEMBERS` members re-run with :data:`SEEDS_PER_MEMBER` other seeds each
(column ``replicate_of`` names the member), so that the spread due to the random seed
alone can be told apart from the spread due to the settings (:func:`spread_drivers`).

Every member meets the same targets, and the published progressive estimates are lower
than the RRMS ones at both time points: a hazard ratio above 1 in every member holds by
construction, not as a finding.

Reconstructions take several seconds each, so the ensemble is precomputed
(``python -m hsct_ms ensemble``, ``make ensemble``) into ``data/ensemble.csv``, which the
limitations chapter reads.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ProcessPoolExecutor
from itertools import permutations

import numpy as np
import pandas as pd

from hsct_ms import stats, terms
from hsct_ms.analysis import outcomes
from hsct_ms.reconstruction import method as reconstruction
from hsct_ms.reconstruction.ensemble_descriptions import (
    BASELINE_COLUMNS, ERA_COLUMNS, baseline_column, completeness_column, descriptive_columns, era_column, slug,
)
from hsct_ms.paths import DATA_DIR

__all__ = [
    "ENSEMBLE_FILE", "DEFAULT_SEED", "DEFAULT_SIZE", "RANGES", "DEATH_SUBTYPE_ORDERS",
    "draw_settings", "settings_from_row", "member_row", "run_ensemble", "to_csv_bytes",
    "write_ensemble", "load_ensemble", "members", "seed_replicates", "distribution", "spread_drivers",
    "VARIED_SETTINGS", "RMST_YEARS", "BASELINE_COLUMNS", "ERA_COLUMNS", "baseline_column",
    "completeness_column", "era_column", "descriptive_columns", "value_range",
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
    # Slope of the worsening hazard within 0-5 years (negative: falling, positive: rising).
    "early_hazard_slope": (-0.6, 0.6, 3),
}
#: The distinct orders of the three early deaths' subtypes (one RRMS, two SPMS) over
#: the death days and years.
DEATH_SUBTYPE_ORDERS: tuple[tuple[str, ...], ...] = tuple(sorted(set(permutations(_DEFAULT.death_subtypes))))
SETTING_COLUMNS = ["seed", *RANGES, "death_subtypes"]
#: The settings that vary between members (the seed apart), in display order.
VARIED_SETTINGS = (*RANGES, "death_subtypes")
RESULT_YEARS = (5, 10)
#: Truncation time (years) of the restricted mean worsening-free time.
RMST_YEARS = 10.0
#: Members whose settings are re-run with other seeds, and how many seeds each.
REPLICATED_MEMBERS = 3
SEEDS_PER_MEMBER = 4
VARIED, SEED_REPLICATE = "varied", "seed_replicate"


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
    return f"met_{slug(target)}_{slug(group)}"


def member_row(draw: int, settings: reconstruction.Settings, block: str = VARIED,
               replicate_of: int | None = None) -> dict:
    """Reconstruct with ``settings``, check every target, compute the derived quantities.

    Returns one row: ``draw``, ``block`` and ``replicate_of`` (see the module
    docstring), ``status`` (``member``, ``reconstruction_failed`` or
    ``targets_not_met``), ``failure`` (the reason, empty for members), the varied
    settings, the calibration's tilt, ``all_targets_met`` and one ``met_*`` flag per
    published target, then the results: Kaplan-Meier DWFS (proportions) at 5 and 10
    years for the whole cohort, RRMS and progressive MS; the log-rank test of RRMS
    against progressive (``logrank_chi2``, ``logrank_p``); and the unadjusted Cox
    hazard ratio of progressive against RRMS (``cox_hr``, ``cox_lower``,
    ``cox_upper``, ``cox_p``); the restricted mean worsening-free time to 10 years
    (:func:`hsct_ms.stats.restricted_mean`, years) of RRMS and progressive MS and their
    difference, RRMS minus progressive (``rmst_rrms_10y``, ``rmst_progressive_10y``,
    ``rmst_difference_10y``).
    """
    row = {"draw": draw, "block": block, "replicate_of": replicate_of, "status": "member", "failure": "",
           **_settings_columns(settings)}
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
    for label, frame in terms.group_members(patients, (terms.ALL, *terms.COMPARED_GROUPS)).items():
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
    rmst = {label: stats.restricted_mean(frame["dwfs_years"].to_numpy(float), frame["worsening"].to_numpy(int),
                                         RMST_YEARS)["rmst"]
            for label, frame in terms.group_members(patients, terms.COMPARED_GROUPS).items()}
    row["rmst_rrms_10y"] = float(rmst[terms.RRMS])
    row["rmst_progressive_10y"] = float(rmst[terms.PROGRESSIVE])
    row["rmst_difference_10y"] = float(rmst[terms.RRMS] - rmst[terms.PROGRESSIVE])
    row.update(descriptive_columns(patients, settings))
    return row


def _member_row_args(args):
    return member_row(*args)


def replicate_settings(originals: list[dict], seed: int = DEFAULT_SEED) -> list[tuple[int, reconstruction.Settings]]:
    """(draw of the original, settings) for each seed replicate: the original's
    settings with :data:`SEEDS_PER_MEMBER` new seeds from ``default_rng([seed, 1])``."""
    rng = np.random.default_rng([seed, 1])
    out = []
    for row in originals:
        settings = settings_from_row(row)
        for _ in range(SEEDS_PER_MEMBER):
            out.append((int(row["draw"]), dataclasses.replace(settings, seed=int(rng.integers(1, 2**31 - 1)))))
    return out


def run_ensemble(n: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED, max_workers: int = MAX_WORKERS) -> pd.DataFrame:
    """Draw settings until ``n`` members meet every published target.

    Draws are made from ``numpy.random.default_rng(seed)`` in order and evaluated in
    batches on ``max_workers`` processes; the result holds every draw up to the
    ``n``-th member, in draw order, so it does not depend on the number of workers.
    Then the seed replicates (:func:`replicate_settings`) follow, numbered on.

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
        originals = [row for row in rows if row["status"] == "member"][:REPLICATED_MEMBERS]
        batch = [(len(rows) + i, settings, SEED_REPLICATE, origin)
                 for i, (origin, settings) in enumerate(replicate_settings(originals, seed))]
        rows.extend(pool.map(_member_row_args, batch))
    frame = pd.DataFrame(rows)
    frame["replicate_of"] = frame["replicate_of"].astype("Int64")
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
                       dtype={"failure": str, "death_subtypes": str, "status": str, "block": str,
                              "replicate_of": "Int64"})


def members(frame: pd.DataFrame) -> pd.DataFrame:
    """The members of the varied block (every published target met): the ensemble."""
    varied = frame["block"] == VARIED if "block" in frame else True
    return frame[(frame["status"] == "member") & varied].reset_index(drop=True)


def seed_replicates(frame: pd.DataFrame) -> pd.DataFrame:
    """Members that share their settings and differ only in the seed.

    The replicated members and their replicates that are members, with a column
    ``settings_group`` (the draw of the replicated member).
    """
    replicas = frame[(frame["block"] == SEED_REPLICATE) & (frame["status"] == "member")]
    originals = members(frame)
    originals = originals[originals["draw"].isin(replicas["replicate_of"])]
    return pd.concat([originals.assign(settings_group=originals["draw"]),
                      replicas.assign(settings_group=replicas["replicate_of"].astype(int))], ignore_index=True)


#: Statistic columns whose share of members below 0.05 :func:`distribution` reports.
P_VALUE_COLUMNS = ("logrank_p", "cox_p")


def distribution(ensemble_members: pd.DataFrame, columns) -> pd.DataFrame:
    """Median, minimum and maximum of each column over the members.

    Returns columns ``statistic, median, min, max, n`` and ``share_below_0_05`` (the
    share of the members, not a probability, whose value is below 0.05; only for the
    p-value columns of :data:`P_VALUE_COLUMNS`, else missing).
    """
    rows = []
    for column in columns:
        median, low, high, n = value_range(ensemble_members, column)
        below = (ensemble_members[column].astype(float).dropna() < 0.05).mean()
        rows.append({"statistic": column, "median": median, "min": low, "max": high, "n": n,
                     "share_below_0_05": float(below) if column in P_VALUE_COLUMNS else np.nan})
    return pd.DataFrame(rows)


def value_range(ensemble_members: pd.DataFrame, column: str) -> tuple[float, float, float, int]:
    """Median, minimum and maximum of one column over the members, and how many hold it.

    A column of whole numbers (counts, years) takes the lower of the two middle values
    when the members are even in number, so its median is a count some member has.
    """
    values = ensemble_members[column].astype(float).dropna()
    whole = bool((values == values.round()).all())
    median = values.quantile(0.5, interpolation="lower") if whole else values.median()
    return float(median), float(values.min()), float(values.max()), int(values.size)


def _explained_share(values: np.ndarray, setting: pd.Series) -> float:
    """Share of the variance of ``values`` explained by one setting alone: the squared
    correlation for a number, the between-group share (eta squared) for a category."""
    if not pd.api.types.is_numeric_dtype(setting):
        means = pd.Series(values).groupby(setting.to_numpy()).transform("mean").to_numpy()
        return float(((means - values.mean()) ** 2).sum() / ((values - values.mean()) ** 2).sum())
    return float(np.corrcoef(setting.to_numpy(float), values)[0, 1] ** 2)


def spread_drivers(frame: pd.DataFrame, column: str, log: bool = False) -> pd.DataFrame:
    """Which varied setting drives the spread of ``column`` over the members, and how much is seed noise.

    Parameters
    ----------
    frame : pandas.DataFrame
        The whole ensemble (:func:`load_ensemble`: both blocks).
    column : str
        A statistic column, e.g. ``"logrank_p"`` or ``"cox_hr"``.
    log : bool
        Work on the logarithm (for p-values and hazard ratios, whose spread is multiplicative).

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``kind`` (``setting``, ``all settings`` or ``seed``) and
        ``share_of_variance``: for each setting of :data:`VARIED_SETTINGS`, the share of
        the variance over the members it explains alone (squared correlation, or eta
        squared for the death order); for all settings together, the R squared of a
        linear model on all of them; for the seed, the pooled variance between members
        with the same settings and different seeds (:func:`seed_replicates`) over the
        variance between members: a ratio, not a share, which can exceed 1 (the seed alone
        spreads the statistic as much as the whole ensemble; with few replicates it is
        itself a rough estimate).

    Notes
    -----
    Settings are drawn independently, so the single-setting shares add up roughly to
    the joint one. With about 60 members a setting that does nothing still explains
    about 1/60 of the variance by chance. What neither the settings nor a linear model
    explain is the random seed (allocation and worsening draws) and non-linear effects.
    """
    ensemble_members = members(frame)
    transform = np.log if log else (lambda v: v)
    values = transform(ensemble_members[column].to_numpy(float))
    rows = [{"source": name, "kind": "setting", "share_of_variance": _explained_share(values, ensemble_members[name])}
            for name in VARIED_SETTINGS]
    design = pd.get_dummies(ensemble_members[list(VARIED_SETTINGS)], columns=["death_subtypes"], drop_first=True)
    design = np.column_stack([np.ones(len(design)), design.to_numpy(float)])
    fitted = design @ np.linalg.lstsq(design, values, rcond=None)[0]
    total = ((values - values.mean()) ** 2).sum()
    rows.append({"source": "all settings together (linear)", "kind": "all settings",
                 "share_of_variance": float(1 - ((values - fitted) ** 2).sum() / total)})
    replicas = seed_replicates(frame)
    replica_values = pd.Series(transform(replicas[column].to_numpy(float)))
    groups = replica_values.groupby(replicas["settings_group"].to_numpy())
    within = float((groups.transform(lambda v: v - v.mean()) ** 2).sum() / (len(replicas) - groups.ngroups))
    rows.append({"source": "seed (same settings, other seeds)", "kind": "seed",
                 "share_of_variance": within / float(np.var(values, ddof=1))})
    return pd.DataFrame(rows)

"""Reconstruct a 210-patient cohort from the numbers Boffa et al. 2021 published.

The individual patients' data are not public. This module builds, deterministically,
a cohort that reproduces every published summary (group sizes, age, baseline EDSS,
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
   hazard (one rate before 5 years, one after) turns seeded uniforms into latent
   worsening times; a patient whose latent time falls within follow-up has an event.
   The two rates are solved by bisection so that the Kaplan-Meier estimates at 5 and
   10 years hit the published ones.
4. **Search** (:func:`calibrate`): tilt, allocation seed and event seed are searched in
   a fixed order until all published targets are met with a margin; the first
   configuration that passes is used. The search is deterministic.
5. **Covariates** (:func:`assign_covariates`): transplant years, age and baseline EDSS
   from assumed distributions that match the published summaries.

Kaplan-Meier figures use the plain Greenwood interval, S +/- 1.96 SE, as the paper did.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from hsct_ms.inputs import published
from hsct_ms.paths import DATA_DIR, SHIPPED_COHORT
from hsct_ms.stats import km_at

GROUPS = ("RRMS", "progressive")
CALIBRATION_FILE = DATA_DIR / "reconstruction.json"
N_BY_SUBTYPE = {"RRMS": 122, "SPMS": 86, "PPMS": 2}
TIME_DECIMALS = 3  # years, about 9 hours: finer than any clinical date
COLUMNS = [
    "patient_id", "subtype", "age", "baseline_edss", "transplant_year",
    "followup_years", "dwfs_years", "worsening", "died",
]


@dataclass(frozen=True)
class Assumption:
    """One thing the paper did not publish, the value used, and why."""

    topic: str
    value: str
    reason: str


@dataclass(frozen=True)
class Settings:
    """The unpublished quantities of the reconstruction (see :data:`ASSUMPTIONS`)."""

    data_cutoff: float = 2020.5
    transplant_month_fraction: float = 0.5
    min_followup_years: float = 0.5
    death_days: tuple[int, ...] = (25, 50, 75)
    death_subtypes: tuple[str, ...] = ("RRMS", "SPMS", "SPMS")
    death_years: tuple[int, ...] = (1999, 2003, 2006)
    late_hazard_ratio: float = 1.0
    age_mean_rrms: float = 33.0
    age_sd: float = 8.0
    age_limits: tuple[int, int] = (18, 60)
    edss_mean_rrms: float = 5.0
    edss_sd_rrms: float = 1.5
    edss_mean_progressive: float = 6.5
    edss_sd_progressive: float = 0.9
    tilts: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
    allocation_seeds: int = 12
    event_seeds: int = 60
    estimate_margin: float = 0.4  # points; the published tolerance is 0.5
    bound_margin: float = 1.25  # points; the published tolerance is 1.5
    seed: int = 20210120


DEFAULT_SETTINGS = Settings()

ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption("Follow-up distribution",
               "shifted gamma (minimum 0.5 y), truncated at the longest possible follow-up",
               "only the mean and SD are published; follow-up times are right-skewed and "
               "every survivor had at least one assessment (the first at 6 months)"),
    Assumption("Data cut-off", "mid-2020 (2020.5)",
               "transplants ran to 2019 and the paper appeared online in January 2021"),
    Assumption("Transplant date within the year", "mid-year",
               "only years are published"),
    Assumption("Transplant years", "spread evenly over 1997-2019; longer follow-up goes "
               "with earlier transplants",
               "only the range 1997-2019 is published; follow-up cannot exceed the time "
               "from transplant to the cut-off"),
    Assumption("Follow-up by subtype", "a seeded random split of the follow-up times, tilted "
               "toward shorter RRMS follow-up only if no plain split meets the targets",
               "follow-up by subtype is not published; the number at risk it implies is "
               "constrained only by the width of the published intervals"),
    Assumption("Worsening hazard", "constant before 5 years, constant from 5 years on "
               "(same rate after 10 years)",
               "only 5- and 10-year estimates are published, so two rates per group are "
               "all the data can determine"),
    Assumption("Timing of worsening", "continuous time",
               "real worsening is found at visits; visit dates are not published"),
    Assumption("Deaths", "3 deaths, at 25, 50 and 75 days; one RRMS, two SPMS; "
               "transplanted in 1999, 2003 and 2006; no later deaths",
               "the paper reports 3 deaths within 100 days, none after 2007; "
               "subtypes, exact days and later deaths are not published"),
    Assumption("Deaths in the worsening analysis", "censored at death",
               "the paper's rule is not published; `died` is kept so another rule can be tried"),
    Assumption("Age", "normal, SD 8 years, RRMS mean 33 and progressive mean set so the "
               "whole-cohort mean is 35; whole years from 18 to 60",
               "only the whole-cohort mean (35) is published; progressive MS is usually "
               "treated at an older age"),
    Assumption("Baseline EDSS", "RRMS around 5.0 (SD 1.5), progressive around 6.5 (SD 0.9), "
               "rounded to the 0.5 grid; lowest 1.0 and highest 9.0",
               "only the whole-cohort median (6) and range (1-9) are published"),
    Assumption("Covariates and outcome", "age, EDSS and transplant year unrelated to worsening "
               "within a subtype",
               "no covariate effect is published; any effect in this cohort would be invented"),
    Assumption("PPMS", "the 2 PPMS patients are analysed with SPMS as progressive MS",
               "as in the paper's progressive group"),
)


# --------------------------------------------------------------------------- targets

@dataclass(frozen=True)
class Target:
    """A published number the reconstruction must reproduce, and how closely."""

    name: str
    published: float
    tolerance: float
    unit: str
    source: str


def dwfs_targets() -> dict[tuple[str, int], dict[str, float]]:
    """Published DWFS (percent) by (group, year): estimate, lower, upper."""
    out = {}
    for group in GROUPS:
        for year in (5, 10):
            out[(group, year)] = {
                kind: published.dwfs_value(group, year, kind)
                for kind in ("estimate", "ci_lower", "ci_upper")
            }
    return out


# --------------------------------------------------------------------------- steps

def followup_times(settings: Settings = DEFAULT_SETTINGS) -> np.ndarray:
    """Follow-up (years) of the survivors: quantiles of a shifted, truncated gamma.

    The gamma's shape and scale are solved so the survivors' times together with the
    deaths' have exactly the published mean and SD.
    """
    n_total = sum(N_BY_SUBTYPE.values())
    deaths = death_times(settings)
    n = n_total - len(deaths)
    mean, sd = published.cohort_value("followup", "mean"), published.cohort_value("followup", "sd")
    longest = settings.data_cutoff - (published.cohort_value("transplant_year", "year_min")
                                      + settings.transplant_month_fraction)
    span = longest - settings.min_followup_years
    probs = (np.arange(1, n + 1) - 0.5) / n

    def times(params):
        shape, scale = params
        top = stats.gamma.cdf(span, shape, scale=scale)
        return settings.min_followup_years + stats.gamma.ppf(probs * top, shape, scale=scale)

    def residual(params):
        all_times = np.concatenate([times(params), deaths])
        return [all_times.mean() - mean, all_times.std(ddof=1) - sd]

    fit = optimize.least_squares(residual, x0=[1.5, 4.0], bounds=([0.1, 0.1], [20.0, 50.0]),
                                 xtol=1e-12, ftol=1e-12)
    if max(abs(r) for r in residual(fit.x)) > 1e-6:
        raise RuntimeError("no follow-up distribution matches the published mean and SD")
    return np.round(times(fit.x), TIME_DECIMALS)


def death_times(settings: Settings = DEFAULT_SETTINGS) -> np.ndarray:
    return np.round(np.array(settings.death_days) / 365.25, TIME_DECIMALS)


def allocate_subtypes(followup: np.ndarray, n_rrms: int, tilt: float, seed: int) -> np.ndarray:
    """Boolean mask: which follow-up times go to RRMS patients.

    A weighted draw without replacement (Efraimidis-Spirakis keys) with weight
    exp(-tilt * rank), rank in [0, 1] by follow-up: tilt 0 is a plain random split,
    larger tilts give RRMS the shorter follow-up times.
    """
    rng = np.random.default_rng(seed)
    rank = stats.rankdata(followup, method="ordinal") / len(followup)
    keys = np.log(rng.uniform(size=len(followup))) / np.exp(-tilt * rank)
    mask = np.zeros(len(followup), dtype=bool)
    mask[np.argsort(-keys, kind="stable")[:n_rrms]] = True
    return mask


def worsening_times(uniforms: np.ndarray, rate_early: float, rate_late: float,
                    late_hazard_ratio: float = 1.0) -> np.ndarray:
    """Latent worsening times (years) from a piecewise-constant hazard.

    The hazard is ``rate_early`` before 5 years, ``rate_late`` from 5 to 10 years and
    ``rate_late * late_hazard_ratio`` after 10 years (inverse cumulative hazard).
    """
    cumulative = -np.log1p(-uniforms)
    h5 = 5 * rate_early
    h10 = h5 + 5 * rate_late
    rate_after = rate_late * late_hazard_ratio
    return np.where(
        cumulative < h5, cumulative / rate_early,
        np.where(cumulative < h10, 5 + (cumulative - h5) / rate_late, 10 + (cumulative - h10) / rate_after),
    )


def observe(latent: np.ndarray, censor: np.ndarray, is_death: np.ndarray):
    """Observed DWFS time and event flag: worsening if seen before the last assessment.

    A patient who died is censored at death (see :data:`ASSUMPTIONS`).
    """
    # Rounded to the stored precision; a time that would round to zero is kept above it.
    latent = np.maximum(np.round(latent, TIME_DECIMALS), 10.0 ** -TIME_DECIMALS)
    event = (latent <= censor) & ~is_death
    return np.where(event, latent, censor), event.astype(int)


@dataclass
class GroupFit:
    rate_early: float
    rate_late: float
    event_seed: int
    dwfs_years: np.ndarray
    worsening: np.ndarray
    score: float


def _bisect_rate(evaluate, target: float, low: float = 1e-3, high: float = 0.5, steps: int = 20):
    """Rate whose KM estimate is nearest ``target`` (estimate falls as the rate rises)."""
    for _ in range(steps):
        middle = np.sqrt(low * high)
        if evaluate(middle) > target:
            low = middle
        else:
            high = middle
    return min((low, high), key=lambda rate: abs(evaluate(rate) - target))


def fit_group(censor: np.ndarray, is_death: np.ndarray, targets: dict, event_seed: int,
              settings: Settings) -> GroupFit:
    """Solve the two hazard rates of one group for one event seed; score the fit.

    The score is the worst of |estimate error| / margin and |bound error| / margin over
    5 and 10 years: at most 1 means every target is met with the chosen margin.
    """
    uniforms = np.random.default_rng([settings.seed, event_seed, len(censor)]).uniform(size=len(censor))

    def km(rate_early, rate_late):
        latent = worsening_times(uniforms, rate_early, rate_late, settings.late_hazard_ratio)
        dwfs, event = observe(latent, censor, is_death)
        surv, se = km_at(dwfs, event, np.array([5.0, 10.0]))
        return dwfs, event, surv * 100, se * 100

    goal5, goal10 = targets[5]["estimate"], targets[10]["estimate"]
    rate_early = _bisect_rate(lambda r: km(r, 0.05)[2][0], goal5)
    rate_late = _bisect_rate(lambda r: km(rate_early, r)[2][1], goal10)
    dwfs, event, surv, se = km(rate_early, rate_late)
    z = stats.norm.ppf(0.975)
    score = 0.0
    for i, year in enumerate((5, 10)):
        goal = targets[year]
        score = max(score, abs(surv[i] - goal["estimate"]) / settings.estimate_margin,
                    abs(surv[i] - z * se[i] - goal["ci_lower"]) / settings.bound_margin,
                    abs(surv[i] + z * se[i] - goal["ci_upper"]) / settings.bound_margin)
    return GroupFit(rate_early, rate_late, event_seed, dwfs, event, score)


@dataclass
class Calibration:
    """The configuration the search settled on, and the outcome columns it gives."""

    tilt: float
    allocation_seed: int
    fits: dict[str, GroupFit] = field(default_factory=dict)
    followup: np.ndarray | None = None
    group: np.ndarray | None = None
    is_death: np.ndarray | None = None


def calibrate(settings: Settings = DEFAULT_SETTINGS) -> Calibration:
    """Search tilt, allocation seed and event seeds, in a fixed order, until every
    published DWFS target is met with the settings' margins (and the whole cohort lands
    within 1.5 points of the press release's rounded 80% and 66%)."""
    targets = dwfs_targets()
    survivors = followup_times(settings)
    deaths = death_times(settings)
    followup = np.concatenate([survivors, deaths])
    is_death = np.r_[np.zeros(len(survivors), bool), np.ones(len(deaths), bool)]
    n_rrms_survivors = N_BY_SUBTYPE["RRMS"] - settings.death_subtypes.count("RRMS")
    whole = {year: published.dwfs_value("all", year, "estimate") for year in (5, 10)}
    for tilt in settings.tilts:
        for allocation_seed in range(settings.allocation_seeds):
            rrms_mask = allocate_subtypes(survivors, n_rrms_survivors, tilt,
                                          seed=settings.seed + 1000 * allocation_seed)
            group = np.r_[np.where(rrms_mask, "RRMS", "progressive"),
                          ["RRMS" if s == "RRMS" else "progressive" for s in settings.death_subtypes]]
            fits = {}
            for name in GROUPS:
                in_group = group == name
                group_targets = {year: targets[(name, year)] for year in (5, 10)}
                best = None
                for event_seed in range(settings.event_seeds):
                    fit = fit_group(followup[in_group], is_death[in_group], group_targets,
                                    event_seed, settings)
                    if best is None or fit.score < best.score:
                        best = fit
                    if fit.score <= 1.0:
                        break
                fits[name] = best
                if best.score > 1.0:
                    break  # this allocation cannot work: no need to fit the other group
            if max(fit.score for fit in fits.values()) > 1.0:
                continue
            dwfs = np.empty(len(followup))
            event = np.empty(len(followup), dtype=int)
            for name in GROUPS:
                dwfs[group == name] = fits[name].dwfs_years
                event[group == name] = fits[name].worsening
            surv, _ = km_at(dwfs, event, np.array([5.0, 10.0]))
            if all(abs(surv[i] * 100 - whole[y]) <= 1.5 for i, y in enumerate((5, 10))):
                return Calibration(tilt, allocation_seed, fits, followup, group, is_death)
    raise RuntimeError("no configuration met the published targets; widen the search in Settings")


def assign_covariates(calibration: Calibration, settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Transplant year, age, baseline EDSS and subtype label for each patient."""
    followup, group, is_death = calibration.followup, calibration.group, calibration.is_death
    n = len(followup)
    rng = np.random.default_rng([settings.seed, 7])
    first = int(published.cohort_value("transplant_year", "year_min"))
    last = int(published.cohort_value("transplant_year", "year_max"))

    # Transplant years: spread evenly, longest follow-up with the earliest years.
    survivors = np.flatnonzero(~is_death)
    years = np.repeat(np.arange(first, last + 1), int(np.ceil(len(survivors) / (last - first + 1))))
    years = np.sort(years[np.linspace(0, len(years) - 1, len(survivors)).round().astype(int)])
    transplant_year = np.empty(n, dtype=int)
    transplant_year[survivors[np.argsort(-followup[survivors], kind="stable")]] = years
    transplant_year[np.flatnonzero(is_death)] = settings.death_years
    room = settings.data_cutoff - (transplant_year + settings.transplant_month_fraction)
    if np.any(followup > room + 1e-9):
        raise RuntimeError("follow-up longer than the time from transplant to the data cut-off")

    # Subtype: the 2 PPMS patients are drawn among the surviving progressive patients.
    subtype = np.where(group == "RRMS", "RRMS", "SPMS").astype(object)
    progressive_survivors = np.flatnonzero((group == "progressive") & ~is_death)
    subtype[rng.choice(progressive_survivors, N_BY_SUBTYPE["PPMS"], replace=False)] = "PPMS"

    age = np.empty(n)
    edss = np.empty(n)
    n_rrms = int((group == "RRMS").sum())
    n_prog = n - n_rrms
    age_mean = published.cohort_value("age", "mean")
    age_mean_prog = (age_mean * n - settings.age_mean_rrms * n_rrms) / n_prog
    lowest_edss = published.cohort_value("baseline_edss", "min")
    highest_edss = published.cohort_value("baseline_edss", "max")
    for name, count, a_mean, e_mean, e_sd in (
        ("RRMS", n_rrms, settings.age_mean_rrms, settings.edss_mean_rrms, settings.edss_sd_rrms),
        ("progressive", n_prog, age_mean_prog, settings.edss_mean_progressive, settings.edss_sd_progressive),
    ):
        probs = (np.arange(1, count + 1) - 0.5) / count
        ages = np.clip(np.round(stats.norm.ppf(probs, a_mean, settings.age_sd)), *settings.age_limits)
        scores = np.clip(np.round(stats.norm.ppf(probs, e_mean, e_sd) * 2) / 2, lowest_edss, highest_edss)
        members = np.flatnonzero(group == name)
        age[members] = rng.permutation(ages)
        edss[members] = rng.permutation(scores)
    # The published range is 1-9: the least disabled RRMS and the most disabled
    # progressive patient sit at its ends.
    rrms = np.flatnonzero(group == "RRMS")
    prog = np.flatnonzero(group == "progressive")
    edss[rrms[np.argmin(edss[rrms])]] = lowest_edss
    edss[prog[np.argmax(edss[prog])]] = highest_edss

    dwfs = np.empty(n)
    worsening = np.empty(n, dtype=int)
    for name in GROUPS:
        dwfs[group == name] = calibration.fits[name].dwfs_years
        worsening[group == name] = calibration.fits[name].worsening

    frame = pd.DataFrame({
        "subtype": subtype.astype(str),
        "age": age.astype(int),
        "baseline_edss": edss,
        "transplant_year": transplant_year,
        "followup_years": followup,
        "dwfs_years": dwfs,
        "worsening": worsening,
        "died": is_death.astype(int),
    })
    # Row order and ids carry no information: shuffle, then number.
    frame = frame.iloc[rng.permutation(n)].reset_index(drop=True)
    frame.insert(0, "patient_id", [f"REC{i:03d}" for i in range(1, n + 1)])
    return frame[COLUMNS]


def reconstruct(settings: Settings = DEFAULT_SETTINGS, with_calibration: bool = False):
    """The reconstructed cohort, one row per patient (deterministic for given settings).

    With ``with_calibration``, also return :func:`calibration_summary` of the search.
    """
    calibration = calibrate(settings)
    cohort = assign_covariates(calibration, settings)
    return (cohort, calibration_summary(calibration, settings)) if with_calibration else cohort


def calibration_summary(calibration: Calibration, settings: Settings = DEFAULT_SETTINGS) -> dict:
    """What the search settled on: tilt, seeds and the two hazard rates of each group."""
    return {
        "settings": {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)},
        "tilt": calibration.tilt,
        "allocation_seed": calibration.allocation_seed,
        "groups": {
            name: {
                "event_seed": fit.event_seed,
                "rate_before_5y_per_year": round(float(fit.rate_early), 6),
                "rate_from_5y_per_year": round(float(fit.rate_late), 6),
                "score": round(float(fit.score), 4),
            }
            for name, fit in calibration.fits.items()
        },
    }


def to_csv_bytes(cohort: pd.DataFrame) -> bytes:
    """The cohort as CSV with fixed number formats, so a rerun is byte-identical."""
    out = cohort.copy()
    out["baseline_edss"] = out["baseline_edss"].map(lambda v: f"{v:.1f}")
    for column in ("followup_years", "dwfs_years"):
        out[column] = out[column].map(lambda v: f"{v:.{TIME_DECIMALS}f}")
    return out.to_csv(index=False, lineterminator="\n").encode()


def summary_json_bytes(summary: dict) -> bytes:
    return (json.dumps(summary, indent=2, sort_keys=True) + "\n").encode()


def write_shipped_cohort(path=SHIPPED_COHORT, settings: Settings = DEFAULT_SETTINGS):
    """Regenerate ``data/cohort.csv`` and ``data/reconstruction.json`` (``make cohort``)."""
    cohort, summary = reconstruct(settings, with_calibration=True)
    path.write_bytes(to_csv_bytes(cohort))
    CALIBRATION_FILE.write_bytes(summary_json_bytes(summary))
    return path


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def settings_table(settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """The settings as a two-column table (name, value), for the book."""
    return pd.DataFrame(
        [(f.name, getattr(settings, f.name)) for f in dataclasses.fields(settings)],
        columns=["setting", "value"],
    )


def assumptions_table() -> pd.DataFrame:
    """Every assumption of the reconstruction, with its reason (one place, shown in the book)."""
    return pd.DataFrame([dataclasses.asdict(a) for a in ASSUMPTIONS]).rename(
        columns={"topic": "Assumption", "value": "Value used", "reason": "Why"}
    )


# --------------------------------------------------------------------------- targets vs achieved

def progressive_mask(cohort: pd.DataFrame) -> pd.Series:
    return cohort["subtype"].isin(["SPMS", "PPMS"])


def group_frames(cohort: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The analysis groups of the paper: RRMS, progressive (SPMS + PPMS), all."""
    return {
        "RRMS": cohort[cohort["subtype"] == "RRMS"],
        "progressive": cohort[progressive_mask(cohort)],
        "all": cohort,
    }


def target_table(cohort: pd.DataFrame) -> pd.DataFrame:
    """Every published target beside what ``cohort`` gives, with tolerance and verdict.

    Kaplan-Meier values are percentages with the plain Greenwood 95% interval.
    The whole-cohort DWFS is not calibrated: it is a check of the method against
    the press release's rounded figures.
    """
    rows = []

    def add(target, group, published_value, tolerance, achieved, source, unit=""):
        rows.append({
            "target": target, "group": group, "published": published_value,
            "tolerance": tolerance, "achieved": achieved,
            "difference": achieved - published_value,
            "met": bool(abs(achieved - published_value) <= tolerance + 1e-9),
            "unit": unit, "source": source,
        })

    counts = cohort["subtype"].value_counts()
    add("patients", "all", published.cohort_value("patients", "count"), 0, len(cohort), "abstract", "patients")
    for subtype in N_BY_SUBTYPE:
        add("patients", subtype, published.subtype_count(subtype), 0, int(counts.get(subtype, 0)),
            published.subtype_count_source(subtype), "patients")

    groups = group_frames(cohort)
    for group in GROUPS:
        frame = groups[group]
        surv, se = km_at(frame["dwfs_years"].to_numpy(float), frame["worsening"].to_numpy(int),
                         np.array([5.0, 10.0]))
        z = stats.norm.ppf(0.975)
        for i, year in enumerate((5, 10)):
            achieved = {"estimate": surv[i], "ci_lower": surv[i] - z * se[i], "ci_upper": surv[i] + z * se[i]}
            for kind, label, tolerance in (("estimate", "DWFS estimate", 0.5),
                                           ("ci_lower", "DWFS 95% CI lower", 1.5),
                                           ("ci_upper", "DWFS 95% CI upper", 1.5)):
                add(f"{label} at {year} y", group, published.dwfs_value(group, year, kind), tolerance,
                    100 * achieved[kind], "abstract", "%")
    surv, _ = km_at(cohort["dwfs_years"].to_numpy(float), cohort["worsening"].to_numpy(int), np.array([5.0, 10.0]))
    for i, year in enumerate((5, 10)):
        add(f"DWFS estimate at {year} y (not calibrated)", "all", published.dwfs_value("all", year, "estimate"),
            2.0, 100 * surv[i], "press release (rounded)", "%")

    followup = cohort["followup_years"]
    add("follow-up mean", "all", published.cohort_value("followup", "mean"), 0.1, followup.mean(), "abstract", "years")
    add("follow-up SD", "all", published.cohort_value("followup", "sd"), 0.2, followup.std(ddof=1), "abstract", "years")
    first, last = published.cohort_value("transplant_year", "year_min"), published.cohort_value("transplant_year", "year_max")
    add("earliest transplant year (not before)", "all", first, 0, max(first, cohort["transplant_year"].min()),
        "press release", "year")
    add("latest transplant year (not after)", "all", last, 0, min(last, cohort["transplant_year"].max()),
        "press release", "year")
    add("age mean", "all", published.cohort_value("age", "mean"), 0.2, cohort["age"].mean(), "press release", "years")
    for kind, label, achieved in (("median", "baseline EDSS median", cohort["baseline_edss"].median()),
                                  ("min", "baseline EDSS minimum", cohort["baseline_edss"].min()),
                                  ("max", "baseline EDSS maximum", cohort["baseline_edss"].max())):
        add(label, "all", published.cohort_value("baseline_edss", kind), 0, achieved, "abstract", "EDSS")
    early = cohort[(cohort["died"] == 1) & (cohort["followup_years"] <= 100 / 365.25)]
    add("deaths within 100 days", "all", published.cohort_value("early_deaths", "count"), 0, len(early),
        "abstract", "patients")
    add("early deaths transplanted after 2007", "all", 0, 0, int((early["transplant_year"] > 2007).sum()),
        "abstract", "patients")
    return pd.DataFrame(rows)


def calibration_table(path=None) -> pd.DataFrame:
    """The shipped reconstruction's calibrated quantities (from ``data/reconstruction.json``)."""
    summary = json.loads((path or CALIBRATION_FILE).read_text())
    rows = [("follow-up tilt toward shorter RRMS follow-up (0 = plain random split)", "both",
             f"{summary['tilt']:g}")]
    for group, fit in summary["groups"].items():
        rows.append(("worsening hazard before 5 years (per year)", group, f"{fit['rate_before_5y_per_year']:.4f}"))
        rows.append(("worsening hazard from 5 years (per year)", group, f"{fit['rate_from_5y_per_year']:.4f}"))
    return pd.DataFrame(rows, columns=["quantity", "group", "value"])

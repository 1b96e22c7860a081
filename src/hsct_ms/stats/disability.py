"""Confirmed disability worsening (CDW) and improvement (CDI) from EDSS visits, by pymsprog.

The rule is one frozen object, :class:`DisabilityRule`: every setting of the paper's kind
of endpoint (first event, fixed baseline at transplant, EDSS thresholds, confirmation
period and tolerance, relapse windows), turned into the keyword arguments of
``pymsprog.MSprog`` by :meth:`DisabilityRule.msprog_kwargs` and shown to readers by
:meth:`DisabilityRule.table`. :func:`derive_endpoints` runs pymsprog on every patient
(in parallel over the cores, with a progress bar on a terminal only) and caches the
result on disk under the visits' content hash and the rule, so a rebuild with the same
files does not derive again.

pymsprog (Montobbio et al., Mult Scler 2024, doi:10.1177/13524585241243157) is the
engine; this module only prepares its input (days since transplant, the cohort's
baseline EDSS at day 0 when the visits file has no visit then) and reads its output
(``time2event`` in days from the first visit, i.e. from transplant).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from hsct_ms import paths
from hsct_ms.inputs.visits_validation import DAYS_PER_YEAR

__all__ = ["EdssThreshold", "DisabilityRule", "DEFAULT_RULE", "SENSITIVITY_RULES",
           "msprog_input", "derive_endpoints", "cache_dir", "CACHE_VARIABLE"]

#: Environment variable naming the derivation cache's folder (default ``_build/.disability_cache``).
CACHE_VARIABLE = "HSCT_MS_DISABILITY_CACHE"
#: Fewest patients for which the derivation starts worker processes.
MIN_PARALLEL_PATIENTS = 100
#: Bump when the derivation's output changes for the same input and rule.
_CACHE_FORMAT = 1


@dataclass(frozen=True)
class EdssThreshold:
    """Smallest EDSS change that counts, given the reference (baseline) EDSS.

    ``at_zero`` from a baseline of 0; ``low`` from a baseline above 0 up to ``cutoff``;
    ``high`` above ``cutoff``. A picklable callable, so that worker processes receive it.
    """

    at_zero: float = 1.5
    low: float = 1.0
    cutoff: float = 5.5
    high: float = 0.5

    def __call__(self, baseline):
        # pymsprog calls delta_fun(baseline, outcome) first and falls back to one
        # argument on TypeError: this signature takes the fallback.
        if baseline == 0:
            return self.at_zero
        return self.low if baseline <= self.cutoff else self.high


@dataclass(frozen=True)
class DisabilityRule:
    """Every setting of the confirmed-disability rule, passed whole to ``pymsprog.MSprog``.

    Attributes
    ----------
    baseline : str
        pymsprog's baseline scheme: ``"fixed"`` (the assessment at transplant) or
        ``"roving_impr"`` (moved to the confirmation visit after each confirmed improvement).
    confirmation_months : float
        Confirmation period; in days ``months * 365.25 / 12`` rounded to a whole day.
    tolerance_days : tuple of float
        pymsprog's tolerance around the confirmation time (left, right), days.
    threshold : EdssThreshold
        Minimum EDSS change.
    check_intermediate : bool
        The change must hold at every visit up to the confirmation visit.
    relapse_to_baseline_days, relapse_to_event_days, relapse_to_confirmation_days : float
        Minimum distances from a relapse (used only with a relapses file).
    proceed_from : str
        Where the search resumes after an event.
    """

    baseline: str = "fixed"
    confirmation_months: float = 6.0
    tolerance_days: tuple[float, float] = (7.0, 730.5)
    threshold: EdssThreshold = EdssThreshold()
    check_intermediate: bool = True
    relapse_to_baseline_days: float = 30.0
    relapse_to_event_days: float = 0.0
    relapse_to_confirmation_days: float = 30.0
    proceed_from: str = "firstconf"

    @property
    def confirmation_days(self) -> int:
        # Whole days: pymsprog truncates the confirmation period to an integer number of
        # days anyway (int(conf_days) in its window), so the rule says what is applied.
        return int(round(self.confirmation_months * DAYS_PER_YEAR / 12))

    @property
    def label(self) -> str:
        scheme = "fixed baseline" if self.baseline == "fixed" else "roving baseline"
        return f"{self.confirmation_months:g}-month confirmation, {scheme}"

    @property
    def short_label(self) -> str:
        """The label in a few characters, for a phone's chart axis: "12 mo, roving"."""
        scheme = "fixed" if self.baseline == "fixed" else "roving"
        return f"{self.confirmation_months:g} mo, {scheme}"

    def msprog_kwargs(self, event: str = "firstCDW") -> dict:
        """Keyword arguments of ``pymsprog.MSprog`` for ``event`` (``firstCDW`` or ``firstCDI``)."""
        return dict(
            outcome="edss", event=event, baseline=self.baseline, proceed_from=self.proceed_from,
            delta_fun=self.threshold, conf_days=self.confirmation_days,
            conf_tol_days=list(self.tolerance_days), check_intermediate=self.check_intermediate,
            require_sust_days=0, impute_last_visit=0,
            relapse_to_bl=self.relapse_to_baseline_days, relapse_to_event=self.relapse_to_event_days,
            relapse_to_conf=self.relapse_to_confirmation_days,
            date_format="day", include_stable=True, verbose=0,
        )

    def record(self) -> dict:
        """The rule as plain data (recorded with the results and in the cache key)."""
        out = asdict(self)
        out["tolerance_days"] = list(self.tolerance_days)
        out["confirmation_days"] = self.confirmation_days
        return out

    def table(self) -> pd.DataFrame:
        """Every setting, its value and what it means, for the book."""
        t = self.threshold
        rows = [
            ("event", "first confirmed worsening (firstCDW); first confirmed improvement "
                      "(firstCDI) for improvement", "only the first event of each kind counts"),
            ("baseline", self.baseline, "fixed: the assessment at transplant; roving_impr: moved "
                                        "to the confirmation visit after each confirmed improvement"),
            ("threshold from EDSS 0", f"+{t.at_zero:g}", "worsening from a baseline of 0"),
            (f"threshold from EDSS 1.0 to {t.cutoff:g}", f"+{t.low:g}", "worsening of at least this much"),
            (f"threshold above EDSS {t.cutoff:g}", f"+{t.high:g}", "worsening of at least this much"),
            ("confirmation", f"{self.confirmation_months:g} months ({self.confirmation_days:g} days)",
             "the change must still be there at a visit this long after it"),
            ("confirmation tolerance", f"-{self.tolerance_days[0]:g} / +{self.tolerance_days[1]:g} days",
             "window around the confirmation time in which a visit confirms (pymsprog's default)"),
            ("intermediate visits", "checked" if self.check_intermediate else "not checked",
             "every visit up to the confirmation visit must show the change"),
            ("after an event", self.proceed_from, "search resumes after the first confirmation visit"),
            ("unconfirmed change at the last visit", "not counted", "no imputation (impute_last_visit = 0)"),
            ("relapse windows (days)", f"baseline {self.relapse_to_baseline_days:g}, event "
                                       f"{self.relapse_to_event_days:g}, confirmation "
                                       f"{self.relapse_to_confirmation_days:g}",
             "minimum distance from a relapse; used only when a relapses file is given"),
        ]
        return pd.DataFrame(rows, columns=["setting", "value", "meaning"])


DEFAULT_RULE = DisabilityRule()
#: The definitions the sensitivity analysis compares: 3, 6 and 12 months, fixed and roving.
SENSITIVITY_RULES = tuple(replace(DEFAULT_RULE, confirmation_months=m, baseline=b)
                          for b in ("fixed", "roving_impr") for m in (3.0, 6.0, 12.0))


def msprog_input(visits: pd.DataFrame, cohort: pd.DataFrame,
                 relapses: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Visits (and relapses) as pymsprog reads them: ``id``, ``day`` from transplant, ``EDSS``.

    The cohort's ``baseline_edss`` is the assessment at day 0 of each patient whose
    visits file has none (validation has checked that a visit at 0 agrees with it).
    """
    # Days rounded to 1e-6: years written to a file and multiplied back are whole days
    # up to float noise (197.99999999999997), and pymsprog's windows have sharp edges.
    v = pd.DataFrame({"id": visits["patient_id"].astype(str),
                      "day": np.round(visits["years_since_transplant"].to_numpy(float) * DAYS_PER_YEAR, 6),
                      "EDSS": visits["edss"].to_numpy(float)})
    has_zero = set(v.loc[v["day"] == 0, "id"])
    base = cohort.loc[~cohort["patient_id"].isin(has_zero), ["patient_id", "baseline_edss"]]
    base = pd.DataFrame({"id": base["patient_id"].astype(str), "day": 0.0,
                         "EDSS": base["baseline_edss"].to_numpy(float)})
    v = pd.concat([base, v], ignore_index=True).sort_values(["id", "day"], kind="stable")
    v = v[v["id"].isin(set(visits["patient_id"]))].reset_index(drop=True)
    r = None
    if relapses is not None and len(relapses):
        r = pd.DataFrame({"id": relapses["patient_id"].astype(str),
                          "day": np.round(relapses["years_since_transplant"].to_numpy(float)
                                          * DAYS_PER_YEAR, 6)})
    return v, r


def _run_msprog(v: pd.DataFrame, r: pd.DataFrame | None, kwargs: dict) -> pd.DataFrame:
    import pymsprog  # imported here: only the derivation needs it

    # pymsprog prints and warns about its own choices; none of that is a result,
    # and a chapter must write nothing to stderr.
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, results = pymsprog.MSprog(v, "id", "EDSS", "day", relapse=r, **kwargs)
    return results


def _derive_chunk(args) -> pd.DataFrame:
    v, r, rule = args
    wors = _run_msprog(v, r, rule.msprog_kwargs("firstCDW"))
    impr = _run_msprog(v, r, rule.msprog_kwargs("firstCDI"))
    wors = wors.assign(id=wors["id"].astype(str)).set_index("id")
    impr = impr.assign(id=impr["id"].astype(str)).set_index("id")
    ids = list(dict.fromkeys(v["id"]))
    last = v.groupby("id")["day"].max()
    out = pd.DataFrame({"patient_id": ids})
    worsened = (wors["event_type"] == "CDW").reindex(ids).fillna(False).to_numpy(bool)
    improved = (impr["event_type"] == "CDI").reindex(ids).fillna(False).to_numpy(bool)
    out["dwfs_years"] = wors["time2event"].reindex(ids).to_numpy(float) / DAYS_PER_YEAR
    out["worsening"] = worsened.astype(int)
    out["improvement"] = improved.astype(int)
    out["improvement_years"] = impr["time2event"].reindex(ids).to_numpy(float) / DAYS_PER_YEAR
    out["last_visit_years"] = last.reindex(ids).to_numpy(float) / DAYS_PER_YEAR
    return out


def cache_dir() -> Path:
    """The derivation cache's folder: ``$HSCT_MS_DISABILITY_CACHE`` or ``_build/.disability_cache``."""
    env = os.environ.get(CACHE_VARIABLE, "").strip()
    return Path(env) if env else paths.BUILD_DIR / ".disability_cache"


def _cache_key(v, r, rule: DisabilityRule, content_hash: str | None) -> str:
    import pymsprog

    h = hashlib.sha256()
    if content_hash is None:  # no file hash given: hash the prepared input itself
        h.update(pd.util.hash_pandas_object(v, index=False).to_numpy().tobytes())
        if r is not None:
            h.update(pd.util.hash_pandas_object(r, index=False).to_numpy().tobytes())
    else:
        h.update(content_hash.encode())
        # The day-0 rows come from the cohort's baseline_edss: part of the input too.
        h.update(pd.util.hash_pandas_object(v[v["day"] == 0], index=False).to_numpy().tobytes())
    h.update(json.dumps({"rule": rule.record(), "pymsprog": pymsprog.__version__,
                         "format": _CACHE_FORMAT}, sort_keys=True).encode())
    return h.hexdigest()


class _Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal (never in a notebook)."""

    def __init__(self, total: int, label: str):
        self.total, self.label, self.done = total, label, 0
        self.on = total > 0 and hasattr(sys.stderr, "isatty") and sys.stderr.isatty()

    def step(self, n: int) -> None:
        self.done += n
        if self.on:
            width = 30
            filled = int(width * self.done / self.total)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                             f"{self.done}/{self.total} patients")
            if self.done >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def derive_endpoints(visits: pd.DataFrame, cohort: pd.DataFrame, rule: DisabilityRule = DEFAULT_RULE,
                     relapses: pd.DataFrame | None = None, content_hash: str | None = None,
                     processes: int | None = None, use_cache: bool = True) -> pd.DataFrame:
    """First confirmed worsening and first confirmed improvement of each patient.

    Parameters
    ----------
    visits, relapses : pandas.DataFrame
        Validated by :mod:`hsct_ms.inputs.visits`.
    cohort : pandas.DataFrame
        The cohort (``patient_id``, ``baseline_edss``).
    rule : DisabilityRule
    content_hash : str, optional
        Hash of the visits (and relapses) files' bytes, the cache key; without it the
        prepared input is hashed.
    processes : int, optional
        Worker processes; default the number of cores. 1 runs in this process.
    use_cache : bool

    Returns
    -------
    pandas.DataFrame
        One row per patient with visits, in cohort order: ``patient_id``,
        ``dwfs_years`` (transplant to the first confirmed worsening, or to the last visit
        when there is none), ``worsening`` (1/0), ``improvement`` (1 = confirmed
        improvement), ``improvement_years``, ``last_visit_years``. ``attrs["rule"]`` is
        :meth:`DisabilityRule.record`.

    Notes
    -----
    An event is dated at the visit where the change is first seen (pymsprog's onset),
    so times are as precise as the visit schedule, no more.
    """
    v, r = msprog_input(visits, cohort, relapses)
    key = _cache_key(v, r, rule, content_hash)
    path = cache_dir() / f"{key}.csv"
    if use_cache and path.exists():
        out = pd.read_csv(path, dtype={"patient_id": str})
        out.attrs["rule"] = rule.record()
        return out
    ids = list(dict.fromkeys(v["id"]))
    processes = processes or os.cpu_count() or 1
    if len(ids) < MIN_PARALLEL_PATIENTS:
        processes = 1  # starting workers costs more than a few dozen patients take
    n_chunks = max(1, min(len(ids), processes * 4)) if processes > 1 else 1
    groups = np.array_split(np.arange(len(ids)), n_chunks)
    chunk_ids = [set(ids[i] for i in g) for g in groups if len(g)]
    tasks = [(v[v["id"].isin(c)], None if r is None else r[r["id"].isin(c)], rule) for c in chunk_ids]
    progress = _Progress(len(ids), f"deriving EDSS events ({rule.label})")
    parts = []
    if processes > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=min(processes, len(tasks))) as pool:
            for part in pool.map(_derive_chunk, tasks):
                parts.append(part)
                progress.step(len(part))
    else:
        for task in tasks:
            parts.append(_derive_chunk(task))
            progress.step(len(parts[-1]))
    out = pd.concat(parts, ignore_index=True)
    order = {p: i for i, p in enumerate(cohort["patient_id"].astype(str))}
    out = out.sort_values("patient_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    if use_cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # One temporary name per process: chapters may derive the same input at once.
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            out.to_csv(tmp, index=False)
            tmp.replace(path)
        except OSError:
            pass  # a read-only tree derives every time; the result is the same
    out.attrs["rule"] = rule.record()
    return out

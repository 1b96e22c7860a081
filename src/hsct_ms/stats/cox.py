"""Cox proportional-hazards model and its proportional-hazards test, from lifelines.

Hazard ratios come from lifelines' ``CoxPHFitter`` (Efron ties, no penalty: R
``coxph``'s defaults) and the proportional-hazards test from
``lifelines.statistics.proportional_hazard_test``, given R's time scale.

Notes
-----
Speed, measured on the 100,000-patient benchmark cohort
(``hsct_ms.reconstruction.synthetic.resampled_cohort(100_000)``, 15,513 distinct
times), lifelines 0.30.3, on this project's 2-core machine:

* ``CoxPHFitter().fit(..., batch_mode=True)`` on a float (numpy-backed) frame: about
  0.9-1.6 s per model (1 or 3 covariates, runs vary); ``batch_mode=False``: 2.2-2.4 s. The
  hand-written numpy Efron fit this module replaced took 0.3-0.5 s. With heavy ties
  (the 210-patient cohort repeated, ~200 distinct times) lifelines takes 0.15 s.
* lifelines' scaled Schoenfeld residuals, which its proportional-hazards test needs,
  take about 3.5-4.5 s per model; they are computed once per test.
* The book's two models: :func:`cox_model` about 3 s for both, :func:`cox_ph_test`
  about 7 s for both (the fits are reused from a small cache, :func:`fit_cox`).
  At 210 patients: about 30 ms per fit, 50 ms per test.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter
from lifelines.exceptions import ConvergenceError
from lifelines.statistics import proportional_hazard_test
from scipy import stats

from hsct_ms.errors import CannotCompute

from hsct_ms.stats._checks import check_survival_data
from hsct_ms.stats.kaplan_meier import fit_curve


def cox_frame(df: pd.DataFrame, duration_col: str, event_col: str, covariates: Sequence[str]):
    """The model's columns as a float frame (numpy-backed, as lifelines fits fastest), checked."""
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    missing = [c for c in [duration_col, event_col, *covariates] if c not in df.columns]
    if missing:
        raise ValueError(f"columns not in the data frame: {missing}")
    if not covariates:
        raise ValueError("at least one covariate is needed")
    frame = df[[duration_col, event_col, *covariates]].reset_index(drop=True)
    check_survival_data(frame[duration_col].to_numpy(), frame[event_col].to_numpy(), event_col)
    if frame[covariates].isna().any().any():
        raise ValueError("covariates contain missing values")
    return frame.astype(float), covariates


#: What a user can do when the Cox model cannot be fitted on their cohort.
NOT_ESTIMABLE_REMEDY = ("With few events, or with groups whose events barely overlap, a hazard ratio is "
                        "not estimable: read the Kaplan-Meier curves and the log-rank test, or analyse "
                        "a larger cohort")


@contextmanager
def _stable(what: str):
    """Run a fit or test; refuse with :class:`~hsct_ms.errors.CannotCompute` when it fails
    or warns that its numbers are unstable.

    lifelines and scipy signal a model that cannot be estimated (too few events, a
    covariate that separates the events, collinear covariates) by an exception or by a
    warning (``ConvergenceWarning``, ``LinAlgWarning`` or another ``RuntimeWarning``); a
    number fitted under such a warning is not a result. Any other warning is passed on.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except (ConvergenceError, np.linalg.LinAlgError) as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise CannotCompute(what, f"the fit fails on this cohort ({reason})", NOT_ESTIMABLE_REMEDY) from None
    unstable = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    for w in caught:
        if w not in unstable:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if unstable:
        reason = str(unstable[0].message).strip().splitlines()[0]
        raise CannotCompute(what, f"the fit is unstable on this cohort ({reason})", NOT_ESTIMABLE_REMEDY)


def fit_cox(frame: pd.DataFrame, duration_col: str, event_col: str, level: float = 0.95) -> CoxPHFitter:
    """lifelines ``CoxPHFitter`` with Efron ties, fitted to R's precision (cached).

    lifelines by default damps each Newton step (``step_size`` 0.95) and stops on a
    Newton decrement < 1e-7 or R's criterion (relative change of the log-likelihood
    < 1e-9), which can leave coefficients ~2e-7 (relative) from the optimum (seen on
    the shipped cohort). Both precisions at 1e-16 make it go on to the optimum
    itself; R, stopped by its own criterion, is then within ~2e-8 of it.
    ``batch_mode=True`` is lifelines' fastest path at scale.

    The last few fits are kept, keyed by a hash of the frame's values: a chapter
    asks for the same model from :func:`cox_model` and :func:`cox_ph_test`, and at
    100,000 patients each fit costs over a second. The caller must not alter the
    returned fitter.
    """
    key = (tuple(frame.columns), duration_col, event_col, level,
           hashlib.sha1(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()).hexdigest())
    if key not in _FITS:
        cph = CoxPHFitter(alpha=1 - level)
        with _stable("the Cox model"):
            cph.fit(frame, duration_col=duration_col, event_col=event_col, batch_mode=True,
                    fit_options={"precision": 1e-16, "r_precision": 1e-16})
        if len(_FITS) >= _MAX_FITS:
            _FITS.pop(next(iter(_FITS)))  # oldest first (dicts keep insertion order)
        _FITS[key] = cph
    return _FITS[key]


_MAX_FITS = 4
_FITS: dict[tuple, CoxPHFitter] = {}


def cox_model(df: pd.DataFrame, duration_col: str, event_col: str, covariates: Sequence[str],
              level: float = 0.95) -> pd.DataFrame:
    """Cox proportional-hazards model: hazard ratios with Wald intervals and p-values.

    Fitted by lifelines' ``CoxPHFitter`` (Efron ties, no penalty), the same model as
    R ``coxph(Surv(t, e) ~ covariates)``.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per patient.
    duration_col : str
        Column with time to event or censoring (strictly positive).
    event_col : str
        Column with 1 = event, 0 = censored.
    covariates : sequence of str
        Numeric covariate columns (code a comparison as 0/1, e.g. ``progressive``).
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Index = covariate; columns ``coef`` (log hazard ratio), ``se``,
        ``hazard_ratio``, ``lower``, ``upper`` (``exp(coef -/+ z se)``), ``z`` and ``p``
        (two-sided Wald), as in R ``summary(coxph(...))``.

    Raises
    ------
    hsct_ms.errors.CannotCompute
        When the fit fails or warns that it is unstable (too few events, separation,
        collinear covariates): no hazard ratio is returned from such a fit.

    Notes
    -----
    The hazard ratio summarises a whole follow-up as one number and misleads when
    hazards are not proportional (curves that converge or cross): check
    :func:`cox_ph_test` and the Kaplan-Meier curves. With few events per covariate
    the Wald interval is too narrow.
    """
    frame, covariates = cox_frame(df, duration_col, event_col, covariates)
    summary = fit_cox(frame, duration_col, event_col, level).summary.loc[covariates]
    pct = round(100 * level)
    return pd.DataFrame(
        {
            "coef": summary["coef"].to_numpy(),
            "se": summary["se(coef)"].to_numpy(),
            "hazard_ratio": summary["exp(coef)"].to_numpy(),
            "lower": summary[f"exp(coef) lower {pct}%"].to_numpy(),
            "upper": summary[f"exp(coef) upper {pct}%"].to_numpy(),
            "z": summary["z"].to_numpy(),
            "p": summary["p"].to_numpy(),
        },
        index=pd.Index(covariates, name="covariate"),
    )


def zph_transform(transform: str, durations: np.ndarray, events: np.ndarray) -> np.ndarray:
    """g(t) per patient as R ``cox.zph`` computes it (before centring).

    Own code for ``"km"``: R uses one minus the *left-continuous* Kaplan-Meier curve,
    ``1 - S(t-)``; lifelines' own ``time_transform="km"`` uses the right-continuous
    ``S(t)``.
    """
    if transform == "km":
        curve = fit_curve(durations, events)
        idx = np.searchsorted(curve.times, durations, side="left")  # times strictly < t
        return 1.0 - np.concatenate(([1.0], curve.survival))[idx]
    if transform == "identity":
        return durations.astype(float)
    if transform == "log":
        return np.log(durations)
    raise ValueError(f"transform must be 'km', 'identity' or 'log', got {transform!r}")


def cox_ph_test(df: pd.DataFrame, duration_col: str, event_col: str, covariates: Sequence[str],
                transform: str = "km") -> pd.DataFrame:
    """Grambsch-Therneau test of proportional hazards (lifelines; R ``cox.zph`` before 3.0).

    Parameters
    ----------
    df, duration_col, event_col, covariates
        As in :func:`cox_model`; the model is refitted here.
    transform : {"km", "identity", "log"}, default "km"
        Time scale g(t) on which a trend of the Schoenfeld residuals is tested.
        ``"km"`` is R's default: ``g(t) = 1 - S(t-)``, one minus the left-continuous
        Kaplan-Meier curve of the model's own data (all groups pooled).

    Returns
    -------
    pandas.DataFrame
        Index = covariate, plus ``GLOBAL`` when there is more than one covariate;
        columns ``chi2``, ``df`` and ``p`` (upper tail of chi-square).

    Notes
    -----
    Per covariate, lifelines' ``proportional_hazard_test`` given R's g(t): the
    Grambsch & Therneau (1994) approximation, which R's ``cox.zph`` computed before
    survival 3.0. lifelines has no global statistic; it is computed here by the same
    approximation, ``(g'R) V (g'R)' d / sum g^2`` (R the unscaled Schoenfeld
    residuals, V the model's covariance, d the number of events, g centred over
    events), as survival 2.x did.

    R >= 3.0's ``cox.zph`` is a different test: the score test for adding
    ``x * g(t)`` to the model, with the full information matrix. The 1994
    approximation replaces the variance of the Schoenfeld residuals at each event by
    its average over events; it is close when covariates have similar spread over
    time and can be far off otherwise (on R's ``lung`` data, age: chi2 0.129 here vs
    0.209 from current R). So these values equal current R's only approximately;
    they equal the 1994 formula computed in R from ``residuals(fit, "schoenfeld")``,
    ``vcov(fit)`` and g(t) (tests/r_oracle/r/zph_gt1994.R).

    A small p-value says the hazard ratio changes over time (on the g scale), so
    one hazard ratio from :func:`cox_model` summarises it badly; a large p-value in
    a small cohort is weak evidence of proportionality (low power). Plot the scaled
    residuals against g(t) before trusting either.
    """
    frame, covariates = cox_frame(df, duration_col, event_col, covariates)
    zph_transform(transform, np.ones(1), np.ones(1, dtype=np.int64))  # validates transform early
    cph = fit_cox(frame, duration_col, event_col)

    # lifelines sorts the fitted data by duration and hands the sorted durations and
    # events to the transform; return R's g(t) in that order.
    def r_transform(durations, events, weights):
        g = zph_transform(transform, np.asarray(durations, dtype=float), np.asarray(events).astype(np.int64))
        return pd.Series(g)  # lifelines calls .values on the result

    # lifelines' residuals cost seconds at 100,000 patients: compute them once, for
    # lifelines' per-covariate test and for the global statistic.
    with _stable("the proportional-hazards test"):
        scaled = cph.compute_residuals(frame, kind="scaled_schoenfeld")
        result = proportional_hazard_test(cph, frame, time_transform=r_transform, precomputed_residuals=scaled)
        chi2 = [float(v) for v in np.atleast_1d(result.test_statistic)]
        p = len(covariates)
        if p > 1:
            chi2.append(global_gt1994(cph, scaled[covariates], r_transform))
    dfs = [1] * p + ([p] if p > 1 else [])
    index = covariates + (["GLOBAL"] if p > 1 else [])
    return pd.DataFrame({"chi2": chi2, "df": dfs, "p": stats.chi2.sf(chi2, dfs)},
                        index=pd.Index(index, name="covariate"))


def global_gt1994(cph: CoxPHFitter, scaled: pd.DataFrame, transform) -> float:
    """Global Grambsch-Therneau (1994) statistic, which lifelines does not compute.

    ``(g'R) V (g'R)' d / sum g^2`` (R survival 2.x ``cox.zph``): R the unscaled
    Schoenfeld residuals, V the covariance of the coefficients, g the time scale
    centred over the d events. From lifelines' scaled residuals ``S = d R V + beta``:
    ``g'R = (g'S) V^-1 / d`` (beta drops out as g is centred), so the statistic is
    ``(g'S) V^-1 (g'S)' / (d sum g^2)``.
    """
    dead = cph.event_observed.to_numpy() == 1
    g = transform(cph.durations, cph.event_observed, None).to_numpy()[dead]
    g = g - g.mean()
    w = g @ scaled.to_numpy()
    n_dead = dead.sum()
    return float(w @ np.linalg.solve(cph.variance_matrix_.to_numpy(), w) / (n_dead * (g @ g)))

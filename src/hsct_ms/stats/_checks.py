"""Input checks shared by the survival functions (one clear error per bad input).

lifelines accepts NaN, negative times and events other than 0/1 with late or
silent failures; the book's users pass their own cohort files, so every public
function checks its inputs here first and says what is wrong.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special


def z_quantile(level: float) -> float:
    """Two-sided normal quantile for a confidence level (1.959964 for 0.95)."""
    if not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    # ndtri is the bare C quantile: scipy.stats.norm.ppf costs ~50 us per call.
    return float(special.ndtri(0.5 + level / 2))


def check_durations(durations, name: str = "durations") -> np.ndarray:
    """Finite, strictly positive, one-dimensional float array."""
    t = np.asarray(durations, dtype=float)
    if t.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {t.shape}")
    if t.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.isfinite(t).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    if (t <= 0).any():
        raise ValueError(f"{name} must be strictly positive; smallest is {t.min()!r}")
    return t


def check_indicator(values, n: int, name: str) -> np.ndarray:
    """0/1 (or bool) integer array of length ``n``."""
    raw = np.asarray(values)
    if raw.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {raw.shape}")
    if raw.size != n:
        raise ValueError(f"durations and {name} have different lengths ({n} and {raw.size})")
    if raw.dtype == bool:
        return raw.astype(np.int64)
    e = raw.astype(float)
    if not np.isin(e, (0.0, 1.0)).all():
        bad = np.unique(e[~np.isin(e, (0.0, 1.0))])[:5]
        raise ValueError(f"{name} must be 0 (censored) or 1 (event); found {bad.tolist()}")
    return e.astype(np.int64)


def check_groups(groups, n: int) -> np.ndarray:
    """Group labels of length ``n``, none missing."""
    g = np.asarray(groups)
    if g.ndim != 1 or g.size != n:
        raise ValueError(f"durations and groups have different lengths ({n} and {g.size})")
    if pd.isna(g).any():
        raise ValueError("groups contain missing values; drop or label them first")
    return g


def check_survival_data(durations, events, events_name: str = "events"):
    """Checked ``(durations, events)`` arrays."""
    t = check_durations(durations)
    e = check_indicator(events, t.size, events_name)
    return t, e


def check_times(times) -> np.ndarray:
    """Evaluation times: a scalar or 1-D array, finite and >= 0."""
    q = np.atleast_1d(np.asarray(times, dtype=float))
    if q.ndim != 1:
        raise ValueError(f"times must be a scalar or one-dimensional, got shape {q.shape}")
    if not np.isfinite(q).all() or (q < 0).any():
        raise ValueError("times must be finite and >= 0")
    return q

"""Numbers as the committed notebooks store them: at a fixed precision.

nbval compares every stored output of ``notebooks/*.ipynb`` with a fresh run. A float
stored at full precision (``1.7133113831108393``) can come back one unit of the last
bit apart on another machine (another BLAS kernel or thread count), failing the record
although nothing a reader could see changed. Every number a chapter glues, every table
cell and every chart data value therefore passes through :func:`stored`, which keeps
:data:`SIGNIFICANT_DIGITS` significant digits: far more than any page shows (at most
four), so a change a reader could see still fails nbval, while noise in the last bits
of a double cannot.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

#: Significant digits kept for every stored number.
SIGNIFICANT_DIGITS = 6


def stored(value):
    """``value`` with floats rounded to :data:`SIGNIFICANT_DIGITS` significant digits.

    Integers, booleans, text and missing values pass unchanged; numpy scalars become
    Python numbers; lists, tuples and dicts are rounded element by element.

    Examples
    --------
    >>> stored(1.7133113831108393)
    1.71331
    >>> stored({"p": 0.054321987, "n": 12})
    {'p': 0.054322, 'n': 12}
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value) or value == 0:
            return value
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        return {key: stored(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(stored(item) for item in value)
    return value


def glue(name: str, value) -> None:
    """Glue ``value`` (rounded by :func:`stored`) for ``{glue:text}`` in the page, not displayed."""
    from myst_nb import glue as myst_glue  # imported here: only chapters need myst_nb

    myst_glue(name, stored(value), display=False)

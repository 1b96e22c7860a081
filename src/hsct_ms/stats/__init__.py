"""Statistics on plain arrays and frames (numpy, scipy, lifelines). No charts, no page text.

Callers use the functions through the package, ``from hsct_ms import stats`` then
``stats.km_table(...)``; which module holds each function is an internal matter:

- :mod:`~hsct_ms.stats.kaplan_meier`: Kaplan-Meier (lifelines) with plain Greenwood intervals;
- :mod:`~hsct_ms.stats.km_steps`: the curve sampled on a time grid for charts;
- :mod:`~hsct_ms.stats.logrank`, :mod:`~hsct_ms.stats.cox`: group comparison (lifelines);
- :mod:`~hsct_ms.stats.restricted_mean`, :mod:`~hsct_ms.stats.follow_up`,
  :mod:`~hsct_ms.stats.proportions`.
"""

from hsct_ms.stats.cox import cox_model, cox_ph_test
from hsct_ms.stats.follow_up import reverse_km_median_followup
from hsct_ms.stats.kaplan_meier import at_risk_table, km_at, km_median, km_table, survival_at
from hsct_ms.stats.km_steps import km_steps
from hsct_ms.stats.logrank import logrank_test
from hsct_ms.stats.proportions import clopper_pearson
from hsct_ms.stats.restricted_mean import restricted_mean

__all__ = [
    "km_table",
    "km_at",
    "survival_at",
    "km_median",
    "at_risk_table",
    "logrank_test",
    "cox_model",
    "cox_ph_test",
    "restricted_mean",
    "reverse_km_median_followup",
    "clopper_pearson",
    "km_steps",
]

"""Shared code of the reproducible book on aHSCT in multiple sclerosis.

The book reproduces Boffa et al., Neurology 2021 (doi:10.1212/WNL.0000000000011461)
on a cohort reconstructed from the published numbers, or compares a user's own
cohort with them. The chapters orchestrate; the logic lives here, one module per
concern:

- data: :mod:`~hsct_ms.paths`, :mod:`~hsct_ms.published` (published values),
  :mod:`~hsct_ms.cohort` (schema, loading, validation), :mod:`~hsct_ms.reconstruction`
  and :mod:`~hsct_ms.ensemble` (the reconstructed cohort and its alternatives),
  :mod:`~hsct_ms.synthetic` (resampled cohorts for tests and benchmarks);
- statistics: :mod:`~hsct_ms.survival` (Kaplan-Meier with plain Greenwood intervals,
  log-rank, Cox, restricted mean, Clopper-Pearson), and the logic of each chapter:
  :mod:`~hsct_ms.baseline`, :mod:`~hsct_ms.outcomes`, :mod:`~hsct_ms.limitations`,
  :mod:`~hsct_ms.peers`, :mod:`~hsct_ms.claims`;
- display: :mod:`~hsct_ms.charts`, :mod:`~hsct_ms.km_figure`, :mod:`~hsct_ms.cohort_charts`,
  :mod:`~hsct_ms.tables`, and :mod:`~hsct_ms.disclosure` (what may be published about a
  real cohort);
- building: :mod:`~hsct_ms.book`, :mod:`~hsct_ms.notebooks`, :mod:`~hsct_ms.bench`,
  :mod:`~hsct_ms.sphinx_ext`, and the command line in ``__main__``.
"""

__version__ = "0.1.0"

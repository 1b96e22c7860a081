"""Shared code of the reproducible book on aHSCT in multiple sclerosis.

The book reproduces Boffa et al., Neurology 2021 (doi:10.1212/WNL.0000000000011461)
on a cohort reconstructed from the published numbers, or compares a user's own
cohort with them. The chapters orchestrate; the logic lives here, one module per
concern:

- data: :mod:`~hsct_ms.paths`, :mod:`~hsct_ms.inputs.published` (published values, checked
  by the pandera schemas of :mod:`~hsct_ms.inputs.published_schemas`),
  :mod:`~hsct_ms.inputs.cohort` (schema, loading, validation; one ``inputs.cohort_*`` module
  per concern), :mod:`~hsct_ms.reconstruction`
  and :mod:`~hsct_ms.reconstruction.ensemble` (the reconstructed cohort and its alternatives),
  :mod:`~hsct_ms.reconstruction.synthetic` (resampled cohorts for tests and benchmarks);
- statistics: :mod:`~hsct_ms.stats` (lifelines: Kaplan-Meier with plain Greenwood intervals,
  log-rank, Cox, restricted mean, Clopper-Pearson), :mod:`~hsct_ms.stats.competing_risks`
  (Aalen-Johansen), :mod:`~hsct_ms.stats.completeness` (Clark's C),
  :mod:`~hsct_ms.stats.published_arithmetic` (arithmetic on published numbers alone), and the
  logic of each chapter: :mod:`~hsct_ms.analysis.cohort`, :mod:`~hsct_ms.analysis.outcomes`
  (with :mod:`~hsct_ms.analysis.outcomes_sensitivity`), :mod:`~hsct_ms.analysis.limitations`,
  :mod:`~hsct_ms.analysis.comparison`, :mod:`~hsct_ms.analysis.claims`;
- display: :mod:`~hsct_ms.display.charts`, :mod:`~hsct_ms.display.km_figure`, :mod:`~hsct_ms.display.cohort_charts`,
  :mod:`~hsct_ms.display.tables`, :mod:`~hsct_ms.display.forest_chart`, :mod:`~hsct_ms.display.comparison_tables`,
  :mod:`~hsct_ms.display.claims_tables`, :mod:`~hsct_ms.display.outcomes_tables`, and :mod:`~hsct_ms.display.disclosure` (what may be published about a
  real cohort);
- building: :mod:`~hsct_ms.build.book`, :mod:`~hsct_ms.build.execute` (chapters executed in parallel),
  :mod:`~hsct_ms.build.notebooks`, :mod:`~hsct_ms.build.bench`, :mod:`~hsct_ms.build.sphinx_ext`,
  :mod:`~hsct_ms.build.imports` (imports deferred to first use), and the command line in ``__main__``.
"""

__version__ = "0.1.0"

# Before anything imports jsonschema (altair does): its IRI grammar compiles on first use
# only (hsct_ms.build.imports explains; no check is lost).
from hsct_ms.build.imports import defer_rfc3987_grammar

defer_rfc3987_grammar()

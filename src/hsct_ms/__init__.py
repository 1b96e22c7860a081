"""Shared code of the reproducible book on aHSCT in multiple sclerosis.

The book reproduces Boffa et al., Neurology 2021 (doi:10.1212/WNL.0000000000011461)
on a cohort reconstructed from the published numbers. Modules:

- :mod:`hsct_ms.paths`: where the repository's files are.
- :mod:`hsct_ms.published`: the published values in ``data/published/``.
- :mod:`hsct_ms.cohort`: the cohort schema, loading and validation.
- :mod:`hsct_ms.reconstruction`: the deterministic reconstruction of the cohort.
- :mod:`hsct_ms.survival`: Kaplan-Meier with plain Greenwood intervals and friends.
- :mod:`hsct_ms.charts`: Altair charts that draw offline, in the book and in JupyterLab.
- :mod:`hsct_ms.sphinx_ext`: the Sphinx/MyST-NB glue that ships the Vega bundle.
"""

__version__ = "0.1.0"

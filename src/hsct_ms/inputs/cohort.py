"""The cohort file: its schema, validation and loading (the public names).

Every chapter reads the cohort through :func:`load_cohort`, so the shipped
reconstruction and a registry's own export (``COHORT_CSV=/path/export.csv``) go
through the same checks. Validation is strict on purpose: a result computed on a
silently "repaired" file cannot be trusted, so :func:`read_cohort` never drops,
fills or converts a value. It reports every problem it finds at once, each with
the file, the column, the line numbers and the patient ids, and says what was
expected.

The work is split by concern; this module gathers the names callers use:

- :mod:`~hsct_ms.inputs.cohort_schema`: the required columns and their rules;
- :mod:`~hsct_ms.inputs.cohort_problems`: problems, how they are worded, the error;
- :mod:`~hsct_ms.inputs.cohort_file`: bytes, encodings, separators, CSV records;
- :mod:`~hsct_ms.inputs.cohort_values`: each column's value checks;
- :mod:`~hsct_ms.inputs.cohort_validation`: header and rows, and :func:`read_cohort`;
- :mod:`~hsct_ms.inputs.cohort_loading`: the cohort the book analyses, and
  ``python -m hsct_ms validate``.
"""

from __future__ import annotations

from hsct_ms.inputs.cohort_loading import (
    CohortInfo,
    analysis_problems,
    cohort_info,
    endpoint_statement,
    load_cohort,
    resolve_cohort_path,
    validate_command,
)
from hsct_ms.inputs.cohort_problems import CohortValidationError, Problem
from hsct_ms.inputs.cohort_schema import (
    DERIVABLE_COLUMNS,
    EDSS_SCALE,
    REQUIRED_COLUMNS,
    SCHEMA,
    SUBTYPES,
    Column,
    schema_table,
)
from hsct_ms.inputs.cohort_validation import read_cohort

__all__ = [
    "SCHEMA",
    "REQUIRED_COLUMNS",
    "DERIVABLE_COLUMNS",
    "SUBTYPES",
    "EDSS_SCALE",
    "Column",
    "Problem",
    "CohortValidationError",
    "CohortInfo",
    "schema_table",
    "read_cohort",
    "resolve_cohort_path",
    "load_cohort",
    "cohort_info",
    "endpoint_statement",
    "analysis_problems",
    "validate_command",
]

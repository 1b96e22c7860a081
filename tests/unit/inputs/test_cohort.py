"""Tests of hsct_ms.inputs.cohort, the public module of the cohort file.

Oracle: the names callers import today (chapters, analysis, build, tests), each the same
object as in the module that defines it; the behaviour is tested beside each module
(test_cohort_schema, _problems, _file, _values, _validation, _loading).
"""

import pytest

from hsct_ms.inputs import (
    cohort,
    cohort_loading,
    cohort_problems,
    cohort_schema,
    cohort_validation,
)
from hsct_ms import terms

DEFINED_IN = {
    cohort_schema: ["SCHEMA", "REQUIRED_COLUMNS", "EDSS_SCALE", "Column", "schema_table"],
    cohort_problems: ["Problem", "CohortValidationError"],
    cohort_validation: ["read_cohort"],
    cohort_loading: ["CohortInfo", "resolve_cohort_path", "load_cohort", "cohort_info",
                     "analysis_problems", "validate_command"],
}


@pytest.mark.parametrize(("module", "name"), [(m, n) for m, names in DEFINED_IN.items() for n in names])
def test_public_names_are_re_exported(module, name):
    assert getattr(cohort, name) is getattr(module, name)
    assert name in cohort.__all__


def test_subtypes_are_the_shared_terms():
    assert cohort.SUBTYPES is terms.SUBTYPES


def test_every_exported_name_exists():
    assert all(hasattr(cohort, name) for name in cohort.__all__)

"""The cohort file's schema: the required columns, their rules, and the names around them.

One :class:`Column` per required column (:data:`SCHEMA`), shown to readers by
:func:`schema_table` and read by the validators in :mod:`~hsct_ms.inputs.cohort_validation`
and :mod:`~hsct_ms.inputs.cohort_values`; also the header names that identify a person,
common aliases of the required names (for "did you mean" hints) and the spellings of
"no value" that spreadsheet exports produce.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pandas as pd

from hsct_ms.terms import SUBTYPES

__all__ = [
    "Column", "SCHEMA", "SCHEMA_BY_NAME", "REQUIRED_COLUMNS", "DERIVABLE_COLUMNS", "SUBTYPES", "EDSS_SCALE",
    "AGE_MIN", "AGE_MAX", "FIRST_TRANSPLANT_YEAR", "current_year", "max_followup_years", "schema_table",
    "IDENTIFIERS", "ALIASES",
    "MISSING_TOKENS", "NUMBER_PATTERN", "INTEGER_PATTERN", "DECIMAL_COMMA_PATTERN",
    "normalised_name",
]


@dataclass(frozen=True)
class Column:
    """One required column of the cohort file.

    Attributes
    ----------
    name : str
        Exact header name (case and spaces matter).
    type : str
        Kind of value, in words.
    unit : str
        Unit of measure, empty when there is none.
    rule : str
        Allowed values, in words.
    description : str
        What the column means.
    """

    name: str
    type: str
    unit: str
    rule: str
    description: str


#: Valid EDSS scores: 0, then 1.0 to 10 in steps of 0.5 (the scale has no 0.5).
EDSS_SCALE = (0.0,) + tuple(k / 2 for k in range(2, 21))
AGE_MIN, AGE_MAX = 10, 80
FIRST_TRANSPLANT_YEAR = 1990


def current_year() -> int:
    """The calendar year today: the last accepted transplant year."""
    return datetime.date.today().year


def max_followup_years(year: int | None = None) -> int:
    """The longest follow-up the validator accepts: from the start of
    :data:`FIRST_TRANSPLANT_YEAR` to the end of the current year (``year``, default today's).

    No transplant is earlier and no assessment later, so the validator refuses a longer
    ``followup_years`` or ``dwfs_years`` (a time in months or days, most likely); this
    bounds every time in a valid file, and with it the time grid of every chart
    (:mod:`hsct_ms.display.charts`).
    """
    return (current_year() if year is None else int(year)) + 1 - FIRST_TRANSPLANT_YEAR

SCHEMA: tuple[Column, ...] = (
    Column("patient_id", "text", "", "unique, not empty",
           "Pseudonymous patient code (never a name or a hospital number)"),
    Column("subtype", "text", "", "exactly RRMS, SPMS or PPMS",
           "MS course at transplant: relapsing-remitting, secondary or primary progressive"),
    Column("age", "number", "years", f"{AGE_MIN} to {AGE_MAX}", "Age at transplant"),
    Column("baseline_edss", "number", "EDSS points", "0, or 1.0 to 10 in steps of 0.5",
           "EDSS score before transplant"),
    Column("transplant_year", "whole number", "calendar year",
           f"{FIRST_TRANSPLANT_YEAR} to the current year", "Year of the transplant"),
    Column("followup_years", "number", "years",
           f"greater than 0, at most the years from {FIRST_TRANSPLANT_YEAR} to the end of the current year",
           "Time from transplant to the last assessment, or to death"),
    Column("dwfs_years", "number", "years", "greater than 0, at most followup_years",
           "Time from transplant to confirmed EDSS worsening, or to censoring"),
    Column("worsening", "0 or 1", "", "0 or 1",
           "1 = confirmed EDSS worsening at dwfs_years; 0 = censored there"),
    Column("died", "0 or 1", "", "0 or 1",
           "1 = died during follow-up (followup_years is then the time of death); 0 = alive"),
)
REQUIRED_COLUMNS = tuple(c.name for c in SCHEMA)
#: The endpoint columns a cohort file may leave out, both together, when a visits file is
#: given (``VISITS_CSV``): the book then derives them from the visits by the default rule
#: (:data:`hsct_ms.stats.disability.DEFAULT_RULE`).
DERIVABLE_COLUMNS = ("dwfs_years", "worsening")
SCHEMA_BY_NAME = {c.name: c for c in SCHEMA}


def schema_table() -> pd.DataFrame:
    """The schema as a table, for the book's "run on your own cohort" section.

    Returns
    -------
    pandas.DataFrame
        One row per column (every one required, except that :data:`DERIVABLE_COLUMNS`
        may be left out together when a visits file is given); columns ``column``, ``type``, ``unit``,
        ``allowed values / rule`` and ``meaning``.
    """
    optional = {name: f"; optional with a visits file, together with "
                      f"{' and '.join(o for o in DERIVABLE_COLUMNS if o != name)} (then derived from the visits)"
                for name in DERIVABLE_COLUMNS}
    return pd.DataFrame(
        [(c.name, c.type, c.unit, c.rule + optional.get(c.name, ""), c.description) for c in SCHEMA],
        columns=["column", "type", "unit", "allowed values / rule", "meaning"],
    )


# Header names (normalised by normalised_name) that identify a person directly, with the
# kind of identifier named in the message.
IDENTIFIERS = {
    **dict.fromkeys(
        ["name", "first_name", "firstname", "given_name", "surname", "last_name",
         "lastname", "family_name", "full_name", "fullname", "patient_name",
         "nome", "cognome"], "a person's name"),
    **dict.fromkeys(
        ["dob", "birth_date", "birthdate", "date_of_birth", "data_nascita",
         "data_di_nascita"], "a date of birth"),
    **dict.fromkeys(
        ["address", "street", "postcode", "post_code", "postal_code", "zip",
         "zip_code", "zipcode", "indirizzo"], "an address"),
    **dict.fromkeys(
        ["ssn", "nhs_number", "nhs_no", "national_id", "codice_fiscale", "fiscal_code",
         "tax_code", "insurance_number", "mrn", "hospital_number",
         "medical_record_number"], "a national or hospital number"),
    **dict.fromkeys(
        ["phone", "phone_number", "telephone", "telefono", "mobile", "email",
         "e_mail"], "contact details"),
}

# Common alternative names of the required columns, for "did you mean" hints.
ALIASES = {
    "id": "patient_id", "patient": "patient_id", "subject_id": "patient_id",
    "ms_type": "subtype", "course": "subtype", "disease_course": "subtype",
    "phenotype": "subtype", "ms_subtype": "subtype",
    "edss": "baseline_edss", "edss_baseline": "baseline_edss",
    "year": "transplant_year", "hsct_year": "transplant_year",
    "follow_up": "followup_years", "followup": "followup_years",
    "dwfs": "dwfs_years", "time_to_worsening": "dwfs_years",
    "event": "worsening", "progression": "worsening",
    "death": "died", "dead": "died", "deceased": "died",
}

# Spellings of "no value" that exports produce; in a required column each is a
# missing value, never a patient's data.
MISSING_TOKENS = frozenset({"", "na", "n/a", "#n/a", "nan", "null", "none", "."})
NUMBER_PATTERN = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
INTEGER_PATTERN = r"[+-]?\d+"
DECIMAL_COMMA_PATTERN = r"[+-]?\d+,\d+"


def normalised_name(name: str) -> str:
    """Header name in lower case with every run of non-alphanumerics as ``_``."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


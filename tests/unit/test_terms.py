"""Tests of hsct_ms.terms: the shared terms, against the paper's definitions.

Oracle: Boffa et al. 2021 (abstract): progressive MS is SPMS plus PPMS; 122 + 86 + 2 patients."""

import pandas as pd
import pytest

from hsct_ms import terms


@pytest.fixture
def patients():
    return pd.DataFrame({"subtype": ["RRMS", "SPMS", "PPMS", "RRMS", "SPMS"]})


def test_progressive_is_spms_plus_ppms(patients):
    assert terms.progressive_mask(patients).tolist() == [False, True, True, False, True]


def test_group_members_in_order_and_without_empty_groups(patients):
    members = terms.group_members(patients)
    assert list(members) == list(terms.SURVIVAL_GROUPS)
    assert [len(members[g]) for g in members] == [5, 2, 3, 2]
    only_rrms = patients[patients["subtype"] == "RRMS"]
    assert list(terms.group_members(only_rrms)) == [terms.ALL, terms.RRMS]
    assert list(terms.group_members(only_rrms, keep_empty=True)) == list(terms.SURVIVAL_GROUPS)


def test_unknown_group_is_refused(patients):
    with pytest.raises(KeyError, match="unknown group"):
        terms.group_mask(patients, "CIS")


def test_published_group_names_round_trip():
    assert terms.PUBLISHED_GROUP[terms.PROGRESSIVE] == "progressive"
    assert all(terms.GROUP_OF_PUBLISHED[v] == k for k, v in terms.PUBLISHED_GROUP.items())


def test_tolerances():
    assert terms.tolerance("dwfs", "estimate") == 0.5
    assert terms.tolerance("dwfs", "ci_lower") == terms.tolerance("dwfs", "ci_upper") == 1.5
    assert terms.tolerance("patients", "count") == 0.0


def test_three_tiers_and_wording():
    assert [t.key for t in terms.TIERS] == ["published", "derived", "cohort"]
    assert [t.number for t in terms.TIERS] == [1, 2, 3]
    assert terms.comparison_verb(True) == "matches by construction"
    assert terms.comparison_verb(False) == "compares with"
    assert "reconstructed" in terms.cohort_phrase(True)
    assert "reproduce" not in terms.comparison_verb(True) + terms.cohort_phrase(True)

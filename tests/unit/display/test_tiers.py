"""Tier legend (oracle: the tier definitions in hsct_ms.terms.TIERS, and the wording of issue 9)."""

from hsct_ms import terms
from hsct_ms.display.tiers import tier_legend


def test_one_row_per_tier_in_order_with_terms_names():
    legend = tier_legend(True)
    assert legend.name == "tbl-index-tiers"
    assert list(legend.frame["Tier"]) == [str(t.number) for t in terms.TIERS]
    assert list(legend.frame["Badge"]) == [t.name for t in terms.TIERS]
    assert list(legend.frame["Meaning"]) == [t.meaning for t in terms.TIERS]


def test_cohort_tier_is_never_a_finding_on_the_shipped_reconstruction():
    row = tier_legend(True).frame.set_index("Badge").loc[terms.TIER["cohort"].name]
    assert "never a finding about the study" in row["On this build"]
    assert "matched by construction" in row["On this build"]
    assert "ensemble" in row["On this build"]


def test_cohort_tier_is_a_real_analysis_on_a_user_cohort():
    legend = tier_legend(False)
    row = legend.frame.set_index("Badge").loc[terms.TIER["cohort"].name]
    assert "real analysis" in row["On this build"]
    assert "user's cohort" in legend.caption


def test_published_and_derived_do_not_depend_on_the_build():
    shipped, user = tier_legend(True).frame, tier_legend(False).frame
    assert list(shipped["On this build"][:2]) == list(user["On this build"][:2])


def test_renders_as_numbered_myst_table():
    markdown = tier_legend(True)._repr_mimebundle_()["text/markdown"]
    assert ":name: tbl-index-tiers" in markdown

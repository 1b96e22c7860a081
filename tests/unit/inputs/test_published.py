"""Tests of the published values in data/published/ and their loaders.

Oracles are named on each test: the Boffa 2021 abstract and the AAN press release as
listed in published-facts.md (values transcribed into this file, so the tests do not
need that file), arithmetic between independently published numbers, the BibTeX
file, and the checksums recorded in data/published/README.md.
"""

import hashlib
import re

import pytest
from pybtex.database import parse_file

from hsct_ms.paths import PUBLISHED_DIR, REPO_ROOT
from hsct_ms.inputs.published import (
    load_studies,
    load_unknowns,
    load_values,
    published_table,
    value,
)

# oracle: abstract [ABS], as listed in published-facts.md
ABSTRACT = {
    "boffa2021_patients_all_count": 210,
    "boffa2021_patients_rrms_count": 122,
    "boffa2021_patients_rrms_percent": 58,
    "boffa2021_baseline_edss_all_median": 6,
    "boffa2021_baseline_edss_all_min": 1,
    "boffa2021_baseline_edss_all_max": 9,
    "boffa2021_followup_all_mean": 6.2,
    "boffa2021_followup_all_sd": 5.0,
    "boffa2021_dwfs_rrms_5y_estimate": 85.5,
    "boffa2021_dwfs_rrms_5y_ci_lower": 76.9,
    "boffa2021_dwfs_rrms_5y_ci_upper": 94.1,
    "boffa2021_dwfs_rrms_10y_estimate": 71.3,
    "boffa2021_dwfs_rrms_10y_ci_lower": 57.8,
    "boffa2021_dwfs_rrms_10y_ci_upper": 84.8,
    "boffa2021_dwfs_progressive_5y_estimate": 71.0,
    "boffa2021_dwfs_progressive_5y_ci_lower": 59.4,
    "boffa2021_dwfs_progressive_5y_ci_upper": 82.6,
    "boffa2021_dwfs_progressive_10y_estimate": 57.2,
    "boffa2021_dwfs_progressive_10y_ci_lower": 41.8,
    "boffa2021_dwfs_progressive_10y_ci_upper": 72.7,
    "boffa2021_edss_change_rate_rrms_estimate": -0.09,
    "boffa2021_edss_change_rate_rrms_ci_lower": -0.15,
    "boffa2021_edss_change_rate_rrms_ci_upper": -0.04,
    "boffa2021_edss_change_rate_rrms_p_value": 0.001,
    "boffa2021_neda3_failure_hr_rrms_hazard_ratio": 0.27,
    "boffa2021_neda3_failure_hr_rrms_ci_lower": 0.14,
    "boffa2021_neda3_failure_hr_rrms_ci_upper": 0.50,
    "boffa2021_early_deaths_all_count": 3,
    "boffa2021_early_deaths_all_percent": 1.4,
    "boffa2021_early_deaths_after_2007_count": 0,
}

# oracle: press release [PR], as listed in published-facts.md
PRESS_RELEASE = {
    "boffa2021_patients_spms_count": 86,
    "boffa2021_patients_ppms_count": 2,
    "boffa2021_transplant_year_all_year_min": 1997,
    "boffa2021_transplant_year_all_year_max": 2019,
    "boffa2021_age_all_mean": 35,
    "pr_dwfs_all_5y_estimate": 80,
    "pr_dwfs_all_10y_estimate": 66,
}

# oracle: peer and comparator tables of published-facts.md
PEERS = {
    "burt2019_patients_all_count": 110,
    "burt2019_progression_hsct_arm_count": 3,
    "burt2019_progression_dmt_arm_count": 34,
    "burt2019_progression_hr_hsct_vs_dmt_hazard_ratio": 0.07,
    "burt2019_time_to_progression_dmt_arm_median": 2.0,  # 24 months
    "muraro2017_pfs_all_5y_estimate": 46,
    "sormani2017_progression_pooled_5y_ci_upper": 31.8,
    "nash2017_pfs_rrms_5y_estimate": 91.3,
    "atkins2016_activity_free_survival_all_3y_estimate": 69.6,
    "silfverberg2024_neda_rrms_10y_estimate": 65,
    "boffa2023_patients_dmt_arm_count": 1975,
    "cree2016_edss_stable_or_improved_all_percent": 41,
    "tremlett2008_spms_conversion_relapsing_onset_percent": 58.2,
}

DWFS_GROUPS = [("rrms", 5), ("rrms", 10), ("progressive", 5), ("progressive", 10)]
STUDIES_WITHOUT_DOI = {"boffa2023"}  # published-facts.md gives volume and page only


@pytest.fixture(scope="module")
def values():
    return load_values()


@pytest.mark.parametrize(("key", "published"), sorted({**ABSTRACT, **PRESS_RELEASE, **PEERS}.items()))
def test_value_matches_published_record(key, published):
    """Oracle: abstract / press release / peer tables, transcribed above."""
    assert value(key) == pytest.approx(published, abs=1e-12)


def test_abstract_and_press_release_rows_say_so(values):
    """Oracle: published-facts.md source column ([ABS] vs [PR])."""
    source = values.set_index("key")["source"]
    assert {source[key] for key in ABSTRACT} == {"abstract"}
    assert {source[key] for key in PRESS_RELEASE} == {"press release"}


def test_published_cohort_counts_agree_with_each_other():
    """Oracle: arithmetic between numbers published separately (ABS and PR)."""
    n = value("boffa2021_patients_all_count")
    subtypes = sum(value(f"boffa2021_patients_{s}_count") for s in ("rrms", "spms", "ppms"))
    assert subtypes == n
    assert round(100 * value("boffa2021_patients_rrms_count") / n) == value("boffa2021_patients_rrms_percent")
    assert round(100 * value("boffa2021_early_deaths_all_count") / n, 1) == value(
        "boffa2021_early_deaths_all_percent"
    )


@pytest.mark.parametrize(("group", "years"), DWFS_GROUPS)
def test_published_dwfs_intervals_are_symmetric(group, years):
    """Oracle: the abstract; symmetry is why the book uses the plain Greenwood interval."""
    stem = f"boffa2021_dwfs_{group}_{years}y"
    estimate, lower, upper = (value(f"{stem}_{kind}") for kind in ("estimate", "ci_lower", "ci_upper"))
    assert estimate - lower == pytest.approx(upper - estimate, abs=0.1 + 1e-9)


def test_every_interval_brackets_its_estimate(values):
    """Invariant: lower <= estimate <= upper for every interval in the file."""
    point_kinds = {"estimate", "hazard_ratio"}
    keyed = values.set_index("key")["value"]
    checked = 0
    for key in values.loc[values["kind"] == "ci_lower", "key"]:
        stem = key.removesuffix("_ci_lower")
        estimate_key = next(f"{stem}_{kind}" for kind in point_kinds if f"{stem}_{kind}" in keyed)
        assert keyed[f"{stem}_ci_lower"] <= keyed[estimate_key] <= keyed[f"{stem}_ci_upper"], stem
        checked += 1
    assert checked == (values["kind"] == "ci_upper").sum() == 16


def test_interval_rows_carry_their_level(values):
    """Oracle: published-facts.md CI types (HALT-MS 90%, every other interval 95%)."""
    bounds = values[values["kind"].isin(["ci_lower", "ci_upper"])]
    levels = bounds.groupby("study")["ci_level"].unique().map(lambda levels: sorted(levels))
    assert levels["nash2017"] == [0.90]
    assert all(levels[study] == [0.95] for study in levels.index if study != "nash2017")


def test_bounds_are_stored_as_bounds(values):
    """Oracle: 'p < 0.001' (ABS) and 'more than half' (PR) are inequalities, not values."""
    relation = values.set_index("key")["relation"]
    assert relation["boffa2021_neda3_failure_hr_rrms_p_value"] == "<"
    assert relation["pr_disability_worsening_on_dmt_10y_percent"] == ">"
    assert (values["relation"] != "=").sum() == 2
    with pytest.raises(ValueError, match="allow_bound=True"):
        value("boffa2021_neda3_failure_hr_rrms_p_value")
    assert value("boffa2021_neda3_failure_hr_rrms_p_value", allow_bound=True) == 0.001


def test_percentages_are_percent_numbers(values):
    """Convention: 85.5 means 85.5 %, never 0.855."""
    percent = values.loc[values["unit"] == "percent", "value"]
    assert percent.between(0, 100).all()
    assert value("boffa2021_dwfs_rrms_5y_estimate") > 1


def test_keys_name_study_and_kind(values):
    """Convention: keys are {study}_..._{kind}, press-release keys start with pr_."""
    for row in values.itertuples():
        prefix = "pr_" if row.source == "press release" and row.key.startswith("pr_") else f"{row.study}_"
        assert row.key.startswith(prefix), row.key
        assert row.key.endswith(f"_{row.kind}"), row.key


def test_unknown_key_error_lists_close_keys():
    with pytest.raises(KeyError, match="boffa2021_dwfs_rrms_5y_estimate"):
        value("boffa2021_dwfs_rrms_5y_estimat")


def test_every_study_has_a_bib_entry_with_its_doi():
    """Oracle: references.bib; DOIs in studies.csv and the bibliography agree."""
    bibliography = parse_file(REPO_ROOT / "references.bib").entries
    studies = load_studies()
    for study in studies.itertuples():
        assert study.key in bibliography, study.key
        bib_doi = bibliography[study.key].fields.get("doi", "")
        assert bib_doi == study.doi, study.key
        if study.key not in STUDIES_WITHOUT_DOI:
            assert re.fullmatch(r"10\.\d{4,}/\S+", bib_doi), study.key
    assert set(studies.loc[studies["doi"] == "", "key"]) == STUDIES_WITHOUT_DOI
    for key in ("aan2021press", "davidsonpilon2019", "therneau_survival", "greenwood1926", "kaplan1958"):
        assert key in bibliography, key


def test_studies_roles():
    """Oracle: published-facts.md (one study reproduced, peers, comparators)."""
    studies = load_studies().set_index("key")
    assert list(studies.index[studies["role"] == "this_study"]) == ["boffa2021"]
    assert set(studies.index[studies["role"] == "comparator"]) == {"cree2016", "tremlett2008"}
    assert studies.loc["boffa2021", "n"] == value("boffa2021_patients_all_count")


def test_unknowns_cover_the_unknown_list():
    """Oracle: the UNKNOWN list of published-facts.md, transcribed here."""
    items = set(load_unknowns()["item"])
    for item in (
        "sex split",
        "disease duration",
        "relapses before transplant",
        "prior treatments",
        "MRI activity at baseline",
        "conditioning regimen counts",
        "follow-up median and range",
        "age at transplant per subtype",
        "baseline EDSS per subtype",
        "follow-up per subtype",
        "confirmation rule for EDSS worsening",
        "age at transplant SD",
        "age at transplant range",
    ):
        assert item in items, item


def test_published_table_for_readers():
    table = published_table("boffa2021")
    assert list(table.columns) == ["key", "quantity", "group", "time", "kind", "value", "unit", "source", "note"]
    shown = table.set_index("key")["value"]
    assert shown["boffa2021_neda3_failure_hr_rrms_p_value"] == "< 0.001"
    assert shown["boffa2021_neda3_failure_hr_rrms_ci_upper"] == "0.50"  # digits as published
    assert set(table["key"]) >= set(ABSTRACT) | set(PRESS_RELEASE)
    with pytest.raises(KeyError, match="boffa2021"):
        published_table("boffa2012")


def test_checksums_in_readme_match_files():
    """Oracle: the sha256 sums recorded in data/published/README.md."""
    readme = (PUBLISHED_DIR / "README.md").read_text(encoding="utf-8")
    checksums = readme.split("## Checksums", 1)[1]
    recorded = dict(
        (name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", checksums, flags=re.MULTILINE)
    )
    assert set(recorded) == {"values.csv", "studies.csv", "unknowns.csv", "claims.csv"}
    for name, digest in recorded.items():
        assert hashlib.sha256((PUBLISHED_DIR / name).read_bytes()).hexdigest() == digest, name


# --- Boffa 2021 look-ups used by the reconstruction and the chapters ---------------


def test_cohort_and_subtype_lookups_match_the_abstract_and_press_release():
    """Oracle: abstract and press release, as transcribed at the top of this file."""
    from hsct_ms.inputs.published import cohort_value, subtype_count, subtype_count_source

    assert cohort_value("patients", "count") == ABSTRACT["boffa2021_patients_all_count"]
    assert cohort_value("followup", "mean") == ABSTRACT["boffa2021_followup_all_mean"]
    assert cohort_value("followup", "sd") == ABSTRACT["boffa2021_followup_all_sd"]
    assert cohort_value("baseline_edss", "median") == ABSTRACT["boffa2021_baseline_edss_all_median"]
    assert cohort_value("early_deaths", "count") == ABSTRACT["boffa2021_early_deaths_all_count"]
    assert cohort_value("age", "mean") == PRESS_RELEASE["boffa2021_age_all_mean"]
    assert cohort_value("transplant_year", "year_min") == PRESS_RELEASE["boffa2021_transplant_year_all_year_min"]
    assert [subtype_count(s) for s in ("RRMS", "SPMS", "PPMS")] == [122, 86, 2]
    assert [subtype_count_source(s) for s in ("RRMS", "SPMS", "PPMS")] == ["abstract", "press release", "press release"]
    with pytest.raises(KeyError, match="followup"):
        cohort_value("followup", "median")  # UNKNOWN: not published


def test_dwfs_lookups_and_points_match_the_abstract():
    """Oracle: abstract (RRMS, progressive) and press release (whole cohort, no interval)."""
    from hsct_ms.inputs.published import dwfs_points, dwfs_value

    for group, years in DWFS_GROUPS:
        for kind in ("estimate", "ci_lower", "ci_upper"):
            assert dwfs_value(group.replace("rrms", "RRMS"), years, kind) == ABSTRACT[
                f"boffa2021_dwfs_{group}_{years}y_{kind}"
            ]
    assert dwfs_value("all", 5) == 80 and dwfs_value("all", 10) == 66
    with pytest.raises(KeyError):
        dwfs_value("all", 5, "ci_lower")  # the press release gives no interval
    points = dwfs_points()
    assert list(points.columns) == ["group", "time", "estimate", "lower", "upper"]
    assert len(points) == 4
    assert points["estimate"].tolist() == pytest.approx([0.855, 0.713, 0.710, 0.572])
    assert (points["lower"] < points["estimate"]).all() and (points["estimate"] < points["upper"]).all()

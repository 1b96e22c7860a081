"""make bench's description of the cohorts it builds on.

Oracle: a hand-made four-patient cohort whose event months are counted by hand.
"""

import pandas as pd

from hsct_ms.build import bench


def test_describe_cohort_counts_months_with_a_worsening():
    frame = pd.DataFrame({
        "subtype": ["RRMS", "RRMS", "SPMS", "PPMS"],
        "transplant_year": [2001, 2010, 2005, 2019],
        # months 0 and 0 (same month, distinct times), 13; follow-up spans months 0..24
        "dwfs_years": [0.01, 0.05, 1.1, 2.0],
        "followup_years": [0.5, 1.0, 2.0, 2.0],
        "worsening": [1, 1, 1, 0],
        "died": [0, 1, 0, 0],
    })
    assert bench.describe_cohort(frame) == (
        "RRMS 2, SPMS 1, PPMS 1; transplants 2001-2019; 1 deaths; 3 worsenings at 3 distinct times, "
        "in 2 of the 25 months of follow-up")


# The visits build. Oracles: driver output written by hand (the seconds to find are
# known), measurements invented for the report (every one must appear in its column),
# and os.environ before and after.

def test_derivation_seconds_reads_only_the_lines_about_deriving():
    output = ("make book: building on cohort.csv\n"
              "deriving EDSS events (6-month confirmation) [#####.....] 5000/10000 patients\r"
              "deriving EDSS events (6-month confirmation) [##########] 10000/10000 patients\n"
              "make book: EDSS events of 10000 patients under 6 rules: 6 derived, 0 read from the "
              "cache, in 131.5 s (/tmp/hsct-bench-x12s/visits/_build/.disability_cache)\n"
              "make book: built 9 pages in 170.2 s into _build/html\n")
    assert bench.derivation_seconds(output) == 131.5
    assert bench.derivation_seconds("make book: built 9 pages in 22.0 s\n") is None
    # One line per rule: the times add up.
    assert bench.derivation_seconds("derived rule 1 in 2.5 s\nderived rule 2 in 3 s\n") == 5.5


def test_environment_sets_unsets_and_restores(monkeypatch):
    import os

    monkeypatch.setenv("VISITS_CSV", "user.csv")
    monkeypatch.delenv("RELAPSES_CSV", raising=False)
    monkeypatch.setenv("HSCT_MS_MIN_COUNT", "10")
    with bench.environment(**bench.builds_env()):
        assert "VISITS_CSV" not in os.environ and "RELAPSES_CSV" not in os.environ
        assert os.environ["HSCT_MS_MIN_COUNT"] == "10"  # the rest is left alone
    with bench.environment(**bench.builds_env("bench_visits.csv")):
        assert os.environ["VISITS_CSV"] == "bench_visits.csv"
    assert os.environ["VISITS_CSV"] == "user.csv" and "RELAPSES_CSV" not in os.environ


def _measured(label, clean, **extra):
    return {"label": label, "clean_s": clean, "rebuild_s": 0.25, "site_bytes": 11_200_000,
            "largest_page": "chapters/outcomes.html", "largest_page_bytes": 234_000,
            "execution_s": {"chapters/cohort": 2.0, "chapters/disability": 7.4}, **extra}


def test_report_has_a_column_for_the_visits_build():
    floor = {"render_s": 12.0, "kernels_s": 5.0, "floor_s": 17.0}
    small = _measured("210 patients", 22.5, derive_s=1.9, **floor)
    large = _measured("100,000 patients", 24.0, derive_s=None, **floor)
    visits = _measured("10,000 + visits", 201.3, cached_clean_s=48.7, derive_s=140.2, cached_derive_s=None,
                       execution_s={"chapters/cohort": 3.1, "chapters/disability": 151.9})
    text, flat = bench.report(small, large, visits)
    assert flat
    lines = {line[:36].strip(): line[36:].split() for line in text.splitlines()[2:]}
    assert lines["clean build (s)"] == ["22.5", "24.0", "201.3"]
    assert lines["deriving EDSS events (s, driver)"] == ["1.9", "-", "140.2"]
    assert lines["clean build, events cached (s)"] == ["-", "-", "48.7"]
    assert lines["reading them back (s, driver)"] == ["-", "-", "-"]
    assert lines["clean minus events cached (s)"] == ["-", "-", "152.6"]
    assert lines["execute disability (s)"] == ["7.4", "7.4", "151.9"]
    assert lines["clean build / floor"] == ["1.32", "1.41", "-"]
    # Without a time from the driver the row is left out; the visits part alone: no floor
    # rows, no flatness verdict.
    small["derive_s"] = None
    assert "deriving" not in bench.report(small, large)[0]
    text, flat = bench.report(None, None, visits)
    assert flat and "floor" not in text and "ratio" not in text and "201.3" in text

"""The Kaplan-Meier figure to the reporting standard of Pocock, Clayton & Altman (2002).

Oracles: hand-computed numbers at risk of small cohorts (the faint cut at fewer than
10 at risk), hsct_ms.stats.at_risk_table and hsct_ms.stats.survival_at (themselves
checked against R survfit) for the chart data, hsct_ms.terms for the default groups,
and the figure's own published spec for what reaches the page (tooltips, at-risk
table, legend, font sizes)."""

import json

import numpy as np
import pandas as pd
import pytest

from hsct_ms import stats, terms
from hsct_ms.display import charts, km_figure
from hsct_ms.inputs import cohort
from hsct_ms.inputs.cohort_schema import max_followup_years


@pytest.fixture(scope="module")
def frames():
    return terms.group_members(cohort.load_cohort())


@pytest.fixture(scope="module")
def spec(frames):
    return charts.figure(km_figure.km_figure(frames), alt_text="test").spec


def _dataset(spec, column):
    """The published data rows of the dataset that has ``column``."""
    (rows,) = [rows for rows in spec["datasets"].values() if column in rows[0]]
    return pd.DataFrame(rows)


def _layers(spec):
    """Every unit view of the spec (layers flattened)."""
    stack, units = list(spec["vconcat"]), []
    while stack:
        view = stack.pop()
        stack += view.get("layer", [])
        if "mark" in view:
            units.append(view)
    return units


def _ten_to_twelve_patients():
    # 12 patients censored at 1, 2, ..., 12 years, 2 events at 0.5 and 1.5 years:
    # 12 at risk at time 0 ... at 3 years exactly 10 remain (3..12), at 3 + 1 month 9.
    durations = [0.5, 1.5] + list(range(3, 13))
    events = [1, 1] + [0] * 10
    return {terms.RRMS: pd.DataFrame({"dwfs_years": np.array(durations, float), "worsening": events})}


# --------------------------------------------------------------------------- spec basics

def test_building_twice_gives_the_same_spec(frames):
    first = km_figure.km_figure(frames).to_dict()
    second = km_figure.km_figure(frames).to_dict()
    assert first == second
    text = json.dumps(first)
    assert "param_" not in text and "view_" not in text  # no Altair counters


def test_legend_parameter_is_named_bound_to_the_legend_and_toggles(spec):
    params = {p["name"]: p for p in spec["params"]}
    assert km_figure.LEGEND_PARAM == "group_pick"
    pick = params["group_pick"]
    assert pick["bind"] == "legend"
    assert pick["views"] == ["km_curves"]
    assert pick["select"]["toggle"] == "true"  # each click adds or removes one group


# --------------------------------------------------------------------------- default groups

def test_default_view_draws_the_papers_two_groups_only(spec, frames):
    pick = {p["name"]: p for p in spec["params"]}["group_pick"]
    assert [v["group"] for v in pick["value"]] == list(terms.COMPARED_GROUPS)
    # the other groups stay available: in the data and in the legend's colour domain
    assert set(_dataset(spec, "survival")["group"]) == set(frames) == set(terms.SURVIVAL_GROUPS)
    # an empty selection hides everything rather than drawing every group on top
    assert '"empty": false' in json.dumps(spec)


def test_default_groups_fall_back_to_every_group_without_the_compared_ones():
    assert km_figure.default_groups(terms.SURVIVAL_GROUPS) == list(terms.COMPARED_GROUPS)
    assert km_figure.default_groups([terms.ALL, terms.SPMS]) == [terms.ALL, terms.SPMS]


def test_shown_keyword_overrides_the_default(frames):
    chart = km_figure.km_figure(frames, shown=[terms.ALL]).to_dict()
    assert chart["params"][0]["value"] == [{"group": terms.ALL}]


# --------------------------------------------------------------------------- fewer than 10 at risk

def test_curve_turns_faint_from_the_first_month_with_fewer_than_10_at_risk():
    curve = km_figure.figure_data(_ten_to_twelve_patients())["curve"]
    faint_from = curve.loc[~curve["reliable"], "time"].min()
    assert km_figure.MIN_AT_RISK == 10
    assert faint_from == pytest.approx(3 + 1 / 12)  # hand count: 10 at risk at 3 years, 9 after
    assert curve.loc[curve["time"] == 3.0, "at_risk_label"].item() == "10"
    # reliable rows are one block from time 0: the curve never turns solid again
    assert curve["reliable"].tolist() == sorted(curve["reliable"].tolist(), reverse=True)


def test_faint_threshold_is_configurable():
    frames = _ten_to_twelve_patients()
    curve = km_figure.figure_data(frames, min_at_risk=12)["curve"]
    # hand count: 12 at risk up to 0.5 years, 11 after the first event's month
    assert curve.loc[~curve["reliable"], "time"].min() == pytest.approx(7 / 12)
    chart = json.dumps(km_figure.km_figure(frames, min_at_risk=12).to_dict())
    assert "under 12 at risk" in chart and "under 10" not in chart


def test_faint_rows_equal_at_risk_below_threshold_on_the_shipped_cohort(frames):
    curve = km_figure.figure_data(frames)["curve"]
    at_risk = curve["at_risk_label"].astype(int)
    assert (curve["reliable"] == (at_risk >= km_figure.MIN_AT_RISK)).all()
    assert (~curve["reliable"]).any() and curve["reliable"].any()


def test_band_and_solid_line_are_drawn_on_reliable_rows_only(spec):
    units = _layers(spec)
    band = [u for u in units if u["mark"]["type"] == "area"]
    lines = [u for u in units if u["mark"]["type"] == "line"]
    assert len(band) == 1 and len(lines) == 2
    assert {"filter": "datum.reliable || datum.prev_reliable"} in band[0]["transform"]
    solid = [u for u in lines if {"filter": "datum.reliable"} in u.get("transform", [])]
    assert len(solid) == 1
    text = json.dumps(spec)
    solid_name, faint_name = km_figure.tail_names()
    assert solid_name in text and faint_name in text  # the note, as legend entries


def test_privacy_cut_still_stops_curves_below_min_count(frames):
    data = km_figure.figure_data(frames, min_count=5)
    assert (data["curve"]["at_risk_label"].str.isdigit()).all()
    assert (data["curve"]["at_risk_label"].astype(int) >= 5).all()
    assert "<5" in set(data["at_risk"]["at_risk_label"])


# --------------------------------------------------------------------------- at risk: one source

def test_at_risk_rows_match_at_risk_table(frames):
    rows = km_figure.at_risk_rows(frames)
    assert list(dict.fromkeys(rows["group"])) == list(frames)
    for label, frame in frames.items():
        expected = stats.at_risk_table(frame["dwfs_years"], np.full(len(frame), label),
                                       km_figure.AT_RISK_TIMES).loc[label]
        got = rows[rows["group"] == label].set_index("time")["at_risk"]
        assert got.tolist() == expected.tolist()
        assert got.index.tolist() == [float(t) for t in km_figure.AT_RISK_TIMES]


def test_tooltip_and_at_risk_table_agree_in_the_published_spec(spec, frames):
    tooltip = _dataset(spec, "survival").set_index(["group", "time"])["at_risk_label"]
    (table,) = [pd.DataFrame(rows) for rows in spec["datasets"].values() if "survival" not in rows[0]]
    table = table.set_index(["group", "time"])["at_risk_label"]
    shared = table.index.intersection(tooltip.index)
    # every table time within a group's follow-up has a tooltip row at that exact time
    assert len(shared) >= len(frames) * 8
    assert (tooltip.loc[shared] == table.loc[shared]).all()
    hover = [u for u in _layers(spec) if u["mark"]["type"] == "point"][0]
    assert {"field": "at_risk_label", "type": "nominal", "title": "At risk"} in hover["encoding"]["tooltip"]


def test_curve_on_grid_equals_survival_at_the_month_grid(frames):
    frame = frames[terms.PROGRESSIVE]
    t, e = frame["dwfs_years"].to_numpy(float), frame["worsening"].to_numpy(int)
    grid = km_figure.curve_on_grid(t, e)
    exact = stats.survival_at(t, e, grid["time"])
    assert grid["survival"].to_numpy() == pytest.approx(exact["survival"].to_numpy())
    assert grid["lower"].to_numpy() == pytest.approx(exact["lower"].to_numpy())
    assert grid["censored"].sum() == int((e == 0).sum())


def test_censoring_marks_count_every_censoring_once():
    t = [0.01, 0.02, 0.5, 1.0, 1.0, 2.0]
    e = [0, 0, 1, 0, 1, 0]
    marks = km_figure.censoring_marks(t, e)
    assert marks["time"].tolist() == pytest.approx([1 / 12, 1.0, 2.0])
    assert marks["censored"].tolist() == [2, 1, 1]
    assert marks["censored"].sum() == 6 - sum(e)
    # the tick sits on the curve at its month
    assert marks["survival"].tolist() == pytest.approx(stats.km_at(t, e, marks["time"])[0].tolist())


# --------------------------------------------------------------------------- size of the data

def test_chart_data_are_bounded_by_the_month_grid(frames):
    fig = charts.figure(km_figure.km_figure(frames), alt_text="test")
    months = sum(int(np.ceil(f["dwfs_years"].max() * 12 - 1e-9)) + 1 for f in frames.values())
    times = km_figure.at_risk_grid(max(f["dwfs_years"].max() for f in frames.values()))
    assert fig.data_rows == months + len(frames) * len(times)


def test_chart_rows_stay_the_same_for_a_hundredfold_cohort(frames):
    big = {label: pd.concat([frame] * 100, ignore_index=True) for label, frame in frames.items()}
    fig = charts.figure(km_figure.km_figure(big), alt_text="test")
    assert fig.data_rows <= fig.row_bound == km_figure.row_bound(len(big))
    # rows follow distinct months, not patients (at the same at-risk times: by default
    # 5-digit counts get fewer of them)
    same_times = {"at_risk_times": km_figure.AT_RISK_TIMES}
    big = charts.figure(km_figure.km_figure(big, **same_times), alt_text="test")
    small = charts.figure(km_figure.km_figure(frames, **same_times), alt_text="test")
    assert big.data_rows == small.data_rows


def worst_case_frames(n_groups=4, per_month=3, seed=1):
    """Groups with events and censorings in every month of the longest follow-up the
    validator accepts, at distinct times (the most distinct event times a grid can hold)."""
    rng = np.random.default_rng(seed)
    months = int(round(max_followup_years() * 12))
    frames = {}
    for g, label in enumerate(["All", "RRMS", "Progressive", "SPMS"][:n_groups]):
        t = (np.repeat(np.arange(months), per_month) + rng.uniform(0.01, 0.99, months * per_month)) / 12
        t = np.append(t, float(max_followup_years()))  # one patient to the very end
        e = (rng.uniform(size=t.size) < 0.5).astype(int)
        frames[label] = pd.DataFrame({"dwfs_years": t, "worsening": e})
    return frames


def test_worst_case_cohort_stays_within_the_grid_bound():
    # Oracle: the bound computed from the grid (groups x months of the longest accepted
    # follow-up + groups x at-risk times + published points); a cohort with events in
    # every month up to that follow-up reaches it exactly, and the curve at each month
    # is the exact estimate (stats.survival_at), so the grid moves no value.
    frames = worst_case_frames()
    assert sum(len(f) for f in frames.values()) > 4 * 12 * max_followup_years()
    published = pd.DataFrame({"group": ["RRMS"], "time": [5.0], "estimate": [0.8], "lower": [0.7],
                              "upper": [0.9]})
    fig = charts.figure(km_figure.km_figure(frames, published=published), alt_text="test")
    assert fig.row_bound == km_figure.row_bound(4, km_figure.MAX_AT_RISK_TIMES, 1)
    # the at-risk grid of the longest follow-up has fewer times than the bound allows
    times = km_figure.at_risk_grid(max_followup_years())
    assert fig.data_rows == fig.row_bound - 4 * (km_figure.MAX_AT_RISK_TIMES - len(times))
    # ... and the most times a caller may pass reach it exactly
    most = [float(t) for t in range(km_figure.MAX_AT_RISK_TIMES)]
    full = charts.figure(km_figure.km_figure(frames, published=published, at_risk_times=most), alt_text="test")
    assert full.data_rows == full.row_bound
    frame = frames["RRMS"]
    curve = km_figure.curve_on_grid(frame["dwfs_years"], frame["worsening"])
    exact = stats.survival_at(frame["dwfs_years"], frame["worsening"], curve["time"])["survival"]
    assert curve["survival"].to_numpy() == pytest.approx(exact.to_numpy(), abs=1e-12)
    assert curve["censored"].sum() == (frame["worsening"] == 0).sum()


def test_row_bound_follows_the_grid():
    per_group = int(round(max_followup_years() * 12)) + 1
    assert km_figure.row_bound(2, 11, 4) == 2 * (per_group + 11) + 4


# --------------------------------------------------------------------------- reading it

def test_band_is_named_in_the_legend(spec):
    assert km_figure.band_name() == "plain Greenwood 95% interval"
    band = [u for u in _layers(spec) if u["mark"]["type"] == "area"][0]
    assert {"calculate": json.dumps(km_figure.band_name()), "as": "band"} in band["transform"]
    assert band["encoding"]["opacity"]["legend"]["title"] == "Shaded band"


def test_each_group_has_its_own_line_style(spec, frames):
    lines = [u for u in _layers(spec) if u["mark"]["type"] == "line"]
    dash = lines[0]["encoding"]["strokeDash"]
    assert dash["field"] == "group"
    styles = [tuple(d) for d in dash["scale"]["range"]]
    assert len(set(styles)) == len(frames)


def test_text_is_legible(spec):
    config = spec["config"]
    assert config["axis"]["labelFontSize"] >= 12 and config["axis"]["titleFontSize"] >= 12
    assert config["legend"]["labelFontSize"] >= 12 and config["legend"]["titleFontSize"] >= 12
    table = [u for u in _layers(spec) if u["mark"]["type"] == "text"][0]
    assert table["mark"]["fontSize"] >= 11


def test_group_names_come_from_terms(spec):
    text = json.dumps(spec)
    for group in terms.SURVIVAL_GROUPS:
        assert json.dumps(km_figure.group_name(group))[1:-1] in text
    assert km_figure.group_name(terms.ALL) == "Whole cohort"
    assert km_figure.group_name(terms.PROGRESSIVE, short=True) == terms.PROGRESSIVE


def test_groups_smaller_than_the_threshold_give_a_figure_without_curves():
    # Found by the generated cohorts (tests/unit/properties): with every group below the
    # small-count threshold every curve is withheld, and the axis used to be NaN.
    frames = {"RRMS": pd.DataFrame({"dwfs_years": [1.0, 2.5, 4.0], "worsening": [1, 0, 0]}),
              "Progressive": pd.DataFrame({"dwfs_years": [0.5, 3.0], "worsening": [1, 0]})}
    fig = charts.figure(km_figure.km_figure(frames, min_count=5), alt_text="test")
    datasets = list(fig.spec["datasets"].values())
    assert [] in datasets and not any("survival" in row for rows in datasets for row in rows)
    (at_risk,) = [pd.DataFrame(rows) for rows in datasets if rows]
    assert (at_risk.loc[at_risk["time"] == 0, "at_risk_label"] == "<5").all()
    assert "NaN" not in json.dumps(fig.spec)


# --------------------------------------------------------------------------- ggsurvplot standard

def test_thinned_marks_keep_sparse_censorings_and_space_dense_ones():
    # Oracle: hand-worked greedy choice. Sparse months (0, 7, 20) are all kept; in a run
    # of every month 30..45 a tick every 6 months (30, 36, 42); 47 is 5 months after 42.
    months = [0, 7, 20, *range(30, 46), 47, 49]
    kept = np.asarray(months)[km_figure.thinned_marks(months, gap=6)].tolist()
    assert kept == [0, 7, 20, 30, 36, 42, 49]
    assert km_figure.thinned_marks(months, gap=1).all()
    assert km_figure.thinned_marks([], gap=6).size == 0


def test_censoring_in_every_month_gives_ticks_a_gap_apart():
    # Oracle: the worst-case cohort is censored in (almost) every month: its ticks are at
    # least CENSOR_MARK_GAP_MONTHS apart, at most one per gap, and only where censored.
    data = km_figure.figure_data(worst_case_frames(n_groups=1))["curve"]
    ticks = np.flatnonzero(data["censor_mark"].to_numpy())
    assert len(ticks) > 20
    assert np.diff(ticks).min() >= km_figure.CENSOR_MARK_GAP_MONTHS
    assert (data.loc[data["censor_mark"], "censored_label"] != "0").all()
    spec = charts.figure(km_figure.km_figure(worst_case_frames(n_groups=1)), alt_text="test").spec
    (tick,) = [u for u in _layers(spec) if u["mark"]["type"] == "tick"]
    assert {"filter": "datum.censor_mark"} in tick["transform"]


def test_at_risk_grid_spans_the_follow_up():
    # Oracle: hand-listed grids; the last time lies within the follow-up.
    assert km_figure.at_risk_grid(20.3) == tuple(float(t) for t in range(0, 21, 2))
    assert km_figure.at_risk_grid(23.0) == tuple(float(t) for t in range(0, 23, 2))
    assert km_figure.at_risk_grid(23.0, max_times=9) == (0.0, 5.0, 10.0, 15.0, 20.0)
    assert km_figure.at_risk_grid(3.2) == (0.0, 1.0, 2.0, 3.0)
    assert len(km_figure.at_risk_grid(max_followup_years())) <= km_figure.MAX_AT_RISK_TIMES


def test_six_digit_counts_get_fewer_columns_and_keep_off_the_group_names():
    # A 100,000-patient group: counts of 6 digits. Oracle: at most 9 at-risk times, and the
    # group names stand at least half the widest count (7.5 px a digit at 12 px) off the axis.
    rng = np.random.default_rng(7)
    t = rng.uniform(0.05, 23.0, 100_000)
    frames = {terms.RRMS: pd.DataFrame({"dwfs_years": t, "worsening": (rng.uniform(size=t.size) < 0.3).astype(int)})}
    spec = charts.figure(km_figure.km_figure(frames), alt_text="test").spec
    (at_risk,) = [u for u in _layers(spec) if u.get("name") == "km_at_risk"]
    times = at_risk["encoding"]["x"]["axis"]["values"]
    assert len(times) <= km_figure.MAX_AT_RISK_TIMES_WIDE_COUNTS and times[-1] >= 20.0
    assert at_risk["encoding"]["y"]["axis"]["labelPadding"] >= 6 * 7.5 / 2 + 6


def test_the_comparison_is_stated_above_the_curves_on_lines_that_fit_a_phone(frames):
    given = ["Log-rank test, RRMS against progressive MS:", "p 0.029 (median; 0.002 to 0.204 over 60 reconstructions)"]
    spec = charts.figure(km_figure.km_figure(frames, comparison=given), alt_text="test").spec
    lines = spec["vconcat"][0]["title"]["text"]
    assert " ".join(lines) == " ".join(given) and lines[0] == given[0]
    assert max(len(line) for line in lines) <= km_figure.COMPARISON_LINE
    assert "title" not in charts.figure(km_figure.km_figure(frames), alt_text="test").spec["vconcat"][0]


def test_the_outcomes_caption_states_the_tick_gap():
    from hsct_ms.paths import REPO_ROOT

    words = {6: "six", 3: "three", 12: "twelve", 4: "four"}
    text = " ".join((REPO_ROOT / "chapters" / "outcomes.md").read_text(encoding="utf-8").split())
    assert f"at most one every {words[km_figure.CENSOR_MARK_GAP_MONTHS]} months per curve" in text

"""The two charts that used to scroll or crowd fit their column and keep their text apart.

oracle: Chromium's own layout of the built site (the `site_url` fixture: the shipped
cohort's book and the canary user cohort's), at 1280 px and 390 px, light and dark:

- the forest chart of the comparison chapter (fig-comparison-forest) is drawn within its
  column, without the sideways-scroll fallback, with every text at least 12 px (11 px on
  a phone) as rendered; on a phone it is its narrow layout (names above the estimates);
- in the forest chart and in the Kaplan-Meier figure of the outcomes chapter
  (fig-outcomes-km) no two texts overlap on screen: row names, numbers at risk, their
  group names, tick labels, legends and the stated log-rank test;
- the same holds for the Kaplan-Meier figure of a 100,000-patient registry cohort
  (reconstruction.synthetic.registry_cohort, seed 2020, the bench's), drawn by the page's
  own hsctChart in the outcomes page's column: its 6-digit numbers at risk ran into each
  other and into their group name, and its censoring ticks were a hatching.

The general rules (every chart, every page) are in test_readable_pages.py.
"""

import pytest

from hsct_ms import terms
from hsct_ms.display import charts, km_figure
from hsct_ms.reconstruction import synthetic
from test_readable_pages import MIN_CHART_FONT, SCREENS

WAIT_MS = 20_000
FIGURES = {"fig-comparison-forest": "chapters/comparison", "fig-outcomes-km": "chapters/outcomes"}

# The figure's chart: its width against its column, its smallest rendered text, and every
# pair of texts whose boxes overlap by more than a pixel each way.
MEASURE_JS = """(id) => {
  const div = document.getElementById(id).querySelector("div.vega-chart");
  const svg = div.querySelector("svg");
  const style = getComputedStyle(div);
  const column = div.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const texts = Array.from(svg.querySelectorAll("text")).filter(t => t.textContent.trim() &&
      getComputedStyle(t).visibility !== "hidden" && parseFloat(t.getAttribute("opacity") ?? "1") > 0);
  const boxes = texts.map(t => ({text: t.textContent.trim().slice(0, 40), box: t.getBoundingClientRect(),
      size: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b)}));
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].box, b = boxes[j].box;
      const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (dx > 1 && dy > 1) overlaps.push(`${boxes[i].text} / ${boxes[j].text}`);
    }
  }
  return {
    svgWidth: svg.getBoundingClientRect().width, column, scrolls: div.scrollWidth > div.clientWidth + 1,
    wide: div.classList.contains("hsct-chart-wide"),
    smallest: Math.min(...boxes.map(b => b.size)),
    overlaps: overlaps.slice(0, 8), nOverlaps: overlaps.length,
  };
}"""


def measure(chromium, url, figure, screen, scheme):
    context = chromium.new_context(viewport={"width": SCREENS[screen], "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_function(
            """(id) => { const div = document.getElementById(id)?.querySelector("div.vega-chart");
                         return !!(div && div.dataset.hsctWidth && div.querySelector("svg")); }""",
            arg=figure, timeout=WAIT_MS)
        return page.evaluate(MEASURE_JS, figure)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("figure", list(FIGURES))
def test_chart_fits_its_column_with_its_text_apart(figure, screen, scheme, site_url, chromium):
    state = measure(chromium, f"{site_url}{FIGURES[figure]}.html", figure, screen, scheme)
    where = f"{figure} at {SCREENS[screen]} px, {scheme}"
    assert not state["wide"] and not state["scrolls"], f"{where}: scrolls sideways ({state})"
    assert 0.9 * state["column"] <= state["svgWidth"] <= state["column"] + 1, f"{where}: {state}"
    assert state["smallest"] >= MIN_CHART_FONT[screen] - 0.05, f"{where}: text of {state['smallest']:.1f} px"
    assert state["nOverlaps"] == 0, f"{where}: {state['nOverlaps']} pairs of texts overlap, e.g. {state['overlaps']}"


# Draw `spec` in place of the figure's chart, with the page's own hsctChart; true when drawn.
REDRAW_JS = """async ([id, spec]) => {
  const div = document.getElementById(id).querySelector("div.vega-chart");
  delete div.dataset.hsctWidth;
  await window.hsctChart("#" + div.id, spec);
  return !!div.dataset.hsctWidth;
}"""


@pytest.fixture(scope="module")
def registry_km_spec():
    groups = terms.group_members(synthetic.registry_cohort(100_000, seed=2020))
    return charts.figure(km_figure.km_figure(groups, comparison=["Log-rank test, RRMS against progressive MS:",
                                                                "p <0.001"]), alt_text="registry").spec


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_registry_cohorts_km_figure_keeps_its_numbers_apart(screen, registry_km_spec, site_url, chromium):
    figure = "fig-outcomes-km"
    context = chromium.new_context(viewport={"width": SCREENS[screen], "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{site_url}{FIGURES[figure]}.html", wait_until="load")
        page.wait_for_function(
            """(id) => !!document.getElementById(id)?.querySelector("div.vega-chart")?.dataset.hsctWidth""",
            arg=figure, timeout=WAIT_MS)
        assert page.evaluate(REDRAW_JS, [figure, registry_km_spec])
        state = page.evaluate(MEASURE_JS, figure)
    finally:
        context.close()
    where = f"registry KM figure at {SCREENS[screen]} px"
    assert not state["wide"] and 0.9 * state["column"] <= state["svgWidth"] <= state["column"] + 1, f"{where}: {state}"
    assert state["smallest"] >= MIN_CHART_FONT[screen] - 0.05, f"{where}: text of {state['smallest']:.1f} px"
    assert state["nOverlaps"] == 0, f"{where}: {state['nOverlaps']} pairs of texts overlap, e.g. {state['overlaps']}"

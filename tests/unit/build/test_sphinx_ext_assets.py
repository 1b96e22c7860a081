"""What hsct_ms.build.sphinx_ext ships with every page: the chart call, the static files
(MathJax, favicon, scripts), and the theme's default mode.

Oracle: the files in src/hsct_ms/build/static and the MathJax checksum recorded beside it."""

import hashlib
import json
import re
from types import SimpleNamespace

from hsct_ms.build import sphinx_ext

SPEC = {"description": "Two curves </script> <b>", "mark": "line", "data": {"values": [{"x": 1}]}}


def test_a_chart_is_a_labelled_div_drawn_by_hsctChart_with_its_spec():
    html = sphinx_ext.chart_html(SPEC)
    chart_id = re.search(r'<div class="vega-chart" id="(vega-chart-[0-9a-f]{16})"', html).group(1)
    assert 'role="img"' in html
    assert 'aria-label="Two curves &lt;/script&gt; &lt;b&gt;"' in html
    call = re.search(rf'hsctChart\("#{chart_id}", (\{{.*?\}})\)\.catch', html).group(1)
    assert "</script>" not in call, "a spec must not close its inline script"
    assert json.loads(call.replace("<\\/", "</")) == SPEC
    assert html == sphinx_ext.chart_html(dict(reversed(list(SPEC.items())))), "same spec, same page"


def test_the_shipped_mathjax_is_the_recorded_npm_file_with_its_licence():
    folder = sphinx_ext.STATIC_DIR / "mathjax"
    recorded, name = (folder / "SHA256SUMS").read_text().split()
    assert name == "tex-svg.js"
    assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == recorded
    assert "Apache License" in (folder / "LICENSE").read_text()


def test_static_files_the_pages_load_exist():
    for name in ("hsct-ms.css", "hsct-ms.js", sphinx_ext.CHARTS_JS, "favicon.svg", "favicon.ico"):
        assert (sphinx_ext.STATIC_DIR / name).stat().st_size > 0, name
    assert (sphinx_ext.STATIC_DIR / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00", "an ICO file"


def test_favicon_is_set_unless_the_book_sets_one():
    config = SimpleNamespace(html_favicon=None)
    sphinx_ext._set_favicon(None, config)
    assert config.html_favicon == str(sphinx_ext.FAVICON)
    config = SimpleNamespace(html_favicon="mine.png")
    sphinx_ext._set_favicon(None, config)
    assert config.html_favicon == "mine.png"


def test_pages_start_in_the_themes_auto_mode():
    context = {}
    sphinx_ext._default_mode(None, "chapters/data", "page.html", context, None)
    assert context["default_mode"] == "auto"

"""Sphinx and MyST-NB glue for a book that must work offline.

Three jobs:

1. Ship the Vega libraries once, as ``_static/vega-bundle.js`` (from
   ``vl_convert.javascript_bundle``), loaded as a deferred classic script on every
   page. The bundle is wrapped in a function: at the top level its declarations
   collide with the theme's globals, and as a module script it would not load from
   ``file://`` (module scripts need CORS), where a reader opens a downloaded site.
2. Render each Vega-Lite output of a notebook as a ``div`` plus a small module
   script that calls ``vegaEmbed``: :class:`VegaLiteOffline`, registered as a
   MyST-NB mime renderer through the ``myst_nb.mime_renderers`` entry point.
   In JupyterLab the same output draws with JupyterLab's own Vega renderer.
3. Offer each chapter's executed notebook for download (the theme only does so
   when a launch button is configured).
4. Drop the scripts of sphinx-thebe, which Jupyter Book always loads: the book has
   no live-code button, the scripts point at a CDN, and their inline configuration is
   added twice per page (a "THEBE_JS_URL has already been declared" error).
5. A favicon (``static/favicon.svg`` on every page, ``favicon.ico`` at the site's root
   for the root redirect page and browsers that ask for ``/favicon.ico``): without it a
   site served from a web root logs a 404 in every browser console.

MathJax also ships in ``static/mathjax`` (``mathjax_path`` in ``_config.yml``).
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
from pathlib import Path

from docutils import nodes

from hsct_ms.display.charts import VEGALITE_MIME, VEGALITE_VERSION

BUNDLE_NAME = "vega-bundle.js"
STATIC_DIR = Path(__file__).parent / "static"
FAVICON = STATIC_DIR / "favicon.svg"
FAVICON_ICO = STATIC_DIR / "favicon.ico"
CHARTS_JS = "hsct-ms-charts.js"


def chart_html(spec: dict) -> str:
    """HTML for one chart: a container and the call that draws it.

    The id comes from a hash of the spec, so the same chart gives the same page.
    ``vegaEmbed`` (the deferred bundle) and ``hsctChart`` (``static/hsct-ms-charts.js``,
    deferred too) are defined before ``DOMContentLoaded``; the chart is drawn on that
    event, by ``hsctChart``, which fits it to its column with legible text.
    """
    spec_json = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    chart_id = "vega-chart-" + hashlib.sha256(spec_json.encode()).hexdigest()[:16]
    label = html.escape(spec.get("description", "Chart"), quote=True)
    # "</" cannot appear inside an inline script; JSON allows escaping the slash.
    safe_json = spec_json.replace("</", "<\\/")
    return (
        f'<div class="vega-chart" id="{chart_id}" role="img" aria-label="{label}"></div>\n'
        f"<script>\n"
        f'document.addEventListener("DOMContentLoaded", function () {{\n'
        f'  hsctChart("#{chart_id}", {safe_json})'
        f'.catch(function (err) {{ console.error("{chart_id}: " + err); }});\n'
        f"}});\n</script>"
    )


class VegaLiteOffline:
    """MyST-NB mime renderer: Vega-Lite spec -> div + vegaEmbed call (HTML builders)."""

    # Ahead of text/html (30): the Vega-Lite spec is the chart; the text/plain
    # fallback (alt text) is what other builders and plain viewers show.
    mime_priority_overrides = [
        ("html", VEGALITE_MIME, 25),
        ("dirhtml", VEGALITE_MIME, 25),
        ("singlehtml", VEGALITE_MIME, 25),
    ]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != VEGALITE_MIME or inline:
            return None
        spec = data.content
        if isinstance(spec, str):
            spec = json.loads(spec)
        return [nodes.raw("", chart_html(spec), format="html", classes=["output", "vega-lite"])]


def _write_bundle(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    import vl_convert

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    bundle = vl_convert.javascript_bundle(vl_version=VEGALITE_VERSION)
    (static / BUNDLE_NAME).write_text('(function () {\n"use strict";\n' + bundle + "\n})();\n")


def _write_execution_times(app, exception):
    """Record each chapter's execution time (seconds) next to the site, for ``make bench``."""
    if exception is not None:
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    times = {
        docname: round(float(data["exec_data"]["runtime"]), 3)
        for docname, data in sorted(NbMetadataCollector.get_doc_data(app.env).items())
        if data.get("exec_data") and data["exec_data"].get("runtime") is not None
    }
    (Path(app.outdir).parent / "execution-times.json").write_text(json.dumps(times, indent=1) + "\n")


def _offer_notebook_download(app, pagename, templatename, context, doctree):
    """Copy the executed notebook of a Markdown chapter next to its source."""
    if app.builder.format != "html" or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.exists():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def _is_thebe_asset(asset) -> bool:
    name = getattr(asset, "filename", None) or ""
    body = getattr(asset, "attributes", {}).get("body", "")
    return "thebe" in str(name) or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe_asset(asset)]


def tier_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{tier}`published``` (or ``derived``, ``cohort``): the tier badge of a result.

    The tiers and their names are defined once, in :data:`hsct_ms.terms.TIERS`; every page
    marks a result with the same badge, and the badge links to the legend on the landing page.
    """
    from hsct_ms import terms

    key = text.strip()
    if key not in terms.TIER:
        message = inliner.reporter.error(
            f"unknown tier {key!r}; tiers are {sorted(terms.TIER)}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    tier = terms.TIER[key]
    node = nodes.inline(text=tier.name, classes=["tier", f"tier-{tier.key}"])
    node["title"] = f"Tier {tier.number}: {tier.meaning}"
    return [node], []


def setup(app):
    app.add_role("tier", tier_role)
    app.add_js_file(BUNDLE_NAME, loading_method="defer")
    app.add_css_file("hsct-ms.css")
    app.add_js_file("hsct-ms.js", loading_method="defer")
    app.add_js_file(CHARTS_JS, loading_method="defer")
    app.connect("build-finished", _write_bundle)
    app.connect("build-finished", _write_execution_times)
    # Before the theme's header buttons (priority 501) read ipynb_source.
    app.connect("html-page-context", _offer_notebook_download, priority=500)
    app.connect("builder-inited", _add_static_dir)
    # Before Sphinx checks that html_favicon exists (priority 800).
    app.connect("config-inited", _set_favicon, priority=400)
    app.connect("build-finished", _write_root_favicon)
    app.connect("html-page-context", _default_mode)
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _add_static_dir(app):
    app.config.html_static_path.append(str(STATIC_DIR))


def _set_favicon(app, config):
    if not config.html_favicon:
        config.html_favicon = str(FAVICON)


def _default_mode(app, pagename, templatename, context, doctree):
    """The theme's layout reads ``default_mode`` from the page context, which nothing sets:
    its script then logs "Got invalid theme mode" (console.error) on a reader's first
    visit. "auto" follows the reader's system setting, as the theme does after that error."""
    context.setdefault("default_mode", "auto")


def _write_root_favicon(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    shutil.copy2(FAVICON_ICO, Path(app.outdir) / "favicon.ico")

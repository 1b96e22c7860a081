"""Sphinx extension: the website links to its PDF edition.

Registered in ``_config.yml`` (``sphinx.extra_extensions``, after ``hsct_ms.build.sphinx_ext``),
it does two things on the HTML builder:

1. Adds "Book (.pdf)" at the top of the download menu in the header of every page, a link to
   ``hsct-ms-book.pdf`` at the root of the site (and renames the theme's ".pdf" entry, which
   prints the page shown, "Print this page"). ``make pdf`` (:mod:`hsct_ms.build.pdf`)
   builds the site and then writes the PDF there; the link names the file the PDF step
   writes (:data:`hsct_ms.build.pdf.PDF_NAME`).
2. Loads the print stylesheet (``static/print.css``, media ``print``), so that a reader who
   prints a page from the browser gets the layout of the PDF edition.

The single-page build the PDF is printed from gets neither (the link would point at itself).
"""

from __future__ import annotations

from hsct_ms.build.pdf import PDF_NAME

DOWNLOAD_GROUP = "download-buttons"  # sphinx-book-theme's label for its download menu
PRINT_CSS = "print.css"
THEME_PRINT_BUTTON = "download-pdf-button"  # the theme's window.print() entry


def pdf_button(pathto) -> dict:
    """The menu entry: a plain link to the PDF at the root of the site."""
    return {
        "type": "link",
        "url": pathto(PDF_NAME, 1),
        "text": "Book (.pdf)",
        "tooltip": "Download the whole book as a PDF",
        "icon": "fas fa-book",
        "label": "download-book-pdf-button",
    }


def add_pdf_button(header_buttons: list, pathto) -> bool:
    """Put the PDF entry first in the theme's download menu; False when there is no menu."""
    for button in header_buttons:
        if button.get("label") == DOWNLOAD_GROUP and isinstance(button.get("buttons"), list):
            entries = [entry for entry in button["buttons"] if entry.get("label") != "download-book-pdf-button"]
            for entry in entries:  # the theme's own ".pdf" prints the page shown: say so
                if entry.get("label") == THEME_PRINT_BUTTON:
                    entry["text"] = "Print this page"
            button["buttons"] = [pdf_button(pathto)] + entries
            return True
    return False


def _on_page(app, pagename, templatename, context, doctree):
    if app.builder.name != "html":
        return
    add_pdf_button(context.get("header_buttons") or [], context["pathto"])


def _add_print_css(app):
    if app.builder.name == "html":
        app.add_css_file(PRINT_CSS, media="print")


def setup(app):
    # After sphinx-book-theme fills header_buttons (priority 501).
    app.connect("html-page-context", _on_page, priority=600)
    app.connect("builder-inited", _add_print_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

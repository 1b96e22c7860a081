"""Numbered, captioned tables that read well in the book, in JupyterLab and as text.

:func:`table` returns an object whose display carries three forms:

- ``text/markdown``: a MyST ``{table}`` directive with caption and label, which the
  book renders (``nb_render_markdown_format: myst`` and a priority override in
  ``_config.yml``) as a numbered table that ``{numref}`` can cite;
- ``text/html``: the same table with its caption, for JupyterLab;
- ``text/plain``: a fixed-width version, compared by nbval.

Cells are formatted before display, so what nbval compares is what a reader sees.
Columns of numbers (every filled cell free of letters, at least one digit: ``72.3``,
``-0.41``, ``65.1–79.5``, ``<5``, ``± 2``) are right-aligned, as in a paper; the site's
stylesheet keeps their cells on one line, while text columns wrap.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from hsct_ms.display.stored import stored


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    # A number left unformatted by the caller is stored at a fixed precision (see
    # hsct_ms.display.stored), so machine noise in its last bits cannot change the record.
    return str(stored(value))


_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


def numeric_column(cells) -> bool:
    """True when every filled cell is free of letters and at least one holds a digit."""
    filled = [c for c in cells if c.strip()]
    return (bool(filled) and not any(_LETTER.search(c) for c in filled)
            and any(_DIGIT.search(c) for c in filled))


class Table:
    def __init__(self, frame: pd.DataFrame, caption: str, name: str):
        if not name.startswith("tbl-"):
            raise ValueError(f"table labels start with 'tbl-': {name!r}")
        self.frame = frame.map(_cell)
        self.frame.columns = [str(c) for c in frame.columns]
        self.caption = " ".join(caption.split())
        self.name = name
        self.numeric = [numeric_column(self.frame[c]) for c in self.frame.columns]

    def _markdown(self) -> str:
        def row(cells):
            return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

        lines = [f":::{{table}} {self.caption}", f":name: {self.name}", ":align: left", ""]
        lines.append(row(self.frame.columns))
        lines.append("|" + "|".join("--:" if num else "---" for num in self.numeric) + "|")
        lines += [row(values) for values in self.frame.itertuples(index=False)]
        lines.append(":::")
        return "\n".join(lines)

    def _html(self) -> str:
        def align(num):
            return ' style="text-align: right"' if num else ""

        head = "".join(f"<th{align(num)}>{html.escape(c)}</th>" for c, num in zip(self.frame.columns, self.numeric))
        body = "".join(
            "<tr>" + "".join(f"<td{align(num)}>{html.escape(c)}</td>" for c, num in zip(values, self.numeric))
            + "</tr>"
            for values in self.frame.itertuples(index=False)
        )
        return (f'<table id="{self.name}"><caption>{html.escape(self.caption)}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/markdown": self._markdown(),
            "text/html": self._html(),
            "text/plain": f"Table ({self.name}): {self.caption}\n{self.frame.to_string(index=False)}",
        }


def table(frame: pd.DataFrame, caption: str, name: str) -> Table:
    """Display ``frame`` as a numbered table labelled ``name`` (``tbl-...``)."""
    return Table(frame, caption, name)

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
stylesheet keeps their cells on one line (unless the table lets them wrap at spaces,
``wrap_numbers``), while text columns wrap.

Notes under the table keep a table narrow: a cell or a column name given as
:class:`Noted` (``noted("80", "no interval reported")``) carries a superscript letter,
and its note is printed under the table, in the same output, as a clinical journal
does (letters, so that a marker is never read as a digit of the number it follows).
Cells with the same note share one letter; letters run in reading order (column names,
then row by row). Notes without a marker (``table(..., notes=[...])``), such as the
meaning of a dash, come first.
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass

import pandas as pd

from hsct_ms.display.stored import stored

__all__ = ["Noted", "detail", "noted", "numeric_column", "Table", "table", "WRAP_NUMBERS_CLASS"]


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    # A number left unformatted by the caller is stored at a fixed precision (see
    # hsct_ms.display.stored), so machine noise in its last bits cannot change the record.
    return str(stored(value))


@dataclass(frozen=True)
class Noted:
    """A cell or column name with one or more notes printed under its table."""

    text: object
    notes: tuple[str, ...]


def noted(text, *notes: str):
    """``text`` with its notes (:class:`Noted`); ``text`` unchanged when every note is empty."""
    kept = tuple(" ".join(str(n).split()) for n in notes if n is not None and str(n).strip())
    return Noted(text, kept) if kept else text


#: Leads a detail row's label (:func:`detail`): a word joiner, which no Markdown table
#: parser strips as white space, then the indent.
_DETAIL = "\u2060\u2003"


def detail(label: str) -> str:
    """The label of a detail row, indented under the row above it ("range", "published")."""
    return _DETAIL + label


_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


def numeric_column(cells) -> bool:
    """True when every filled cell is free of letters and at least one holds a digit."""
    filled = [c for c in cells if c.strip()]
    return (bool(filled) and not any(_LETTER.search(c) for c in filled)
            and any(_DIGIT.search(c) for c in filled))


def _letter(index: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa"."""
    letters = string.ascii_lowercase
    return letters[index] if index < 26 else _letter(index // 26 - 1) + letters[index % 26]


#: The table class that lets a cell of numbers wrap (:class:`Table`, ``wrap_numbers``).
WRAP_NUMBERS_CLASS = "hsct-wrap-numbers"
_RANGE_DASH = re.compile(r"(?<=\d)\u2013(?=\d)")


class Table:
    def __init__(self, frame: pd.DataFrame, caption: str, name: str, notes=(), wrap_numbers: bool = False):
        if not name.startswith("tbl-"):
            raise ValueError(f"table labels start with 'tbl-': {name!r}")
        self.caption = " ".join(caption.split())
        self.name = name
        self.wrap_numbers = wrap_numbers
        self.general_notes = [" ".join(str(n).split()) for n in notes if str(n).strip()]
        self.notes: dict[str, str] = {}  # note text -> letter, in reading order

        def split(value) -> tuple[str, str]:
            if not isinstance(value, Noted):
                return _cell(value), ""
            for note in value.notes:
                self.notes.setdefault(note, _letter(len(self.notes)))
            return _cell(value.text), ",".join(self.notes[n] for n in dict.fromkeys(value.notes))

        headers = [split(c) for c in frame.columns]
        cells = [[split(v) for v in row] for row in frame.itertuples(index=False)]
        columns = [text for text, _ in headers]
        if len(set(columns)) < len(columns):
            raise ValueError(f"{name}: column names repeat: {columns}")
        self.frame = pd.DataFrame([[text for text, _ in row] for row in cells], columns=columns, dtype=object)
        self.marks = pd.DataFrame([[mark for _, mark in row] for row in cells], columns=columns, dtype=object)
        self.header_marks = [mark for _, mark in headers]
        self.numeric = [numeric_column(self.frame[c]) for c in self.frame.columns]

    def _rows(self, page: bool = True):
        """(column names, their marks), then (cells, marks) of each row.

        On a page (``page``: the MyST and HTML forms) a table that lets its numbers wrap
        keeps each range whole: a word joiner after the dash of "3.6–6.4", so that a cell
        "4.0–6.0 [3.6–6.4]" wraps only between the value and its bracket.
        """
        def shown(values):
            if not (page and self.wrap_numbers):
                return list(values)
            return [_RANGE_DASH.sub("\u2013\u2060", v) if num else v for v, num in zip(values, self.numeric)]

        yield list(self.frame.columns), self.header_marks
        for values, marks in zip(self.frame.itertuples(index=False), self.marks.itertuples(index=False)):
            yield shown(values), list(marks)

    def _markdown(self) -> str:
        def cell(text, mark):
            text = text.replace("|", "\\|").replace("\n", " ")
            return text + (f"{{sup}}`{mark}`" if mark else "")

        rows = list(self._rows())
        lines = [f":::{{table}} {self.caption}", f":name: {self.name}", ":align: left"]
        lines += [f":class: {WRAP_NUMBERS_CLASS}"] if self.wrap_numbers else []
        lines.append("")
        lines.append("| " + " | ".join(cell(*c) for c in zip(*rows[0])) + " |")
        lines.append("|" + "|".join("--:" if num else "---" for num in self.numeric) + "|")
        lines += ["| " + " | ".join(cell(*c) for c in zip(*row)) + " |" for row in rows[1:]]
        lines.append(":::")
        if self.general_notes or self.notes:
            # A container right after the table: hsct-ms.js keeps it under the table,
            # outside the box the table scrolls in.
            lines += ["", ":::{container} hsct-table-notes", ""]
            lines += [f"{note}\n" for note in self.general_notes]
            lines += [f"{{sup}}`{letter}` {note}\n" for note, letter in self.notes.items()]
            lines.append(":::")
        return "\n".join(lines)

    def _html(self) -> str:
        def align(num):
            return ' style="text-align: right"' if num else ""

        def cell(tag, text, mark, num):
            sup = f"<sup>{mark}</sup>" if mark else ""
            return f"<{tag}{align(num)}>{html.escape(text)}{sup}</{tag}>"

        rows = list(self._rows())
        head = "".join(cell("th", t, m, num) for t, m, num in zip(*rows[0], self.numeric))
        body = "".join("<tr>" + "".join(cell("td", t, m, num) for t, m, num in zip(*row, self.numeric)) + "</tr>"
                       for row in rows[1:])
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self.general_notes) + "".join(
            f"<p><sup>{letter}</sup> {html.escape(note)}</p>" for note, letter in self.notes.items())
        classes = f' class="{WRAP_NUMBERS_CLASS}"' if self.wrap_numbers else ""
        return (f'<table id="{self.name}"{classes}><caption>{html.escape(self.caption)}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                + (f'<div class="hsct-table-notes">{notes}</div>' if notes else ""))

    def _plain(self) -> str:
        def marked(text, mark):
            return f"{text} [{mark}]" if mark else text

        rows = list(self._rows(page=False))
        shown = pd.DataFrame([[marked(*c) for c in zip(*row)] for row in rows[1:]],
                             columns=[marked(*c) for c in zip(*rows[0])], dtype=object)
        notes = self.general_notes + [f"[{letter}] {note}" for note, letter in self.notes.items()]
        return "\n".join([f"Table ({self.name}): {self.caption}", shown.to_string(index=False), *notes])

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self._markdown(), "text/html": self._html(), "text/plain": self._plain()}


def table(frame: pd.DataFrame, caption: str, name: str, notes=(), wrap_numbers: bool = False) -> Table:
    """Display ``frame`` as a numbered table labelled ``name`` (``tbl-...``).

    Cells and column names may be :class:`Noted` (see :func:`noted`); ``notes`` are
    notes without a marker, printed first under the table. ``wrap_numbers`` lets a cell of
    numbers wrap at its spaces (never inside a range), for a table of many number columns
    whose cells carry a bracket ("33.1 [33.0–33.3]": the value above its bracket).
    """
    return Table(frame, caption, name, notes, wrap_numbers)

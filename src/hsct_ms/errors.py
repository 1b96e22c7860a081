"""The one exception an analysis raises when a valid cohort cannot give a result.

A chapter that cannot compute something on a user's cohort (too few patients in a
group, no event in a period the analysis needs) raises :class:`CannotCompute`. The
build driver turns it into one message naming the chapter, what could not be
computed, why, and what the user can do, instead of a stack trace; the strict build
still fails. Rules a file can be checked against before any chapter runs belong in the
validator (:mod:`hsct_ms.inputs.cohort_validation`), not here.

How the message crosses from the chapter's kernel to the build driver: IPython shows
an exception through its ``_render_traceback_`` method when it has one, so a
:class:`CannotCompute` raised in a cell appears (in the notebook, in JupyterLab, and in
the error the executor hands back) as the three lines of :meth:`CannotCompute.rendered`,
not as a stack trace; :func:`parse_rendered` reads them back.
"""

from __future__ import annotations

import re

# The lines a CannotCompute shows in a notebook: a heading with what, then why and remedy.
RENDERED_PATTERN = re.compile(
    r"^CannotCompute: cannot compute (?P<what>.*)\n"
    r"  why: (?P<why>.*)\n"
    r"  what you can do: (?P<remedy>.*)$",
    re.MULTILINE,
)


def _one_line(text: str) -> str:
    """``text`` on one line: the rendered form has one line per field."""
    return " ".join(str(text).split())


class CannotCompute(ValueError):
    """A valid cohort on which one analysis cannot give a result.

    ``what``: the result that could not be computed ("the tipping-point table");
    ``why``: the reason in the cohort's terms; ``remedy``: what the user can do.
    """

    def __init__(self, what: str, why: str, remedy: str):
        self.what, self.why, self.remedy = what, why, remedy
        super().__init__(f"cannot compute {what}: {why}. {remedy}")

    def rendered(self) -> list[str]:
        """The message as a notebook shows it: three lines, each field on one line."""
        return [f"CannotCompute: cannot compute {_one_line(self.what)}",
                f"  why: {_one_line(self.why)}",
                f"  what you can do: {_one_line(self.remedy)}"]

    def _render_traceback_(self) -> list[str]:
        # IPython's hook: what a cell that raises this shows instead of the stack trace.
        return self.rendered()

    def __reduce__(self):
        # Picklable with its three fields (ValueError's default would pass one argument).
        return type(self), (self.what, self.why, self.remedy)


def parse_rendered(text: str) -> CannotCompute | None:
    """The :class:`CannotCompute` whose :meth:`~CannotCompute.rendered` lines ``text``
    contains (the last one, if several), or None. ``text`` may surround them with
    anything else (the failing cell's source, other output)."""
    matches = list(RENDERED_PATTERN.finditer(text))
    if not matches:
        return None
    last = matches[-1]
    return CannotCompute(last["what"], last["why"], last["remedy"])

"""Run every chapter's code cells on a cohort file, outside a kernel.

The chapters (``chapters/*.md``, jupytext MyST) are what the book executes; running
their code cells here calls exactly the analyses and display builders a build calls,
without Sphinx or a kernel, so generated cohorts can be tried in seconds.
"""

from __future__ import annotations

import contextlib
import io
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import jupytext

from hsct_ms.display import charts
from hsct_ms.errors import CannotCompute
from hsct_ms.inputs.cohort_problems import CohortValidationError
from hsct_ms.paths import REPO_ROOT

CHAPTERS_DIR = REPO_ROOT / "chapters"
#: The refusals a valid-by-schema cohort may meet, each with a message for the user.
REFUSALS = (CohortValidationError, CannotCompute)


def chapter_sources() -> dict[str, str]:
    """Chapter stem -> its code cells joined, for every chapter with code."""
    sources = {}
    for path in sorted(CHAPTERS_DIR.glob("*.md")):
        cells = [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]
        if cells:
            # IPython line magics have no meaning outside a kernel.
            sources[path.stem] = "\n\n".join(
                "\n".join(line for line in cell.splitlines() if not line.lstrip().startswith(("%", "!")))
                for cell in cells)
    return sources


@dataclass
class ChapterRun:
    """What running one chapter on one cohort gave: ``refusal`` (one of :data:`REFUSALS`),
    ``error`` (anything else, a warning included: the strict build fails on both), or
    neither when it completed; and every figure it built."""

    chapter: str
    refusal: Exception | None = None
    error: BaseException | None = None
    figures: list = field(default_factory=list)

    def where(self) -> str:
        """The innermost frame of the error in the package or the chapter (``file:line``)."""
        if self.error is None:
            return ""
        frames = [f for f in traceback.extract_tb(self.error.__traceback__)
                  if "hsct_ms" in f.filename or f.filename.startswith("chapters/")]
        return f"{frames[-1].filename.split('src/')[-1]}:{frames[-1].lineno}" if frames else "?"


def run_chapter(name: str, source: str, cohort_path: Path, monkeypatch) -> ChapterRun:
    """Run one chapter's code on ``cohort_path``; a refusal or an error is recorded.

    Warnings are errors, as in the strict build (anything on stderr fails it).
    """
    run = ChapterRun(name)
    built = []

    def recording_figure(chart, alt_text):
        figure = charts.Figure(chart, alt_text)
        built.append(figure)
        return figure

    monkeypatch.setattr(charts, "figure", recording_figure)
    monkeypatch.setenv("COHORT_CSV", str(cohort_path))
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            exec(compile(source, f"chapters/{name}.md", "exec"), {"__name__": f"chapter_{name}"})
        except REFUSALS as refusal:
            run.refusal = refusal
        except Exception as error:  # noqa: BLE001 - reported by the test, with where it came from
            run.error = error
    run.figures = built
    return run

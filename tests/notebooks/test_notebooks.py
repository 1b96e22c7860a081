"""The committed notebooks are the executed chapters, not an edited copy.

Oracle: the Markdown chapters (chapters/*.md), the only hand-edited sources.
nbval (make test) then re-executes each notebook and compares every output.
"""

import jupytext
import nbformat
import pytest

from hsct_ms.build.notebooks import chapter_sources, notebook_path

CHAPTERS = chapter_sources()


def code_cells(notebook):
    return [cell.source.strip() for cell in notebook.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_committed_notebook_matches_its_chapter(chapter):
    committed = notebook_path(chapter)
    assert committed.exists(), f"{committed} is missing: run `make notebooks`"
    source = jupytext.read(chapter)
    stored = nbformat.read(committed, as_version=4)
    assert code_cells(stored) == code_cells(source), (
        f"{committed.name} differs from {chapter.name}: run `make notebooks` and commit the result"
    )
    # Tags decide what the book shows (remove-input, raises-exception): they must match too.
    assert [c.metadata.get("tags", []) for c in stored.cells if c.cell_type == "code"] == [
        c.metadata.get("tags", []) for c in source.cells if c.cell_type == "code"
    ]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_and_notebook_are_a_clean_jupytext_pair(chapter):
    # Oracle: jupytext itself. JupyterLab (with jupytext) refuses to open a paired
    # notebook whose Markdown text differs from the chapter, so the chapter must be
    # exactly what jupytext writes from the committed notebook, and stable on a rewrite.
    text = chapter.read_text()
    stored = nbformat.read(notebook_path(chapter), as_version=4)
    assert jupytext.writes(stored, fmt="md:myst") == text, (
        f"{chapter.name} is not what jupytext writes from {notebook_path(chapter).name}: "
        "run `make notebooks`, or rewrite the chapter with jupytext"
    )
    assert jupytext.writes(jupytext.read(chapter), fmt="md:myst") == text
    assert stored.metadata["jupytext"]["formats"] == "chapters//md:myst,notebooks//ipynb"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_committed_notebook_has_outputs(chapter):
    stored = nbformat.read(notebook_path(chapter), as_version=4)
    executed = [c for c in stored.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in executed), "every code cell must have been executed"
    assert not any(o.output_type == "error" for c in executed for o in c.outputs)


def test_notebooks_folder_holds_only_chapters():
    expected = {notebook_path(c).name for c in CHAPTERS}
    present = {p.name for p in notebook_path(CHAPTERS[0]).parent.glob("*.ipynb")}
    assert present == expected

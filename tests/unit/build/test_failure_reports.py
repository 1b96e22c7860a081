"""How a chapter's failure reaches the person building the book: CannotCompute's three
lines cross from the kernel and are read back; every failure becomes one message naming
the chapter, what, why and what to do, with no stack trace; the traceback goes to a log.

Oracles: the fields the exception was made with (round trip through its rendered lines and
through pickle); hand-made executor errors (nbclient's own CellExecutionError, built from a
cell and an error message the way nbclient builds it) and the files they must produce.
"""

import json
import pickle

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from hsct_ms import errors
from hsct_ms.build import execute

STACK_TRACE = "Traceback (most recent call last)"


def test_cannot_compute_keeps_its_constructor_and_message():
    error = errors.CannotCompute("the tipping-point table", "2 progressive patients", "Add patients.")
    assert (error.what, error.why, error.remedy) == ("the tipping-point table", "2 progressive patients", "Add patients.")
    assert str(error) == "cannot compute the tipping-point table: 2 progressive patients. Add patients."
    assert isinstance(error, ValueError)


@pytest.mark.parametrize("what, why, remedy", [
    ("the tipping-point table", "only 2 progressive patients. Too few: the model needs 5", "Add patients: 5 or more."),
    ("the 10-year estimate", "no patient\nfollowed beyond 8 years", "CannotCompute: cannot compute nothing"),
])
def test_rendered_lines_read_back_as_the_same_fields(what, why, remedy):
    error = errors.CannotCompute(what, why, remedy)
    lines = error._render_traceback_()
    assert lines == error.rendered() and len(lines) == 3
    assert not any(STACK_TRACE in line for line in lines)
    # As nbclient hands it back: the cell's source above, the rendered lines below.
    text = "An error occurred while executing the following cell:\n------------------\nraise x\n" \
           "------------------\n\n" + "\n".join(lines) + "\n"
    parsed = errors.parse_rendered(text)
    one_line = lambda s: " ".join(s.split())  # noqa: E731
    assert (parsed.what, parsed.why, parsed.remedy) == (one_line(what), one_line(why), one_line(remedy))


def test_parse_rendered_finds_nothing_in_an_ordinary_traceback():
    assert errors.parse_rendered("ValueError: cannot compute the mean\n  why: no rows") is None


def test_cannot_compute_pickles_with_its_fields():
    error = pickle.loads(pickle.dumps(errors.CannotCompute("a table", "no events", "wait")))
    assert (error.what, error.why, error.remedy) == ("a table", "no events", "wait")


def failure(**fields):
    base = dict(chapter="limitations", source="chapters/limitations.md", kind=execute.CELL_ERROR)
    return execute.ChapterFailure(**(base | fields))


def test_a_cannot_compute_message_names_chapter_what_why_and_remedy():
    message = execute.failure_message(failure(
        kind=execute.CANNOT_COMPUTE, what="the tipping-point table",
        why="the cohort's 10-year estimate is already below one half", remedy="Nothing is wrong with the file.",
        exception="CannotCompute: ...", cell=14, line=212, log="/b/_build/logs/limitations.log"))
    lines = message.splitlines()
    assert lines[0] == 'make book: the chapter "limitations" (chapters/limitations.md) could not be built.'
    assert lines[1:] == ["  could not compute: the tipping-point table",
                         "  why: the cohort's 10-year estimate is already below one half",
                         "  what you can do: Nothing is wrong with the file."]


def test_an_unexpected_error_message_names_the_cell_the_exception_and_the_log():
    message = execute.failure_message(failure(
        exception="ValueError: chart data has 2270 rows (limit 2000)", cell=7, line=140,
        log="/b/_build/logs/limitations.log"))
    assert 'chapter "limitations" (chapters/limitations.md)' in message
    assert "code cell 7 (line 140)" in message
    assert "why: ValueError: chart data has 2270 rows (limit 2000)" in message
    assert "/b/_build/logs/limitations.log" in message
    assert "fault of the book" in message
    assert STACK_TRACE not in message and len(message.splitlines()) == 4


@pytest.mark.parametrize("kind, words", [(execute.TIMEOUT, "cell timeout"), (execute.KERNEL, "kernel stopped")])
def test_timeouts_and_dead_kernels_get_their_own_words(kind, words):
    message = execute.failure_message(failure(kind=kind, exception="X: y", log="/b/x.log"))
    assert words in message and "/b/x.log" in message and "why: X: y" in message


def executed_chapter(tmp_path, failing_source, error_output):
    """A chapter file and its executed notebook whose second code cell failed."""
    chapter = tmp_path / "chapters" / "outcomes.md"
    chapter.parent.mkdir()
    chapter.write_text("# Outcomes\n\n```{code-cell} ipython3\nx = 1\n```\n\n"
                       f"```{{code-cell}} ipython3\n{failing_source}\n```\n")
    failing = nbformat.v4.new_code_cell(failing_source, outputs=[nbformat.v4.new_output("error", **error_output)])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Outcomes"),
                                         nbformat.v4.new_code_cell("x = 1"), failing])
    return chapter, nb, failing


def test_an_unexpected_error_is_logged_in_full_and_reported_in_one_line(tmp_path):
    source = "def draw():\n    raise ValueError('chart data has 2270 rows (limit 2000)\\nsecond line')\ndraw()"
    ipython_traceback = ["\x1b[31m---------\x1b[39m", f"\x1b[31mValueError\x1b[39m   {STACK_TRACE}",
                         "Cell In[2], line 3", "ValueError: chart data has 2270 rows (limit 2000)\nsecond line"]
    chapter, nb, cell = executed_chapter(tmp_path, source, dict(
        ename="ValueError", evalue="chart data has 2270 rows (limit 2000)\nsecond line", traceback=ipython_traceback))
    error = CellExecutionError.from_cell_and_msg(cell, cell.outputs[0])
    logs = tmp_path / "_build" / "logs"

    described = execute.describe_failure(str(chapter), nb, error, logs)

    assert described.kind == execute.CELL_ERROR
    assert described.exception == "ValueError: chart data has 2270 rows (limit 2000)"
    assert (described.cell, described.line) == (2, 8)
    assert chapter.read_text().splitlines()[described.line - 1] == "def draw():"
    log = (logs / "outcomes.log").read_text()
    assert STACK_TRACE in log and "\x1b[" not in log, "the log keeps the traceback, without colour codes"
    assert json.loads((logs / "outcomes.failure.json").read_text())["log"] == str(logs / "outcomes.log")
    assert STACK_TRACE not in execute.failure_message(described)


def test_a_cannot_compute_raised_in_a_cell_keeps_its_fields(tmp_path):
    refused = errors.CannotCompute("the tipping-point table", "no progressive patient followed 10 years", "Wait.")
    source = "raise CannotCompute('the tipping-point table', '...', 'Wait.')"
    chapter, nb, cell = executed_chapter(tmp_path, source, dict(
        ename="CannotCompute", evalue=str(refused), traceback=refused._render_traceback_()))
    error = CellExecutionError.from_cell_and_msg(cell, cell.outputs[0])

    described = execute.describe_failure(str(chapter), nb, error, tmp_path / "logs")

    assert described.kind == execute.CANNOT_COMPUTE
    assert (described.what, described.why, described.remedy) == (refused.what, refused.why, refused.remedy)
    message = execute.failure_message(described)
    assert "could not compute: the tipping-point table" in message and "what you can do: Wait." in message


def test_a_timeout_is_reported_without_a_cell_number(tmp_path):
    chapter, nb, _ = executed_chapter(tmp_path, "import time; time.sleep(999)", dict(ename="X", evalue="", traceback=[]))
    for cell in nb.cells:
        cell.pop("outputs", None)  # a timed-out cell has no error output
        if cell.cell_type == "code":
            cell.outputs = []
    described = execute.describe_failure(str(chapter), nb, CellTimeoutError("Cell execution timed out"),
                                         tmp_path / "logs")
    assert described.kind == execute.TIMEOUT and described.cell is None
    assert described.exception == "CellTimeoutError: Cell execution timed out"


def stderr_notebooks(tags=()):
    """A chapter's notebook as read and as executed: its second code cell warned on stderr."""
    warning = "/tmp/ipykernel_1/123.py:2: ConvergenceWarning: the Cox model did not converge\n  fit()\n"
    read = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                           nbformat.v4.new_code_cell("fit()", metadata={"tags": list(tags)})])
    executed = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", outputs=[nbformat.v4.new_output("stream", name="stdout", text="ok\n")]),
        nbformat.v4.new_code_cell("fit()", outputs=[nbformat.v4.new_output("stream", name="stderr", text=warning)])])
    return read, executed


def test_a_cell_that_writes_to_stderr_is_named_with_what_it_wrote(tmp_path):
    chapter = tmp_path / "outcomes.md"
    chapter.write_text("```{code-cell} ipython3\nx = 1\n```\n\n```{code-cell} ipython3\nfit()\n```\n")
    read, executed = stderr_notebooks()
    found = execute.stderr_failure(str(chapter), executed, read, tmp_path / "logs")
    assert (found.kind, found.cell, found.line) == (execute.STDERR, 2, 6)
    assert found.exception == "ConvergenceWarning: the Cox model did not converge"
    assert "fit()" in (tmp_path / "logs" / "outcomes.log").read_text()
    message = execute.failure_message(found)
    assert "code cell 2 (line 6)" in message and "stderr" in message and STACK_TRACE not in message


def test_stderr_of_a_cell_tagged_remove_stderr_is_not_a_failure(tmp_path):
    chapter = tmp_path / "outcomes.md"
    chapter.write_text("x = 1\nfit()\n")
    read, executed = stderr_notebooks(tags=["remove-stderr"])
    assert execute.stderr_failure(str(chapter), executed, read, tmp_path / "logs") is None


SPHINX_CRASH = """\
writing output... [100%] page
Extension error (crash_ext):
Handler <function boom> for event 'doctree-resolved' threw an exception (exception: boom)
Traceback (most recent call last):
  File "/x/sphinx/events.py", line 97, in emit
    results.append(listener.handler(self.app, *args))
ValueError: chart data has 2270 rows (limit 2000)

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/x/jupyter_book/cli/main.py", line 321, in build
RuntimeError: There was an error in building your book.
after the crash
\x1b[31m---------------------------------------------------------------------------\x1b[39m
\x1b[31mZeroDivisionError\x1b[39m                         Traceback (most recent call last)
Cell In[1], line 1
----> 1 1 / 0

ZeroDivisionError: division by zero
the end
"""


def test_the_traceback_folder_keeps_every_line_but_the_stack_traces():
    from hsct_ms.build import book

    folder = book.TracebackFolder()
    shown = [line for line in map(folder.feed, SPHINX_CRASH.splitlines(keepends=True)) if line is not None]
    text = "\n".join(shown)
    assert STACK_TRACE not in text and "File " not in text and "----> 1" not in text
    assert folder.exceptions == ["ValueError: chart data has 2270 rows (limit 2000)",
                                 "RuntimeError: There was an error in building your book.",
                                 "ZeroDivisionError: division by zero"]
    for kept in ("writing output... [100%] page", "Extension error (crash_ext):", "after the crash", "the end"):
        assert kept in shown

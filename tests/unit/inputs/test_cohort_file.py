"""Tests of hsct_ms.inputs.cohort_file: bytes, encodings, separators and CSV records.

Oracles: byte-exact exports in tests/fixtures/cohorts/ (Excel "CSV UTF-8" with BOM and CRLF;
an Italian-locale Excel "CSV" with semicolons, decimal commas, Windows-1252), and files
written by hand into tmp_path whose problems and line numbers are known.
"""

import codecs
import zipfile

import pytest

from cohort_writers import BASE, FIXTURES, HEADER, base_text, only_problem, write_cohort, write_text

from hsct_ms.inputs.cohort_problems import CohortValidationError
from hsct_ms.inputs.cohort_validation import read_cohort


def test_excel_utf8_export_with_bom_and_crlf_is_accepted():
    path = FIXTURES / "valid_excel_utf8_bom_crlf.csv"
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and b"\r\n" in raw  # the fixture is what it claims
    df = read_cohort(path)
    assert len(df) == raw.count(b"\r\n") - 1  # every line but the header is a patient
    assert df.columns[0] == "patient_id"  # the BOM is not part of the first name
    assert df["centre"].tolist()[0] == "Forlì"
    assert df["notes"].tolist()[1] == "relapse, then stable"
    assert df["baseline_edss"].tolist() == [3.5, 6.0, 6.5, 2.0, 0.0, 1.0]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("trailing_newline", [True, False])
def test_line_endings_and_final_newline_do_not_matter(tmp_path, newline, trailing_newline):
    path = write_cohort(tmp_path, newline=newline, trailing_newline=trailing_newline)
    assert len(read_cohort(path)) == len(BASE)


def test_quoted_line_break_in_an_extra_column_keeps_line_numbers_right(tmp_path):
    header = HEADER + ["notes"]
    rows = [r + [""] for r in BASE]
    rows[0][-1] = "first line\nsecond line"  # P001 spans lines 2-3
    rows[3][HEADER.index("baseline_edss")] = "5.25"  # P004 is on line 6 now
    path = write_cohort(tmp_path, header=header, rows=rows)
    problem = only_problem(path)
    assert (problem.column, problem.rows, problem.patient_ids) == ("baseline_edss", (6,), ("P004",))
    rows[3][HEADER.index("baseline_edss")] = "5.5"
    df = read_cohort(write_cohort(tmp_path, header=header, rows=rows))
    assert len(df) == len(BASE)
    assert df["notes"].iloc[0] == "first line\nsecond line"


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(CohortValidationError) as caught:
        read_cohort(path)
    assert str(path) in str(caught.value)
    [problem] = caught.value.problems
    assert problem.file == "nowhere.csv" and "not found" in problem.message


def test_directory(tmp_path):
    problem = only_problem(tmp_path)
    assert "directory" in problem.message


def test_zero_byte_file(tmp_path):
    problem = only_problem(write_text(tmp_path, ""))
    assert "empty (0 bytes)" in problem.message


@pytest.mark.parametrize("text", ["\n", "\n\n  \n", "\ufeff"])
def test_file_with_no_text(tmp_path, text):
    problem = only_problem(write_text(tmp_path, text))
    assert "no text" in problem.message or "empty" in problem.message


@pytest.mark.parametrize("text", [",".join(HEADER), ",".join(HEADER) + "\r\n"])
def test_header_only_has_no_patient_rows(tmp_path, text):
    problem = only_problem(write_text(tmp_path, text))
    assert "no patient rows" in problem.message


def test_excel_workbook_is_recognised(tmp_path):
    path = tmp_path / "cohort.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    problem = only_problem(path)
    assert "looks like an Excel workbook" in problem.message
    assert "export as CSV UTF-8" in problem.message


def test_binary_file_with_nul_bytes(tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_bytes(b"patient_id,subtype\x00\x01\x02binary")
    problem = only_problem(path)
    assert "not a text file" in problem.message and "byte offset 18" in problem.message


def test_utf16_text_is_recognised(tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_bytes(base_text().encode("utf-16"))
    problem = only_problem(path)
    assert "UTF-16" in problem.message and "CSV UTF-8" in problem.message


def test_not_utf8_names_line_and_byte_offset(tmp_path):
    rows = [list(r) for r in BASE]
    header = HEADER + ["centre"]
    rows = [r + ["Genova"] for r in rows]
    rows[2][-1] = "Forlì"  # P003, line 4
    text = "\n".join(",".join(r) for r in [header] + rows) + "\n"
    data = text.encode("cp1252")
    path = tmp_path / "cohort.csv"
    path.write_bytes(data)
    problem = only_problem(path)
    assert problem.column is None and problem.rows == (4,)
    offset = data.index("ì".encode("cp1252"))
    assert f"byte offset {offset}" in problem.message
    assert "0xEC" in problem.message and "save as CSV UTF-8" in problem.message


def test_semicolon_decimal_comma_export_is_explained_not_parsed():
    path = FIXTURES / "semicolon_decimal_comma_cp1252.csv"
    with pytest.raises(CohortValidationError) as caught:
        read_cohort(path)
    messages = [p.message for p in caught.value.problems]
    # Windows-1252 'ì' (line 2) and the separator: both reported, nothing else.
    assert len(messages) == 2, str(caught.value)
    assert "not UTF-8" in messages[0] and caught.value.problems[0].rows == (2, 5)
    assert "semicolon-separated" in messages[1] and "decimal comma" in messages[1]
    assert "'3,5' on line 2" in messages[1]
    assert "comma-separated with a decimal point" in messages[1]
    assert caught.value.problems[1].rows == (1,)


def test_semicolon_export_in_utf8_gives_one_problem(tmp_path):
    text = base_text().replace(",", ";").replace("3.5", "3,5")
    problem = only_problem(write_text(tmp_path, text))
    assert "semicolon-separated" in problem.message and "'3,5' on line 2" in problem.message


def test_tab_separated_file(tmp_path):
    problem = only_problem(write_text(tmp_path, base_text().replace(",", "\t")))
    assert "tab-separated" in problem.message


def test_quote_left_open_to_the_end_of_the_file(tmp_path):
    lines = base_text().split("\n")
    lines[0] += ",notes"
    lines[1:7] = [line + ",ok" for line in lines[1:7]]
    lines[2] = lines[2][:-2] + '"never closed'  # P002, line 3: would swallow P003-P006
    problem = only_problem(write_text(tmp_path, "\n".join(lines)))
    assert problem.rows == (3,) and "never closed" in problem.message


def test_quote_closed_lines_later_does_not_swallow_rows_silently(tmp_path):
    lines = base_text().split("\n")
    lines[0] += ",notes"
    lines[1:7] = [line + ",ok" for line in lines[1:7]]
    lines[2] = lines[2][:-2] + '"opened'  # P002, line 3
    lines[4] = lines[4][:-2] + 'closed"'  # P004, line 5: lines 3-5 become one row
    problem = only_problem(write_text(tmp_path, "\n".join(lines)))
    assert problem.rows == (3, 4, 5) and "read as one row" in problem.message

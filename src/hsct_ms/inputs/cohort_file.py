"""Reading a cohort file: bytes -> text -> CSV records, with what exports get wrong.

Recognises the files people send by mistake (Excel workbooks, UTF-16 "Unicode Text",
PDFs), decodes UTF-8 with or without Excel's BOM (naming the first byte that is not
UTF-8 and what it stands for in Windows-1252), stops on semicolon- or tab-separated
exports (Excel in European locales, R's ``write.csv2``) with the way to re-export, and
numbers every CSV record by its lines in the file. Each function adds to a
:class:`~hsct_ms.inputs.cohort_problems.ProblemReport` and stops when nothing more
can be read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import numpy as np

from hsct_ms.inputs.cohort_problems import ProblemReport
from hsct_ms.inputs.cohort_schema import DECIMAL_COMMA_PATTERN, REQUIRED_COLUMNS

__all__ = ["EXCEL_HINT", "read_bytes", "decode_text", "check_separator", "parse_records",
           "check_swallowed_lines"]

EXCEL_HINT = "export it from Excel with File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'"


def read_bytes(path: Path, report: ProblemReport) -> bytes:
    if not path.exists():
        report.add(None, f"file not found: {path}; check the path (the argument or COHORT_CSV)")
        report.fail()
    if path.is_dir():
        report.add(None, "is a directory, not a CSV file; give the path of the .csv file itself")
        report.fail()
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.add(None, f"cannot be read: {exc.strerror or exc}")
        report.fail()
    if not data:
        report.add(None, "the file is empty (0 bytes); expected a header line and one line per patient")
        report.fail()
    # Recognise the binary formats people send by mistake before anything else,
    # since every later message would be noise.
    if data.startswith(b"PK\x03\x04"):
        report.add(None, f"looks like an Excel workbook (.xlsx, a ZIP archive), not a CSV file; "
                         f"export as CSV UTF-8: {EXCEL_HINT}")
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        report.add(None, f"looks like an Excel workbook (.xls, Excel 97-2003), not a CSV file; "
                         f"export as CSV UTF-8: {EXCEL_HINT}")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        report.add(None, "is UTF-16 text (Excel's 'Unicode Text'); save as CSV UTF-8: " + EXCEL_HINT)
    elif data.startswith(b"%PDF"):
        report.add(None, "is a PDF document, not a CSV file")
    elif b"\x00" in data:
        nul = data.index(b"\x00")
        report.add(None, f"is not a text file (NUL byte at byte offset {nul}); "
                         f"expected a CSV text file: {EXCEL_HINT}")
    if report.problems:
        report.fail()
    return data


def decode_text(data: bytes, report: ProblemReport) -> str:
    offset = 0
    if data.startswith(codecs.BOM_UTF8):  # Excel's "CSV UTF-8" starts with a BOM: fine.
        offset = len(codecs.BOM_UTF8)
    body = data[offset:]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        first = offset + exc.start
    # Find every line holding invalid bytes (only on this error path).
    bad_lines = []
    for number, line in enumerate(body.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad_lines.append(number)
    byte = data[first:first + 1]
    try:  # most non-UTF-8 exports are Windows-1252: name the character it stands for
        guess = f" (it is {byte.decode('cp1252')!r} in Windows-1252)"
    except UnicodeDecodeError:
        guess = ""
    report.add(None, (
        f"is not UTF-8 text: byte 0x{byte.hex().upper()} at byte offset {first} "
        f"(line {bad_lines[0]}) is not valid UTF-8{guess}; save as CSV UTF-8: {EXCEL_HINT}"),
        rows=bad_lines)
    # Carry on with replacement characters so that the other problems are reported too.
    return body.decode("utf-8", errors="replace")


def check_separator(text: str, report: ProblemReport) -> None:
    """Stop on semicolon- or tab-separated files, which need re-exporting."""
    header_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    comma_fields = next(csv.reader([header_line]), [])
    on_comma = sum(h in REQUIRED_COLUMNS for h in comma_fields)
    for sep, name in ((";", "semicolon"), ("\t", "tab")):
        fields = [h.strip().strip('"') for h in header_line.split(sep)]
        on_sep = sum(h in REQUIRED_COLUMNS for h in fields)
        # More required names on this separator, or a header that is one long
        # field on commas but splits into several here (then names may differ too).
        if len(fields) > 1 and (on_sep > on_comma or (len(comma_fields) == 1 and len(fields) >= 3)):
            break
    else:
        return
    message = f"the file is {name}-separated, not comma-separated"
    if sep == ";":
        match = re.search(r"(?:^|;)\s*\"?" + DECIMAL_COMMA_PATTERN + r"\"?\s*(?=;|\r|\n|$)", text, re.M)
        if match:
            line = text.count("\n", 0, match.start() + 1) + 1
            value = match.group().strip(' ;"\r\n')
            message += f", with decimal commas (e.g. {value!r} on line {line})"
        message += (" - the 'CSV' export of Excel in European locales; re-export it comma-separated "
                    "with a decimal point: set Excel's decimal separator to '.' (File > Options > "
                    "Advanced) and save as 'CSV UTF-8 (Comma delimited)', or in LibreOffice choose "
                    "field delimiter ',', or in R use write.csv() rather than write.csv2()")
    else:
        message += "; re-export it as comma-separated values (CSV UTF-8)"
    report.add(None, message, rows=(1,))
    report.fail()


def parse_records(text: str, report: ProblemReport) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """CSV records with the first and last file line of each."""
    # strict: a quote left open at the end of the file is an error, not a value
    # that silently swallows the following lines.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error:
        records = None
    if records is not None and reader.line_num == len(records):  # one record per line
        starts = np.arange(1, len(records) + 1, dtype=np.int64)
        return records, starts, starts
    # Some value spans lines, or the CSV is malformed: number each record.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, starts, ends, previous = [], [], [], 0
    try:
        for record in reader:
            records.append(record)
            starts.append(previous + 1)
            previous = reader.line_num
            ends.append(previous)
    except csv.Error as exc:
        hint = (' (a quote mark (") opened there is never closed)' if "end of data" in str(exc)
                else ' (check the quote marks (") on that line)')
        report.add(None, f"cannot be read as CSV: {exc} in the row starting on line "
                         f"{previous + 1}{hint}", rows=(previous + 1,))
        report.fail()
    return records, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


def check_swallowed_lines(records, starts, ends, width, report) -> None:
    """Report a quoted value whose line breaks hide whole rows (a quote closed too late)."""
    for record, start, end in zip(records, starts, ends):
        if end == start:
            continue
        for value in record:
            inner = re.split(r"\r\n|\r|\n", value)
            if len(inner) > 1 and any(line.count(",") >= width - 1 for line in inner[1:]):
                report.add(None, f'lines {start} to {end} were read as one row: a quote mark (") '
                                 f"opened on line {start} is closed only on line {end}, so the "
                                 "lines between are inside one value; fix the quote marks",
                           rows=range(start, end + 1))
                break


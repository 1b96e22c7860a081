"""nbval, as `make test` runs it, fails when a stored result differs from a fresh run.

Oracle: the committed notebook itself, with one stored number altered by hand; the
strict nbval run on the untouched notebooks is part of the same `make test`.
"""

import json
import subprocess
import sys

from hsct_ms.paths import NOTEBOOKS_DIR, REPO_ROOT


def test_altering_a_stored_number_fails_nbval(tmp_path):
    notebook = json.loads((NOTEBOOKS_DIR / "data.ipynb").read_text())
    altered = None
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get("application/papermill.record/text/plain")
            if record is not None and record.isdigit() and altered is None:
                output["data"]["application/papermill.record/text/plain"] = str(int(record) + 1)
                altered = record
    assert altered is not None, "no glued integer found to alter in notebooks/data.ipynb"
    copy = tmp_path / "data.ipynb"
    copy.write_text(json.dumps(notebook))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
         "-o", "addopts=", "-q", str(copy)],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 failed" in result.stdout
    assert str(int(altered) + 1) in result.stdout

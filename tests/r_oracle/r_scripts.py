"""Running an R oracle script of tests/r_oracle/r/ on a cohort file, for the tests here."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from hsct_ms.paths import REPO_ROOT, SHIPPED_COHORT

R_DIR = REPO_ROOT / "tests" / "r_oracle" / "r"
INSTALL_HINT = "install r-base-core r-cran-survival (see .ci/run)"


def run_r_script(script: Path, cohort_csv: Path) -> dict[str, float]:
    """``Rscript --vanilla script cohort_csv``, whose output is ``key,value`` lines; NA -> NaN."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.fail(f"Rscript not found on PATH: {INSTALL_HINT}")
    proc = subprocess.run([rscript, "--vanilla", str(script), str(cohort_csv)],
                          capture_output=True, text=True, timeout=60, cwd=REPO_ROOT)
    if proc.returncode != 0:
        pytest.fail(f"{script.name} failed ({INSTALL_HINT} if survival is missing):\n{proc.stderr}")
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "key,value", proc.stdout[:200]
    return {key: (math.nan if value == "NA" else float(value))
            for key, value in (line.split(",") for line in lines[1:])}


def oracle_cohort_path(param: str, generated: dict[str, Callable[[], pd.DataFrame]],
                       tmp_path_factory) -> Path:
    """The cohort file of a parametrised oracle fixture: a generated cohort written to a
    temporary file (``param`` a key of ``generated``), or ``shipped``: $COHORT_CSV, else
    the shipped cohort."""
    if param in generated:
        path = tmp_path_factory.mktemp("cohort") / f"{param}_cohort.csv"
        generated[param]().to_csv(path, index=False)
        return path
    path = Path(os.environ.get("COHORT_CSV", SHIPPED_COHORT))
    if not path.exists():
        pytest.fail(f"{path} does not exist: regenerate it with `make cohort`")
    return path

"""Locations of the repository's files, independent of the working directory.

Chapters execute with their own folder as working directory, nbval with the
notebooks' folder, tests with the repository root: every path is built from here.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
PUBLISHED_DIR = DATA_DIR / "published"
SHIPPED_COHORT = DATA_DIR / "cohort.csv"
CHAPTERS_DIR = REPO_ROOT / "chapters"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
BUILD_DIR = REPO_ROOT / "_build"
SITE_DIR = BUILD_DIR / "html"

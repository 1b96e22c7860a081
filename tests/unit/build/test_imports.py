"""The deferred rfc3987 grammar: altair imports without compiling it, and jsonschema's
IRI checks still check.

Oracle: jsonschema's own FormatChecker, run in a fresh interpreter, against a valid and
an invalid IRI; and ``sys.modules`` for what was imported.
"""

import json
import subprocess
import sys

PROBE = """
import json, sys
import hsct_ms, altair, jsonschema
placeholder_after_altair = getattr(sys.modules["rfc3987_syntax"], "__hsct_ms_placeholder__", False)
grammar_after_altair = "rfc3987_syntax.syntax_helpers" in sys.modules
checker = jsonschema.Draft7Validator.FORMAT_CHECKER
print(json.dumps({
    "placeholder_after_altair": placeholder_after_altair,
    "grammar_after_altair": grammar_after_altair,
    "iri_checks": sorted(f for f in checker.checkers if f.startswith("iri")),
    "valid": checker.conforms("https://example.org/\\u00e9t\\u00e9", "iri"),
    "invalid": checker.conforms("no scheme here", "iri"),
    "grammar_after_check": "rfc3987_syntax.syntax_helpers" in sys.modules,
}))
"""


def probe() -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_altair_imports_without_compiling_the_grammar():
    seen = probe()
    assert seen["placeholder_after_altair"] is True
    assert seen["grammar_after_altair"] is False


def test_iri_format_checks_are_still_registered_and_still_check():
    seen = probe()
    assert seen["iri_checks"] == ["iri", "iri-reference"]
    assert seen["valid"] is True
    assert seen["invalid"] is False
    assert seen["grammar_after_check"] is True

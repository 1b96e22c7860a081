"""Third-party imports the chapters pay for but do not use, deferred to first use.

``import altair`` imports ``jsonschema`` (Altair validates every chart spec against
the Vega-Lite schema, with jsonschema's format checker). ``jsonschema._format``
imports ``rfc3987_syntax`` when it is installed, to check the ``iri`` and
``iri-reference`` formats, and that import compiles a Lark grammar: about 1.5-2.7 s
in every chapter that draws a chart. The Vega-Lite 5 schema uses neither format
(only ``uri``, ``uri-reference`` and ``color-hex``), so no chart spec ever needs it.

:func:`defer_rfc3987_grammar` puts a placeholder in ``sys.modules`` whose
``is_valid_syntax`` imports the real module on its first call and delegates to it.
jsonschema still registers its ``iri`` checks, and they still check: only the
grammar's compilation moves to the first IRI actually validated (never, in this book).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

MODULE = "rfc3987_syntax"


def _real_module() -> types.ModuleType:
    """Import the real ``rfc3987_syntax`` in place of the placeholder (once)."""
    current = sys.modules.get(MODULE)
    if current is not None and not getattr(current, "__hsct_ms_placeholder__", False):
        return current
    sys.modules.pop(MODULE, None)
    return importlib.import_module(MODULE)


def _is_valid_syntax(*args, **kwargs):
    return _real_module().is_valid_syntax(*args, **kwargs)


def _module_getattr(name: str):
    # The import system probes dunders (``__path__`` on every ``from ... import``):
    # answering those must not load the grammar.
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    return getattr(_real_module(), name)


def defer_rfc3987_grammar() -> bool:
    """Install the placeholder, unless the module is absent or already imported.

    Returns True when the placeholder is (now) in place.
    """
    current = sys.modules.get(MODULE)
    if current is not None:
        return bool(getattr(current, "__hsct_ms_placeholder__", False))
    if importlib.util.find_spec(MODULE) is None:
        return False
    placeholder = types.ModuleType(MODULE, "Placeholder: the real module is imported on first use.")
    placeholder.__hsct_ms_placeholder__ = True
    placeholder.is_valid_syntax = _is_valid_syntax
    placeholder.__getattr__ = _module_getattr  # PEP 562: any other name loads the real module
    sys.modules[MODULE] = placeholder
    return True

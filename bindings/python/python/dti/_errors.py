"""The package's exceptions: every error carries the core's ``code`` (the same codes as the
Rust crate's ``code()`` and the npm package's ``Error.code``) and, where it applies, the
``problems`` found (each a dict with its ``row`` or ``line``, ``unit``, ``indicator``,
``code`` and the command's words in ``text``)."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional


class DtiError(Exception):
    """Every error of the package. ``code`` names the kind (e.g. ``"input"``,
    ``"invalid_file"``, ``"invalid_framework"``, ``"no_effect"``)."""

    def __init__(self, message: str, code: str = "internal", details: Optional[Dict[str, Any]] = None):
        super().__init__(message)
        details = details or {}
        self.code: str = code
        self.problems: List[Dict[str, Any]] = list(details.get("problems") or [])
        first = self.problems[0] if self.problems else {}
        self.unit: Optional[str] = details.get("unit", first.get("unit"))
        self.indicator: Optional[str] = details.get("indicator", first.get("indicator"))
        self.row: Optional[int] = details.get("row", first.get("row"))
        self.path: Optional[str] = details.get("path")


class InputError(DtiError):
    """The data: a file that cannot be read, rows or values the core refuses (every one in
    ``problems``, each with its row)."""


class FrameworkError(DtiError):
    """A framework that does not load or validate."""


class AnalysisError(DtiError):
    """An analysis that cannot run, or that did nothing (``code == "no_effect"``)."""


class Cancelled(AnalysisError):
    """An analysis stopped by its progress callback."""


_FRAMEWORK = {"parse", "unknown_builtin", "unknown_weight_set", "invalid_framework", "invalid_tables"}
_INPUT = {"input", "invalid_file", "normalise", "aggregate", "column", "overflow", "unknown_unit",
          "merge_input", "unknown_node", "not_numeric"}


def from_native(code: str, message: str, details: str) -> DtiError:
    """The exception for a native error (called by the native module)."""
    d = json.loads(details) if details else {}
    if code == "cancelled":
        return Cancelled(message, code, d)
    if code in _FRAMEWORK:
        return FrameworkError(message, code, d)
    if code in _INPUT or code.endswith("_file"):
        return InputError(message, code, d)
    if code == "bad_argument":
        return DtiError(message, code, d)
    return AnalysisError(message, code, d)

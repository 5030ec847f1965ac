# Unicode words for Python plugins (`from eddy_plugin.unicode import words`).
#
# Owns: splitting a line into lowercase words exactly as Rust's
# `str::to_lowercase` + `char::is_alphabetic() || char::is_numeric()` does
# (and the TypeScript SDK's `@eddy/sdk/unicode`): full Unicode lowercase with
# the Final_Sigma rule, then maximal runs of Alphabetic or Numeric characters.
# CPython's `str.lower()` does the work (it applies Final_Sigma); where its
# Unicode database is older than the tables' (generated from Node's ICU, the
# version Rust uses), the missing mappings are patched in first.
# Must never: decide word characters from CPython's `isalpha()`/`isalnum()`
# (they differ from Alphabetic/Numeric), or do per-character work in Python
# on a line that needs no patch.

from __future__ import annotations

import re
import unicodedata

from ._unicode_tables import LOWERCASE, UNICODE_VERSION, WORD_CHARACTER_RANGES

__all__ = ["lower", "words", "TABLES_UNICODE_VERSION", "PYTHON_UNICODE_VERSION", "PATCHED_LOWERCASE"]

TABLES_UNICODE_VERSION = UNICODE_VERSION
PYTHON_UNICODE_VERSION = unicodedata.unidata_version


def _character_class(ranges: tuple[int, ...]) -> str:
    parts = []
    for index in range(0, len(ranges), 2):
        start, end = ranges[index], ranges[index + 1]
        parts.append(re.escape(chr(start)) if start == end else f"{re.escape(chr(start))}-{re.escape(chr(end))}")
    return "[" + "".join(parts) + "]"


_word = re.compile(_character_class(WORD_CHARACTER_RANGES) + "+")

# Computed once, when the plugin is built (the build snapshots the module).
_patch: dict[int, str] = {}
for _entry in LOWERCASE:
    _target = "".join(map(chr, _entry[1:]))
    if chr(_entry[0]).lower() != _target:
        _patch[_entry[0]] = _target
del _entry, _target

PATCHED_LOWERCASE = len(_patch)
"""How many lowercase mappings CPython's database lacks or maps differently (patched)."""

_needs_patch = re.compile("[" + "".join(re.escape(chr(code_point)) for code_point in _patch) + "]") if _patch else None


def lower(text: str) -> str:
    """Full Unicode lowercase of `text`, with Final_Sigma (as Rust's `to_lowercase`)."""
    if _needs_patch is not None and _needs_patch.search(text) is not None:
        text = text.translate(_patch)
    return text.lower()


def words(line: str) -> list[str]:
    """The lowercase words of `line`, in order."""
    return _word.findall(lower(line))

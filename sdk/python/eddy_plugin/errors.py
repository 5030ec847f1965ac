# How a Python exception becomes the `err` result of the contract.
#
# Owns: `ProcessingError` (the exception whose message is the `err` exactly)
# and `describe`, the message any other exception is reported with, for the
# exports of every world (processor.py, functions.py).
# Must never: import a binding of the contract (a plugin of any world imports
# it), or decide what is caught: `MemoryError` and exits are the callers' to
# let through.

from __future__ import annotations

import traceback

__all__ = ["ProcessingError", "describe"]


class ProcessingError(Exception):
    """Raise it to report a record (or a config) as unprocessable with exactly
    this message; any other exception is reported with its type and where it
    was raised."""


_import_hint = " (a Python plugin imports its modules when it is built: import them at the top of a module, not inside a function)"


def describe(error: Exception) -> str:
    """The message an `err` result carries for `error`."""
    if isinstance(error, ProcessingError):
        return str(error)
    message = f"{type(error).__name__}: {error}"
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        frame = frames[-1]
        message += f" (at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name})"
    if isinstance(error, ImportError):
        message += _import_hint
    return message

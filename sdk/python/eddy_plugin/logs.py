# The host's plugin log, for Python plugins of every world.
#
# Owns: `log(level, message)` and the `logging.Handler` that sends Python log
# records to the host's plugin log, over the `log` import that the
# `processor` and `functions` worlds both have.
# Must never: import a binding of one world only (context, stores, exports):
# a functions plugin imports this module too.

from __future__ import annotations

import logging

from wit_world.imports import log as _log
from wit_world.imports.log import Level

__all__ = ["HostLogHandler", "Level", "log"]


def log(level: Level, message: str) -> None:
    """Writes one line to the host's plugin log (application, task and node attached)."""
    _log.log(level, message)


_levels = (
    (logging.ERROR, Level.ERROR),
    (logging.WARNING, Level.WARN),
    (logging.INFO, Level.INFO),
    (logging.DEBUG, Level.DEBUG),
)


class HostLogHandler(logging.Handler):
    """Sends Python `logging` records to the host's plugin log.

    Installed on the root logger when `eddy_plugin` is imported, so
    `logging.getLogger(__name__).warning(...)` reaches the host. (`print`
    works too: stdout and stderr go to the plugin log.)
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
        except Exception:  # a broken format string must not stop the plugin
            message = str(record.msg)
        level = Level.TRACE
        for threshold, host_level in _levels:
            if record.levelno >= threshold:
                level = host_level
                break
        _log.log(level, message)

# The processing context and the log, for Python plugins.
#
# Owns: the Pythonic face of the `context` and `log` imports of the
# `processor` world — forwarding records, record metadata, punctuators, time,
# commits, ids — and a `logging.Handler` that sends Python log records to the
# host's plugin log. Everything calls the bindings componentize-py generates
# from wit/ at build time.
# Must never: buffer or reorder forwards (a forward travels the whole
# downstream graph before it returns), or reach the host by any other route.

from __future__ import annotations

import logging
from typing import Optional

from wit_world.imports import context as _context
from wit_world.imports import log as _log
from wit_world.imports.log import Level
from wit_world.imports.types import PunctuationType, Record, RecordMetadata

__all__ = [
    "HostLogHandler",
    "Level",
    "application_id",
    "cancel",
    "forward",
    "forward_to",
    "log",
    "metadata",
    "request_commit",
    "schedule",
    "stream_time",
    "task_id",
    "wall_clock_time",
]


def forward(record: Record) -> None:
    """Sends `record` to every child of this node (depth-first: it is fully
    processed downstream before this returns)."""
    _context.forward(record)


def forward_to(child: str, record: Record) -> None:
    """Sends `record` to the child node named `child`. Naming a node that is
    not a child stops the instance; the host reports the name."""
    _context.forward_to(child, record)


def metadata() -> Optional[RecordMetadata]:
    """Topic, partition and offset of the input record being processed;
    `None` while a punctuator fires."""
    return _context.metadata()


def schedule(interval_ms: int, kind: PunctuationType = PunctuationType.STREAM_TIME) -> int:
    """Schedules `punctuate` every `interval_ms` of stream time (default) or
    wall-clock time; returns the punctuator's id."""
    return _context.schedule(interval_ms, kind)


def cancel(punctuator_id: int) -> None:
    """Cancels a punctuator. Unknown ids are ignored."""
    _context.cancel(punctuator_id)


def stream_time() -> int:
    """The task's stream time in ms (-1 before the first record)."""
    return _context.stream_time()


def wall_clock_time() -> int:
    """The host's wall-clock time in ms (the test driver's simulated clock under test)."""
    return _context.wall_clock_time()


def request_commit() -> None:
    """Asks the host to commit as soon as the current record is done."""
    _context.request_commit()


def application_id() -> str:
    """The application id this node runs in."""
    return _context.application_id()


def task_id() -> str:
    """The task id, e.g. `0_3`."""
    return _context.task_id()


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

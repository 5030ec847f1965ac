# The processing context, for Python plugins.
#
# Owns: the Pythonic face of the `context` import of the `processor` world —
# forwarding records, record metadata, punctuators, time, commits, ids (the
# log, which every world imports, is logs.py; re-exported here). Everything
# calls the bindings componentize-py generates from wit/ at build time.
# Must never: buffer or reorder forwards (a forward travels the whole
# downstream graph before it returns), or reach the host by any other route.

from __future__ import annotations

from typing import Optional

from wit_world.imports import context as _context
from wit_world.imports.types import PunctuationType, Record, RecordMetadata

from .logs import HostLogHandler, Level, log

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

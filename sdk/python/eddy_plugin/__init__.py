# Eddy plugin SDK for Python.
#
# Owns: the public surface of the SDK — what `from eddy_plugin import …`
# offers a plugin author — and the one-time setup when a plugin is built
# (Python's `logging` to the host's plugin log). The types and host calls
# underneath are the bindings componentize-py generates from wit/ (package
# eddy:plugin@0.1.0, world `processor`) when `eddy build` runs.
# Must never: hand-copy anything from the contract's ABI, or import a module
# a plugin does not need (everything imported here is in every plugin).

"""Write Eddy stream processors in Python.

    from eddy_plugin import Processor, Store, export_processor, forward, record

    class CountPerKey(Processor):
        def __init__(self, config):
            self.counts = Store.open("counts")

        def process(self, input):
            if input.key is None:
                return
            count = int(self.counts.get(input.key) or b"0") + 1
            self.counts.put(input.key, str(count))
            forward(record(input.key, str(count), input.timestamp))

    export_processor(CountPerKey)
"""

import logging as _logging

from .context import (
    HostLogHandler,
    Level,
    application_id,
    cancel,
    forward,
    forward_to,
    log,
    metadata,
    request_commit,
    schedule,
    stream_time,
    task_id,
    wall_clock_time,
)
from .processor import Processor, ProcessingError, export_processor, processor_world
from .records import (
    Bytes,
    Config,
    Header,
    KeyValue,
    MissingConfigError,
    PunctuationType,
    Record,
    RecordMetadata,
    record,
    to_bytes,
)
from .stores import SessionEntry, SessionStore, Store, StoreError, WindowEntry, WindowStore

__all__ = [
    "Bytes",
    "Config",
    "Header",
    "HostLogHandler",
    "KeyValue",
    "Level",
    "MissingConfigError",
    "ProcessingError",
    "Processor",
    "PunctuationType",
    "Record",
    "RecordMetadata",
    "SessionEntry",
    "SessionStore",
    "Store",
    "StoreError",
    "WindowEntry",
    "WindowStore",
    "application_id",
    "cancel",
    "export_processor",
    "forward",
    "forward_to",
    "log",
    "metadata",
    "record",
    "request_commit",
    "schedule",
    "stream_time",
    "task_id",
    "to_bytes",
    "wall_clock_time",
]

_root = _logging.getLogger()
if not any(isinstance(handler, HostLogHandler) for handler in _root.handlers):
    _root.addHandler(HostLogHandler())


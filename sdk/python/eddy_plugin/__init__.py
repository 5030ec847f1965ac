# Eddy plugin SDK for Python.
#
# Owns: the public surface of the SDK — what `from eddy_plugin import …`
# offers a plugin author — and the one-time setup when a plugin is built
# (Python's `logging` to the host's plugin log). The types and host calls
# underneath are the bindings componentize-py generates from wit/ (package
# eddy:plugin@0.1.0, world `processor` or `functions`) when `eddy build` runs.
# Must never: hand-copy anything from the contract's ABI, or import a module
# a plugin does not need (everything imported here is in every plugin, of
# either world: the processor world's modules load on first use).

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

DSL functions (the `functions` world) are `eddy_plugin.functions`.
"""

import importlib as _importlib
import logging as _logging
from typing import TYPE_CHECKING

from .errors import ProcessingError
from .logs import HostLogHandler, Level, log
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

# The `processor` world's own surface (context, stores, the Processor class)
# is imported when first used: a `functions` plugin has none of those
# bindings, and `import eddy_plugin.functions` runs this module too.
_processor_world = {
    "application_id": "context",
    "cancel": "context",
    "forward": "context",
    "forward_to": "context",
    "metadata": "context",
    "request_commit": "context",
    "schedule": "context",
    "stream_time": "context",
    "task_id": "context",
    "wall_clock_time": "context",
    "Processor": "processor",
    "export_processor": "processor",
    "processor_world": "processor",
    "SessionEntry": "stores",
    "SessionStore": "stores",
    "Store": "stores",
    "StoreError": "stores",
    "WindowEntry": "stores",
    "WindowStore": "stores",
}

if TYPE_CHECKING:
    from .context import (
        application_id,
        cancel,
        forward,
        forward_to,
        metadata,
        request_commit,
        schedule,
        stream_time,
        task_id,
        wall_clock_time,
    )
    from .processor import Processor, export_processor, processor_world
    from .stores import SessionEntry, SessionStore, Store, StoreError, WindowEntry, WindowStore


def __getattr__(name: str) -> object:
    module = _processor_world.get(name)
    if module is None:
        raise AttributeError(f"module 'eddy_plugin' has no attribute '{name}'")
    value = getattr(_importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


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


# The Processor class of Python plugins and its wiring to the world's exports.
#
# Owns: the `Processor` base class plugin authors subclass, `export_processor`
# (the Python twin of Rust's `export_processor!`), and `ProcessorWorld`, the
# object componentize-py calls for the `processor` world's exports: it holds
# the one processor instance and turns a Python exception into the `err`
# result the contract defines (the record is reported, the instance stays).
# Must never: swallow an error without reporting it, or turn a `MemoryError`
# or an exit into an `err` (those must stop the instance, so the host's
# memory cap and exit handling see them).

from __future__ import annotations

from typing import Optional

from componentize_py_types import Err

from .errors import ProcessingError, describe
from .logs import Level, log
from .records import Config, Record

__all__ = ["Processor", "ProcessingError", "export_processor", "processor_world"]


class Processor:
    """A stream processor: the Python face of the `processor` world.

    The host creates one instance per task (`__init__` receives the node's
    config), then calls `process` once per input record. Outputs go out with
    `forward` / `forward_to` while `process` runs, depth-first. Raising from
    `__init__`, `process` or `punctuate` reports the config or the record as
    unprocessable; the instance stays usable.
    """

    def __init__(self, config: Config) -> None:
        self.config = config

    def process(self, record: Record) -> None:
        """Processes one record."""
        raise NotImplementedError(f"{type(self).__name__} does not implement process()")

    def punctuate(self, punctuator_id: int, timestamp: int) -> None:
        """A punctuator scheduled with `schedule` is due (`timestamp`: the stream
        or wall-clock time that made it due)."""

    def close(self) -> None:
        """The task is closing; stores are still open."""


_exported: Optional[type[Processor]] = None


def export_processor(processor: type[Processor]) -> type[Processor]:
    """Makes `processor` the plugin's processor (usable as a class decorator)."""
    global _exported
    if not (isinstance(processor, type) and issubclass(processor, Processor)):
        raise TypeError(f"export_processor() takes a subclass of eddy_plugin.Processor, not {processor!r}")
    if _exported is not None and _exported is not processor:
        raise RuntimeError(f"export_processor() was already called with {_exported.__name__}: a plugin has one processor")
    _exported = processor
    return processor


def exported_processor(module_name: str) -> type[Processor]:
    """The class passed to `export_processor` (the build calls this after importing the plugin)."""
    if _exported is None:
        raise RuntimeError(f"module '{module_name}' exports no processor: call eddy_plugin.export_processor(YourProcessor)")
    return _exported


class _Slot:
    """The one processor instance of a component instance."""

    __slots__ = ("instance",)

    def __init__(self) -> None:
        self.instance: Optional[Processor] = None


class ProcessorWorld:
    """What componentize-py calls for the world's exports.

    componentize-py creates one object of this class per export function
    (when the plugin is built), so the processor instance lives in a slot the
    objects share, not in any one of them.

    `close_processor` is the world's `close`: `eddy build` hands
    componentize-py the world with that export renamed (its linker cannot
    export a function named like a libc symbol) and restores the name in the
    finished component.
    """

    def __init__(self, processor: type[Processor], slot: _Slot) -> None:
        self._class = processor
        self._slot = slot

    def init(self, config: list[tuple[str, str]]) -> None:
        try:
            self._slot.instance = self._class(Config(config))
        except MemoryError:
            raise
        except Exception as error:
            raise Err(describe(error)) from None

    def process(self, r: Record) -> None:
        instance = self._slot.instance
        if instance is None:
            raise Err("the processor was called before init succeeded")
        try:
            instance.process(r)
        except MemoryError:
            raise
        except Exception as error:
            raise Err(describe(error)) from None

    def punctuate(self, id: int, timestamp: int) -> None:
        instance = self._slot.instance
        if instance is None:
            raise Err("the processor was called before init succeeded")
        try:
            instance.punctuate(id, timestamp)
        except MemoryError:
            raise
        except Exception as error:
            raise Err(describe(error)) from None

    def close_processor(self) -> None:
        instance, self._slot.instance = self._slot.instance, None
        if instance is None:
            return
        try:
            instance.close()
        except MemoryError:
            raise
        except Exception as error:
            # `close` has no result to carry it: the host's log gets it.
            log(Level.ERROR, f"close failed: {describe(error)}")


def processor_world(module_name: str) -> type[ProcessorWorld]:
    """The class componentize-py instantiates for the world's exports, bound to
    the processor `module_name` exported (called by the entry module that
    `eddy build` generates, after importing the plugin)."""
    processor = exported_processor(module_name)
    slot = _Slot()

    class WitWorld(ProcessorWorld):
        def __init__(self) -> None:
            super().__init__(processor, slot)

    return WitWorld

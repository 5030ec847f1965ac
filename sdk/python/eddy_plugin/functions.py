# DSL functions in Python: the `functions` world of wit/ (predicates,
# mappers, key selectors, initializers, aggregators, reducers, joiners, …),
# registered by name — the Python twin of Go's eddy/sdk/functions:
#
#     from eddy_plugin.functions import Config, Functions, export_functions
#
#     def register(config: Config, f: Functions) -> None:
#         f.predicate("has-a", lambda key, value: value is not None and b"a" in value)
#
#     export_functions(register)
#
# Owns: the `Functions` registry, `export_functions`, and `FunctionsWorld`,
# the object componentize-py calls for the `dsl-functions` exports: it
# dispatches each call to the function at its index (checking the kind),
# converts what a function returns to the contract's types, and turns a
# Python exception into the `err` result.
# Must never: import a binding of the `processor` world (context, stores:
# a functions plugin has none), keep state between calls (functions have
# none; the host owns every aggregate), or turn a `MemoryError` or an exit
# into an `err` (those must stop the instance).

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Optional, TypeVar, Union, overload

from componentize_py_types import Err
from wit_world.exports.dsl_functions import FunctionInfo, FunctionKind, KeyValuePair

from .errors import ProcessingError, describe
from .logs import Level, log
from .records import Bytes, Config, to_bytes

__all__ = [
    "Bytes",
    "Config",
    "FunctionError",
    "FunctionKind",
    "Functions",
    "Level",
    "export_functions",
    "functions_world",
    "log",
    "text",
]

FunctionError = ProcessingError
"""Raise it to report the record as unprocessable with exactly this message;
any other exception is reported with its type and where it was raised."""

In = Optional[bytes]
"""A key, value or aggregate as a function receives it: `None` is null."""
Out = Optional[Bytes]
"""What a function returns for one: `None` is null, `str` is encoded as UTF-8."""

F = TypeVar("F", bound=Callable[..., object])


def text(value: bytes) -> str:
    """`value` as text, or a `FunctionError` worded as Rust's `Utf8Error`
    ("invalid utf-8 sequence of 1 bytes from index 1", "incomplete utf-8 byte
    sequence from index 0")."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            raise FunctionError(f"incomplete utf-8 byte sequence from index {error.start}") from None
        raise FunctionError(f"invalid utf-8 sequence of {error.end - error.start} bytes from index {error.start}") from None


class Functions:
    """The plugin's functions, in the order registered. Each method takes the
    name a DSL step uses (`<functions>.<name>`) and the function; without the
    function it returns a decorator:

        f.value_mapper("upper", lambda key, value: value and value.upper())

        @f.predicate("has-a")
        def has_a(key, value): ...
    """

    def __init__(self) -> None:
        self._functions: list[tuple[str, FunctionKind, Callable[..., object]]] = []

    def _add(self, name: str, kind: FunctionKind, function: Optional[F]) -> Union[F, Callable[[F], F]]:
        def add(function: F) -> F:
            if not callable(function):
                raise TypeError(f"function '{name}' is not callable: {function!r}")
            if any(existing == name for existing, _, _ in self._functions):
                raise ValueError(f"function '{name}' is registered twice")
            self._functions.append((name, kind, function))
            return function

        return add if function is None else add(function)

    # Each registration method: typed for both forms (with the function, or as a decorator).
    @overload
    def predicate(self, name: str, function: Callable[[In, In], bool]) -> Callable[[In, In], bool]: ...
    @overload
    def predicate(self, name: str) -> Callable[[F], F]: ...
    def predicate(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """filter, filterNot, split branches: `(key, value) -> bool`."""
        return self._add(name, FunctionKind.PREDICATE, function)

    @overload
    def key_value_mapper(self, name: str, function: Callable[[In, In], tuple[Out, Out]]) -> Callable[[In, In], tuple[Out, Out]]: ...
    @overload
    def key_value_mapper(self, name: str) -> Callable[[F], F]: ...
    def key_value_mapper(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """map, groupBy on a table: `(key, value) -> (new key, new value)`."""
        return self._add(name, FunctionKind.KEY_VALUE_MAPPER, function)

    @overload
    def value_mapper(self, name: str, function: Callable[[In, In], Out]) -> Callable[[In, In], Out]: ...
    @overload
    def value_mapper(self, name: str) -> Callable[[F], F]: ...
    def value_mapper(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """mapValues (with the read-only key): `(key, value) -> new value`."""
        return self._add(name, FunctionKind.VALUE_MAPPER, function)

    @overload
    def key_selector(self, name: str, function: Callable[[In, In], Out]) -> Callable[[In, In], Out]: ...
    @overload
    def key_selector(self, name: str) -> Callable[[F], F]: ...
    def key_selector(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """selectKey, groupBy on a stream, foreign-key extractors: `(key, value) -> new key`."""
        return self._add(name, FunctionKind.KEY_SELECTOR, function)

    @overload
    def flat_mapper(self, name: str, function: Callable[[In, In], Iterable[tuple[Out, Out]]]) -> Callable[[In, In], Iterable[tuple[Out, Out]]]: ...
    @overload
    def flat_mapper(self, name: str) -> Callable[[F], F]: ...
    def flat_mapper(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """flatMap: `(key, value) -> [(key, value), …]` (a generator works too)."""
        return self._add(name, FunctionKind.FLAT_MAPPER, function)

    @overload
    def flat_value_mapper(self, name: str, function: Callable[[In, In], Iterable[Out]]) -> Callable[[In, In], Iterable[Out]]: ...
    @overload
    def flat_value_mapper(self, name: str) -> Callable[[F], F]: ...
    def flat_value_mapper(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """flatMapValues: `(key, value) -> [value, …]` (a generator works too)."""
        return self._add(name, FunctionKind.FLAT_VALUE_MAPPER, function)

    @overload
    def initializer(self, name: str, function: Callable[[], Out]) -> Callable[[], Out]: ...
    @overload
    def initializer(self, name: str) -> Callable[[F], F]: ...
    def initializer(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """The start value of an aggregate: `() -> aggregate`."""
        return self._add(name, FunctionKind.INITIALIZER, function)

    @overload
    def aggregator(self, name: str, function: Callable[[In, In, In], Out]) -> Callable[[In, In, In], Out]: ...
    @overload
    def aggregator(self, name: str) -> Callable[[F], F]: ...
    def aggregator(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """The adder or subtractor of an aggregation: `(key, value, aggregate) -> new aggregate`."""
        return self._add(name, FunctionKind.AGGREGATOR, function)

    @overload
    def reducer(self, name: str, function: Callable[[In, In], Out]) -> Callable[[In, In], Out]: ...
    @overload
    def reducer(self, name: str) -> Callable[[F], F]: ...
    def reducer(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """reduce: `(aggregate, value) -> new aggregate`."""
        return self._add(name, FunctionKind.REDUCER, function)

    @overload
    def value_joiner(self, name: str, function: Callable[[In, In, In], Out]) -> Callable[[In, In, In], Out]: ...
    @overload
    def value_joiner(self, name: str) -> Callable[[F], F]: ...
    def value_joiner(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """join: `(key, left, right) -> joined value`."""
        return self._add(name, FunctionKind.VALUE_JOINER, function)

    @overload
    def action(self, name: str, function: Callable[[In, In], None]) -> Callable[[In, In], None]: ...
    @overload
    def action(self, name: str) -> Callable[[F], F]: ...
    def action(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """peek and foreach: `(key, value) -> None`."""
        return self._add(name, FunctionKind.ACTION, function)

    @overload
    def merger(self, name: str, function: Callable[[In, In, In], Out]) -> Callable[[In, In, In], Out]: ...
    @overload
    def merger(self, name: str) -> Callable[[F], F]: ...
    def merger(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """Session merger: `(key, aggregate so far, next session's aggregate) -> merged`."""
        return self._add(name, FunctionKind.MERGER, function)

    @overload
    def topic_name_extractor(self, name: str, function: Callable[[In, In, str], str]) -> Callable[[In, In, str], str]: ...
    @overload
    def topic_name_extractor(self, name: str) -> Callable[[F], F]: ...
    def topic_name_extractor(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """The topic `to` writes a record to: `(key, value, source topic) -> topic` (source topic "" when none)."""
        return self._add(name, FunctionKind.TOPIC_NAME_EXTRACTOR, function)

    @overload
    def timestamp_extractor(self, name: str, function: Callable[[In, In, int, int], int]) -> Callable[[In, In, int, int], int]: ...
    @overload
    def timestamp_extractor(self, name: str) -> Callable[[F], F]: ...
    def timestamp_extractor(self, name: str, function: Optional[Callable[..., object]] = None) -> Callable[..., object]:
        """A source's timestamps: `(key, value, record timestamp, partition time) -> timestamp`
        (negative: the record is skipped; partition time is -1 before any)."""
        return self._add(name, FunctionKind.TIMESTAMP_EXTRACTOR, function)


Register = Callable[[Config, Functions], None]
"""Fills the registry from the configuration; raising rejects the configuration."""

_exported: Optional[Register] = None


def export_functions(register: Register) -> Register:
    """Makes `register` the plugin's functions (usable as a decorator). Call it once, at module level."""
    global _exported
    if not callable(register):
        raise TypeError(f"export_functions() takes a function (config, functions) -> None, not {register!r}")
    if _exported is not None and _exported is not register:
        raise RuntimeError("export_functions() was already called: a plugin has one register function")
    _exported = register
    return register


def _optional(value: object, what: str) -> Optional[bytes]:
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray, memoryview, str)):
        return to_bytes(value)
    raise TypeError(f"{what} is {type(value).__name__}, not bytes, str or None")


def _pair(item: object, what: str) -> KeyValuePair:
    if not isinstance(item, tuple) or len(item) != 2:
        raise TypeError(f"{what} is {type(item).__name__}, not a (key, value) tuple")
    return KeyValuePair(_optional(item[0], f"{what}'s key"), _optional(item[1], f"{what}'s value"))


R = TypeVar("R")


class _Registry:
    """The functions of a component instance (registered by `init`)."""

    __slots__ = ("functions",)

    def __init__(self) -> None:
        self.functions: Functions = Functions()


class FunctionsWorld:
    """What componentize-py calls for the `dsl-functions` exports.

    componentize-py creates one object of this class per export function
    (when the plugin is built), so the registry lives in an object they
    share, not in any one of them.
    """

    def __init__(self, register: Register, registry: _Registry) -> None:
        self._register = register
        self._registry = registry

    def _call(self, index: int, kind: FunctionKind, run: Callable[[Callable[..., object], str], R]) -> R:
        functions = self._registry.functions._functions
        if index >= len(functions) or functions[index][1] != kind:
            raise Err(f"no function of kind {kind.name.lower().replace('_', '-')} at index {index}")
        name, _, function = functions[index]
        try:
            return run(function, name)
        except MemoryError:
            raise
        except Exception as error:
            raise Err(describe(error)) from None

    def init(self, config: list[tuple[str, str]]) -> None:
        functions = Functions()
        try:
            self._register(Config(config), functions)
        except MemoryError:
            raise
        except Exception as error:
            raise Err(describe(error)) from None
        self._registry.functions = functions

    def functions(self) -> list[FunctionInfo]:
        return [FunctionInfo(name, kind) for name, kind, _ in self._registry.functions._functions]

    def test(self, function: int, key: In, value: In) -> bool:
        def run(f: Callable[..., object], name: str) -> bool:
            result = f(key, value)
            if not isinstance(result, bool):
                raise TypeError(f"predicate '{name}' returned {type(result).__name__}, not bool")
            return result

        return self._call(function, FunctionKind.PREDICATE, run)

    def map(self, function: int, key: In, value: In) -> KeyValuePair:
        return self._call(function, FunctionKind.KEY_VALUE_MAPPER, lambda f, name: _pair(f(key, value), f"what '{name}' returned"))

    def map_value(self, function: int, key: In, value: In) -> In:
        return self._call(function, FunctionKind.VALUE_MAPPER, lambda f, name: _optional(f(key, value), f"what '{name}' returned"))

    def select_key(self, function: int, key: In, value: In) -> In:
        return self._call(function, FunctionKind.KEY_SELECTOR, lambda f, name: _optional(f(key, value), f"what '{name}' returned"))

    def flat_map(self, function: int, key: In, value: In) -> list[KeyValuePair]:
        def run(f: Callable[..., object], name: str) -> list[KeyValuePair]:
            return [_pair(item, f"an item '{name}' returned") for item in _iterable(f(key, value), name)]

        return self._call(function, FunctionKind.FLAT_MAPPER, run)

    def flat_map_values(self, function: int, key: In, value: In) -> list[In]:
        def run(f: Callable[..., object], name: str) -> list[In]:
            return [_optional(item, f"an item '{name}' returned") for item in _iterable(f(key, value), name)]

        return self._call(function, FunctionKind.FLAT_VALUE_MAPPER, run)

    def initialize(self, function: int) -> In:
        return self._call(function, FunctionKind.INITIALIZER, lambda f, name: _optional(f(), f"what '{name}' returned"))

    def aggregate(self, function: int, key: In, value: In, aggregate: In) -> In:
        return self._call(function, FunctionKind.AGGREGATOR, lambda f, name: _optional(f(key, value, aggregate), f"what '{name}' returned"))

    def reduce(self, function: int, aggregate: In, value: In) -> In:
        return self._call(function, FunctionKind.REDUCER, lambda f, name: _optional(f(aggregate, value), f"what '{name}' returned"))

    def join(self, function: int, key: In, left: In, right: In) -> In:
        return self._call(function, FunctionKind.VALUE_JOINER, lambda f, name: _optional(f(key, left, right), f"what '{name}' returned"))

    def act(self, function: int, key: In, value: In) -> None:
        self._call(function, FunctionKind.ACTION, lambda f, name: f(key, value) and None)

    def merge(self, function: int, key: In, aggregate1: In, aggregate2: In) -> In:
        return self._call(function, FunctionKind.MERGER, lambda f, name: _optional(f(key, aggregate1, aggregate2), f"what '{name}' returned"))

    def extract_topic(self, function: int, key: In, value: In, source_topic: str) -> str:
        def run(f: Callable[..., object], name: str) -> str:
            topic = f(key, value, source_topic)
            if not isinstance(topic, str):
                raise TypeError(f"topic name extractor '{name}' returned {type(topic).__name__}, not str")
            return topic

        return self._call(function, FunctionKind.TOPIC_NAME_EXTRACTOR, run)

    def extract_timestamp(self, function: int, key: In, value: In, timestamp: int, partition_time: int) -> int:
        def run(f: Callable[..., object], name: str) -> int:
            time = f(key, value, timestamp, partition_time)
            if not isinstance(time, int) or isinstance(time, bool):
                raise TypeError(f"timestamp extractor '{name}' returned {type(time).__name__}, not int")
            if not -(1 << 63) <= time < (1 << 63):
                raise OverflowError(f"timestamp extractor '{name}' returned {time}, outside a signed 64-bit integer")
            return time

        return self._call(function, FunctionKind.TIMESTAMP_EXTRACTOR, run)


def _iterable(result: object, name: str) -> Iterable[object]:
    if isinstance(result, (bytes, bytearray, memoryview, str)) or not isinstance(result, Iterable):
        raise TypeError(f"'{name}' returned {type(result).__name__}, not a list")
    return result


def functions_world(module_name: str) -> type[FunctionsWorld]:
    """The class componentize-py instantiates for the `dsl-functions` exports,
    bound to the register function `module_name` exported (called by the
    entry module that `eddy build` generates, after importing the plugin)."""
    if _exported is None:
        raise RuntimeError(f"module '{module_name}' exports no functions: call eddy_plugin.functions.export_functions(register)")
    register = _exported
    registry = _Registry()

    class DslFunctions(FunctionsWorld):
        def __init__(self) -> None:
            super().__init__(register, registry)

    return DslFunctions
